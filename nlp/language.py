"""Tell English from Spanish in one taxpayer message, or say it cannot tell.

A conversation's language changes only on clear evidence, so the reader is cautious:

- an explicit request ("en español por favor", "English please", "no hablo inglés") always wins;
- English tax words inside Spanish text ("me llegó un notice of intent to levy") are set aside first,
  so Spanglish stays Spanish;
- greetings and one-word answers come from two short word lists ("hola", "gracias", "sí" / "hi",
  "thanks", "yes"); "no", "ok", codes, numbers and lone names decide nothing;
- longer text needs both the statistical detector (lingua, restricted to the two languages, with its
  models inside the installed wheel: nothing is downloaded) and the language's common words to agree.

It also reads a locale or a metadata language hint ("es_MX", "es-419", "en-US") as ``en`` / ``es``
(:func:`locale_language`), for the channels and for ``action_session_start`` alike.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass
from typing import Any, Optional

ENGLISH, SPANISH = "en", "es"
LANGUAGES = (ENGLISH, SPANISH)
MAX_LOCALE_CHARS = 35  # BCP 47 tags in practice; anything longer is not a locale

_REQUEST_SPANISH = re.compile(
    r"\b(?:en|in)\s+espa[nñ]ol\b|\bespa[nñ]ol,?\s+(?:por\s+favor|please)\b|\bspanish,?\s+please\b|"
    r"\b(?:hablas?|habla\s+usted|hablan|speak|speaks)\s+(?:en\s+)?(?:espa[nñ]ol|spanish)\b|"
    r"\b(?:switch|change|go)(?:\s+back)?\s+to\s+spanish\b|\b(?:cambi|pas)\w*(?:\s+de\s+nuevo)?\s+al?\s+espa[nñ]ol\b|"
    r"^\s*(?:espa[nñ]ol|spanish)\s*[.!?]*\s*$",
    re.IGNORECASE,
)
_REQUEST_ENGLISH = re.compile(
    r"\bin\s+english\b|\ben\s+ingles\b|\benglish,?\s+(?:please|por\s+favor)\b|\b(?:speak|hablas?|habla\s+usted)\s+(?:english|ingles)\b|"
    r"\b(?:switch|change|go)(?:\s+back)?\s+to\s+english\b|\b(?:cambi|pas)\w*(?:\s+de\s+nuevo)?\s+al?\s+ingles\b|"
    r"^\s*(?:english|ingles)\s*[.!?]*\s*$",
    re.IGNORECASE,
)
# "I don't speak Spanish" and "no hablo inglés" name the other language: read them first.
_REFUSES = (
    (re.compile(r"\bi\s+(?:don'?t|do\s+not|can'?t)\s+speak\s+spanish\b|\bno\s+spanish\b", re.IGNORECASE), ENGLISH),
    (re.compile(r"\bno\s+(?:hablo|entiendo|se)\s+(?:ingles|english)\b", re.IGNORECASE), SPANISH),
)
# English words that Spanish speakers keep in Spanish sentences (notice titles, IRS terms), and
# anything that is no language at all (codes, numbers, addresses).
_NEUTRAL = re.compile(
    r"https?://\S+|\S+@\S+|\b(?:cp|lt|ltr|letter|carta|form|formulario)\s*-?\s*\d+\w*|\b\d[\d,./$%-]*\b|\$|"
    r"\b(?:notice of (?:intent to levy|federal tax lien|deficiency)|final notice|balance due|payment plan|"
    r"installment agreement|offer in compromise|innocent spouse|tax court|revenue officer|"
    r"notices?|letters?|levy|lien|irs|taxes|tax|refund|ssn|w-?2|ok(?:ay)?|email|e-mail)\b",
    re.IGNORECASE,
)
# A word stands alone: the letters inside "0q0q" or "a1b2" are no word of any language.
_WORD = re.compile(r"(?<![\w'])[a-zñ']+(?![\w'])")
# Whole short messages (accents removed) that say the language on their own.
_SHORT = {
    SPANISH: {
        "hola",
        "buenas",
        "buenos dias",
        "buenas tardes",
        "buenas noches",
        "gracias",
        "muchas gracias",
        "si",
        "claro",
        "vale",
        "ayuda",
        "adios",
        "de acuerdo",
        "perfecto",
        "bueno",
        "listo",
        "si por favor",
        "hola buenas",
        "por favor",
        "mas",
        "mas informacion",
        "no gracias",
        "si gracias",
        "que",
        "como",
        "cuanto",
        "donde",
    },
    ENGLISH: {
        "hi",
        "hello",
        "hey",
        "thanks",
        "thank you",
        "yes",
        "yeah",
        "yep",
        "nope",
        "help",
        "bye",
        "good morning",
        "good afternoon",
        "good evening",
        "sure",
        "great",
        "got it",
        "yes please",
        "no thanks",
        "please",
        "more",
        "what",
        "how",
        "why",
        "hi there",
    },
}
# Common words of each language that the other seldom uses ("no", "me", "a" and "son" are in both).
_COMMON = {
    SPANISH: set(
        "de la que el en y los las del se por un una con para es mi mis lo le su al pero como cuanto "
        "tengo tiene tienen puedo puede quiero necesito estoy esta estan son hay ya muy tambien porque cuando "
        "donde hago hacer pagar pague debo debe carta cartas aviso embargo gravamen dinero cuenta banco mes "
        "meses anos usted yo nos ellos sin sobre llego llegaron mandaron dice dicen esto eso ese esa que hacer "
        "plan pagos deuda esposo esposa trabajo salario cheque seguro social ahora todavia significa grave "
        "q quiere decir pasa pueden tiempo cuantos cuanta dias mucho poco dinero multas".split()
    ),
    ENGLISH: set(
        "the to and of my i is you what how for it in on do can have has they will that this with be are "
        "was were got get pay owe about from or not don't i'm it's can't won't should would could my our "
        "your their we he she wages paycheck account bank job money months years now still already "
        "want need help my when where which does did just".split()
    ),
}


@dataclass(frozen=True)
class LanguageReading:
    """The language one message shows, and whether the taxpayer asked for it outright."""

    language: str
    requested: bool


def plain(text: str) -> str:
    """Lower case without accents ("Español" -> "espa[nñ]ol"); ñ is kept."""
    decomposed = unicodedata.normalize("NFD", text.lower().replace("ñ", "\0"))
    return "".join(c for c in decomposed if unicodedata.category(c) != "Mn").replace("\0", "ñ")


def requested_language(text: str) -> Optional[str]:
    """The language the taxpayer asks for outright ("en español", "English please"), if any."""
    lowered = plain(text)
    for pattern, language in _REFUSES:
        if pattern.search(lowered):
            return language
    if _REQUEST_SPANISH.search(lowered):
        return SPANISH
    if _REQUEST_ENGLISH.search(lowered):
        return ENGLISH
    return None


def valid_language(value: Any) -> Optional[str]:
    """``en`` or ``es`` when ``value`` is exactly one of them (any case, blanks ignored), else None.

    Nothing else passes: a client may put anything into its metadata.
    """
    if not isinstance(value, str):
        return None
    value = value.strip().lower()
    return value if value in LANGUAGES else None


def locale_language(locale: Any) -> Optional[str]:
    """``en`` or ``es`` for a locale or language tag ("es_MX", "es-419", "en-US", Messenger's "es_LA",
    a plain "es"), else None (another language, or not a locale at all).

    The Messenger channel reads a sender's locale with it, and ``action_session_start`` the language
    hint in the first message's metadata.
    """
    if not isinstance(locale, str) or len(locale) > MAX_LOCALE_CHARS:
        return None
    primary = locale.strip().replace("-", "_").split("_")[0]
    return valid_language(primary) if len(primary) == 2 else None


@functools.lru_cache(maxsize=1)
def _detector():  # type: ignore[no-untyped-def]
    from lingua import Language, LanguageDetectorBuilder

    return (
        LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.SPANISH)
        .with_preloaded_language_models()
        .build()
    )


def spanish_probability(text: str) -> float:
    """lingua's confidence that ``text`` is Spanish rather than English (0..1)."""
    from lingua import Language

    return float(_detector().compute_language_confidence(text, Language.SPANISH))


def warm_up() -> None:
    """Load the detector's models now (about half a second), not on the first message."""
    spanish_probability("hola, buenos días")


def detect_language(text: str) -> Optional[str]:
    """``en`` or ``es`` when the message clearly is that language, else None (see the module doc)."""
    lowered = plain(text)
    rest = " ".join(_WORD.findall(_NEUTRAL.sub(" ", lowered)))
    if not rest:
        return None
    for language, phrases in _SHORT.items():
        if rest in phrases:
            return language
    words = rest.split()
    if all(len(word) == 1 for word in words):
        return None  # single letters ("A J Q" between symbols) are no sentence
    spanish_words = sum(w in _COMMON[SPANISH] for w in words)
    english_words = sum(w in _COMMON[ENGLISH] for w in words)
    if spanish_words == english_words:
        return None
    leader, count, other = (
        (SPANISH, spanish_words, english_words)
        if spanish_words > english_words
        else (ENGLISH, english_words, spanish_words)
    )
    if len(words) < 3 and count < 2:
        return None  # a name or a two-word fragment: too little to go on
    if len(set(words)) < min(3, len(words)):
        return None  # a word or two over and over ("q q q q", "de la de la") is no sentence
    if other == 0 and count == len(words):
        return leader  # "es grave", "what is": every word is a common word of one language
    probability = spanish_probability(rest)
    agrees = probability >= 0.6 if leader == SPANISH else probability <= 0.4
    if agrees or (count >= 3 and count >= 2 * other + 1):
        return leader
    return None


@functools.lru_cache(maxsize=1024)
def read_language(text: str) -> Optional[LanguageReading]:
    """The language asked for, else the language detected, else None.

    Remembered per text: the channel reads a message's language for its metadata and the NLU
    component reads the same text again in the same process, so the detector runs once.
    """
    asked = requested_language(text)
    if asked:
        return LanguageReading(asked, requested=True)
    detected = detect_language(text)
    return LanguageReading(detected, requested=False) if detected else None
