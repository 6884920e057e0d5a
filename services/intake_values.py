"""Normalise what a taxpayer types into the intake form: phone, email, amount, years, state, names.

Every parser takes the raw reply and returns the normalised value, or None when it can't read one;
none of them raises, whatever the input. Libraries do the hard parts (phonenumbers,
email-validator, text2num, us). Parsers whose answers have words take the conversation's
``language`` ("en" by default); in Spanish they read Spanish answers as well as English ones
("sí", "llámenme", "del 2019 al 2021", "Nueva York"). Pure logic: no Rasa imports.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from typing import Callable, Dict, List, Optional, Pattern, Tuple

import phonenumbers
from email_validator import EmailNotValidError, validate_email
from text_to_num import alpha2digit

from services.amounts import parse_amount

__all__ = [
    "CONTACT_METHODS",
    "YES_NO_VALUES",
    "parse_amount",
    "parse_contact_method",
    "parse_contact_time",
    "parse_email",
    "parse_name",
    "parse_phone",
    "parse_tax_years",
    "parse_us_state",
    "parse_yes_no",
]

SPANISH = "es"
YES_NO_VALUES = ("yes", "no", "unsure")
CONTACT_METHODS = ("sms", "phone", "email", "chat")
FIRST_TAX_YEAR = 1980
MAX_YEAR_SPAN = 30
# Longer than any sensible reply; bounds the work the libraries do on pasted text.
_MAX_CHARS = 500


def _clean(text: object) -> str:
    """The reply as one trimmed line (NFC, straight apostrophes), or "" for a non-string or a payload."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text[:_MAX_CHARS]).replace("’", "'").replace("‘", "'")
    text = " ".join(text.split())
    # A leading "/" is a Rasa intent payload ("/affirm{...}"), not something the user typed.
    return "" if text.startswith("/") else text


def _words(text: object) -> str:
    """Lower-case, accent-free words for keyword matching ("No sé." -> "no se")."""
    folded = unicodedata.normalize("NFKD", _clean(text).lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch)).replace(".", "")
    return " ".join(re.sub(r"[^\w']+", " ", folded).split())


def _any(*phrases: str) -> Pattern[str]:
    """A pattern for any of ``phrases`` as whole words."""
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b")


def parse_phone(text: str, region: str = "US") -> Optional[str]:
    """The first valid phone number in ``text`` as E.164 ("+15125550142"), or None."""
    try:
        for match in phonenumbers.PhoneNumberMatcher(_clean(text), region):
            if phonenumbers.is_valid_number(match.number):
                return phonenumbers.format_number(match.number, phonenumbers.PhoneNumberFormat.E164)
    except Exception:  # noqa: BLE001 - phonenumbers is not documented as total; failure means "none"
        return None
    return None


def parse_email(text: str) -> Optional[str]:
    """The first valid email address in ``text``, normalised (domain lower-cased), or None."""
    # Split on characters an unquoted address never holds, so "mailto:x@y.com" and "<x@y.com>" work.
    for token in re.split(r"[\s,;:<>()\[\]{}\"]+", _clean(text)):
        candidate = token.strip(".!?'")
        if "@" not in candidate:
            continue
        try:
            return validate_email(candidate, check_deliverability=False).normalized
        except (EmailNotValidError, ValueError, UnicodeError):
            continue
    return None


_YEAR = r"(?:19|20)\d\d"
_SHORT_YEAR = re.compile(r"'(\d\d)\b")
_SPLIT_YEAR = re.compile(r"\b(19|20) (\d\d)\b")  # text2num reads "twenty nineteen" as "20 19"
_YEAR_RANGE = re.compile(rf"\b({_YEAR})\s*(?:-|–|—|to|through|thru|until|till)\s*({_YEAR}|\d\d)\b")
# Not part of a longer number or an amount ("$2019", "2,019,000"); "2019,2020" is a list.
_SINGLE_YEAR = re.compile(rf"(?<![\d$.])({_YEAR})(?!\d|,\d{{3}}(?!\d))")
_LAST_N_YEARS = re.compile(r"\b(?:last|past|previous|prior)\s+(\d+)\s+(?:tax\s+)?years\b")
_LAST_YEAR = re.compile(r"\b(?:last|past|previous|prior)\s+(?:tax\s+)?year\b")
_THIS_YEAR = re.compile(r"\b(?:this|current)\s+(?:tax\s+)?year\b")
# Spanish, on accent-free text: "del 2019 al 2021", "de 2019 a 2021", "entre 2019 y 2021",
# "los últimos 3 años", "los 3 últimos años", "el año pasado", "este año".
_ES_YEAR_RANGE = re.compile(
    rf"\b(?:(?:del?|desde(?: el)?)\s+)?({_YEAR})\s*(?:a|al|hasta(?: el)?)\s+({_YEAR}|\d\d)\b"
    rf"|\bentre\s+(?:el\s+)?({_YEAR})\s+y\s+(?:el\s+)?({_YEAR}|\d\d)\b"
)
_ES_LAST_N_YEARS = re.compile(
    r"\b(?:ultimos|pasados|anteriores)\s+(\d+)\s+anos\b"
    r"|\b(\d+)\s+(?:ultimos|pasados)\s+anos\b|\b(\d+)\s+anos\s+(?:pasados|anteriores)\b"
)
_ES_LAST_YEAR = re.compile(r"\b(?:ano|ejercicio)\s+(?:fiscal\s+)?(?:pasado|anterior)\b|\bultimo\s+ano\b")
_ES_THIS_YEAR = re.compile(r"\b(?:este|esta)\s+(?:ano|ejercicio)\b|\bano\s+(?:fiscal\s+)?(?:actual|en\s+curso)\b")


def _fold(text: str) -> str:
    """Lower-case ``text`` without accents ("Últimos años" -> "ultimos anos")."""
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def _spanish_year_spans(text: str, today: dt.date) -> Tuple[str, Optional[List[Tuple[int, int]]]]:
    """The Spanish year phrases of accent-free ``text`` as spans, and the text without them."""
    spans: List[Tuple[int, int]] = []
    for match in _ES_YEAR_RANGE.finditer(text):
        first_text, last = (match.group(1), match.group(2)) if match.group(1) else (match.group(3), match.group(4))
        first = int(first_text)
        end = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
        spans.append((min(first, end), max(first, end)))
    text = _ES_YEAR_RANGE.sub(" ", text)
    for match in _ES_LAST_N_YEARS.finditer(text):
        count = int(next(group for group in match.groups() if group))
        if not 1 <= count <= MAX_YEAR_SPAN:
            return text, None
        spans.append((today.year - count, today.year - 1))
    text = _ES_LAST_N_YEARS.sub(" ", text)
    spans += [(today.year - 1, today.year - 1)] * len(_ES_LAST_YEAR.findall(text))
    spans += [(today.year, today.year)] * len(_ES_THIS_YEAR.findall(text))
    text = _ES_THIS_YEAR.sub(" ", _ES_LAST_YEAR.sub(" ", text))
    return text, spans


def _year_spans(text: str, today: dt.date) -> Optional[List[Tuple[int, int]]]:
    """(first, last) year pairs named in normalised ``text``; None when a count is unusable."""
    spans: List[Tuple[int, int]] = []
    for match in _YEAR_RANGE.finditer(text):
        first, last = int(match.group(1)), match.group(2)
        end = int(last) if len(last) == 4 else first // 100 * 100 + int(last)
        spans.append((min(first, end), max(first, end)))
    text = _YEAR_RANGE.sub(" ", text)
    spans += [(int(year), int(year)) for year in _SINGLE_YEAR.findall(text)]
    for count in map(int, _LAST_N_YEARS.findall(text)):
        if not 1 <= count <= MAX_YEAR_SPAN:
            return None
        spans.append((today.year - count, today.year - 1))
    spans += [(today.year - 1, today.year - 1)] * len(_LAST_YEAR.findall(text))
    spans += [(today.year, today.year)] * len(_THIS_YEAR.findall(text))
    return spans


def parse_tax_years(text: str, today: dt.date, language: str = "en") -> Optional[List[int]]:
    """The tax years named in ``text``, sorted and unique ("2018-2021", "the last three years").

    "Last N years" means the last N completed years. None when nothing is named, a year falls
    outside 1980..``today.year``, or a range covers more than 30 years. In Spanish, "del 2019 al
    2021", "los últimos tres años", "el año pasado" and "este año" are read too.
    """
    words = _SHORT_YEAR.sub(
        lambda m: str((2000 if 2000 + int(m.group(1)) <= today.year else 1900) + int(m.group(1))), _clean(text).lower()
    )
    spanish_spans: List[Tuple[int, int]] = []
    if language == SPANISH:
        words = _fold(words)
        try:
            words = alpha2digit(words, SPANISH, threshold=0)  # "dos mil diecinueve" -> "2019", "dos" -> "2"
        except Exception:  # noqa: BLE001 - text2num is not documented as total; keep the text as typed
            pass
        words, found = _spanish_year_spans(words, today)
        if found is None:
            return None
        spanish_spans = found
    try:
        words = alpha2digit(words, "en", threshold=0)
    except Exception:  # noqa: BLE001 - text2num is not documented as total; keep the text as typed
        pass
    spans = _year_spans(_SPLIT_YEAR.sub(r"\1\2", words), today)
    if spans is not None:
        spans = spanish_spans + spans
    if not spans or any(last - first + 1 > MAX_YEAR_SPAN for first, last in spans):
        return None
    years = sorted({year for first, last in spans for year in range(first, last + 1)})
    return years if FIRST_TAX_YEAR <= years[0] and years[-1] <= today.year else None


@functools.lru_cache(maxsize=1)
def _states() -> Tuple[Callable[[str], Optional[object]], Dict[str, str], Pattern[str]]:
    """``us.states.lookup``, lower-case names to codes, and a pattern for the names.

    ``us`` reads its package metadata when imported, and nothing under ``actions/`` may read a file
    at import time, so it is imported on first use.
    """
    import us  # pylint: disable=import-outside-toplevel

    names = {state.name.lower(): state.abbr for state in us.states.STATES_AND_TERRITORIES}
    names.update({"washington dc": "DC", "dc": "DC", "us virgin islands": "VI"})
    pattern = _any(*(re.escape(name) for name in sorted(names, key=len, reverse=True)))
    return us.states.lookup, names, pattern


# Spanish names of the states and territories whose name differs in Spanish (accent-free, lower-case).
SPANISH_STATE_NAMES: Dict[str, str] = {
    "nueva york": "NY",
    "estado de nueva york": "NY",
    "nueva jersey": "NJ",
    "nuevo hampshire": "NH",
    "nuevo mexico": "NM",
    "carolina del norte": "NC",
    "carolina del sur": "SC",
    "dakota del norte": "ND",
    "dakota del sur": "SD",
    "virginia occidental": "WV",
    "pensilvania": "PA",
    "luisiana": "LA",
    "misuri": "MO",
    "misisipi": "MS",
    "hawai": "HI",
    "oregon": "OR",
    "michigan": "MI",
    "tennessee": "TN",
    "tenesi": "TN",
    "kansas": "KS",
    "arkansas": "AR",
    "distrito de columbia": "DC",
    "washington d c": "DC",
    "islas virgenes": "VI",
    "islas virgenes de los estados unidos": "VI",
    "islas marianas del norte": "MP",
    "samoa americana": "AS",
    "puerto rico": "PR",
    "guam": "GU",
}


@functools.lru_cache(maxsize=1)
def _spanish_states() -> Tuple[Dict[str, str], Pattern[str]]:
    """English and Spanish names (lower-case, accent-free) to codes, and a pattern for all of them."""
    _, names, _ = _states()
    both = {**{_fold(name): code for name, code in names.items()}, **SPANISH_STATE_NAMES}
    return both, _any(*(re.escape(name) for name in sorted(both, key=len, reverse=True)))


def parse_us_state(text: str, language: str = "en") -> Optional[str]:
    """The two-letter code of the one US state or territory (DC included) named in ``text``, or None.

    A bare code counts only when it is the whole reply, so "I am in" is not Indiana; DC is the
    exception. Naming two different states ("from Texas to Ohio") is ambiguous and gives None.
    In Spanish the Spanish names count too ("Nueva York", "Carolina del Norte", "Pensilvania").
    """
    lookup, names, pattern = _states()
    if language == SPANISH:
        names, pattern = _spanish_states()
    words = _words(text)
    if len(words) == 2 and words.isalpha():
        code = getattr(lookup(words), "abbr", None)
        return code if code in names.values() else None
    # Longest names match first, so "West Virginia" and "Washington DC" are not read as shorter names.
    found = {names[name] for name in pattern.findall(words)}
    return found.pop() if len(found) == 1 else None


_UNSURE = _any(
    "not sure",
    "unsure",
    "not certain",
    "don't know",
    "dont know",
    "do not know",
    "dunno",
    "idk",
    "no idea",
    "no clue",
    "maybe",
    "perhaps",
    "possibly",
    "can't remember",
    "cant remember",
    "don't remember",
    "dont remember",
    "no se",
    "tal vez",
    "quizas",
)
# "not yet", "not that I know of", "not really": a reply opening with "not" (doubt already ruled out).
_NO = re.compile(
    r"^(?:no|nope|nah|n|never|negative|not|none|i don't think so|i dont think so"
    r"|(?:i|we) (?:have not|haven't|havent|do not|don't|dont|did not|didn't|didnt)"
    r"|(?:they|it) (?:are not|aren't|arent|is not|isn't|isnt))\b"
)
_YES = re.compile(
    r"^(?:yes|yeah|yep|yup|yea|ya|y|correct|right|sure|of course|absolutely|definitely"
    r"|affirmative|they are|it is|i do|i have|si|claro|ok|okay)\b"
)
# Spanish, on accent-free words ("No estoy segura" -> "no estoy segura").
_ES_UNSURE = _any(
    "no se",
    "no lo se",
    "no sabria",
    "no estoy segur[oa]s?",
    "no estoy del todo segur[oa]",
    "tal vez",
    "talvez",
    "quizas?",
    "a lo mejor",
    "puede ser",
    "posiblemente",
    "no recuerdo",
    "no me acuerdo",
    "ni idea",
    "no tengo idea",
    "no sabemos",
    "no estamos segur[oa]s",
)
_ES_NO = re.compile(
    r"^(?:no|nop|creo que no|nel|nunca|negativo|ninguno|ninguna|nada|para nada|todavia no|aun no"
    r"|tampoco"
    r"|(?:yo )?no (?:tengo|hay|he|hemos|estoy|estamos|es|son|fue)"
    r"|(?:ellos|ellas) no)\b"
)
_ES_YES = re.compile(
    r"^(?:si|sip|creo que si|claro|correcto|correcta|cierto|exacto|exactamente|por supuesto"
    r"|desde luego"
    r"|asi es|afirmativo|de acuerdo|vale|esta bien|todo bien|todo correcto|efectivamente"
    r"|en efecto|sin duda|yes|ok|okay)\b"
)


def parse_yes_no(text: str, language: str = "en") -> Optional[str]:
    """ "yes", "no" or "unsure" for a reply to a yes/no question, or None if it is neither.

    Doubt anywhere in the reply wins ("yes, not sure which year" is "unsure"), then the opening words.
    In Spanish "sí", "claro", "correcto", "no", "no sé", "no estoy segura", "tal vez" are read too.
    """
    words = _words(text)
    if _clean(text) in ("👍", "👎"):
        return "yes" if _clean(text) == "👍" else "no"
    if _UNSURE.search(words):
        return "unsure"
    if language == SPANISH:
        if _ES_UNSURE.search(words):
            return "unsure"
        if _NO.match(words) or _ES_NO.match(words):
            return "no"
        return "yes" if _YES.match(words) or _ES_YES.match(words) else None
    if _NO.match(words):
        return "no"
    return "yes" if _YES.match(words) else None


_NAME_LEAD_IN = re.compile(
    r"^(?:(?:hi|hello|hey)\b[,!.]?\s*)?(?:(?:(?:my\s+(?:full\s+)?name\s+is|my\s+name's|the\s+name\s+is"
    r"|i'm|im|i\s+am|it's|its|it\s+is|this\s+is|call\s+me)\b|name\s*:)[:,]?\s*)?",
    re.IGNORECASE,
)
# Letters, joined by spaces, apostrophes, hyphens, periods or commas ("J. R. O'Neil-Smith").
_NAME_SHAPE = re.compile(r"^[^\W\d_]+(?:[ '\-.,]{1,2}[^\W\d_]+)*$")
_URL = re.compile(r"\bwww\.|\.(?:com|org|net|edu|gov|io|us|co)\b", re.IGNORECASE)
_NOT_NAME_WORDS = frozenset(
    "no nope yes yeah skip why what who how hello hi hey idk none not don't dont know sure ok okay "
    "thanks thank you please sorry help stop test anonymous prefer rather in from the is my name here "
    "fine good whatever nothing null nan undefined infinity".split()
)
# Spanish lead-ins: "me llamo", "mi nombre es", "soy", "hola, soy".
_ES_NAME_LEAD_IN = re.compile(
    r"^(?:(?:hola|buenas|buenos d[ií]as|buenas tardes|buenas noches)\b[,!.]?\s*)?"
    r"(?:(?:(?:mi\s+nombre\s+(?:completo\s+)?es|me\s+llamo|yo\s+soy|soy|es|se\s+llama|nombre\s*:)\b|nombre\s*:)"
    r"[:,]?\s*)?",
    re.IGNORECASE,
)
# Spanish words that are no name (accent-free); "de", "la", "del" are kept: they are parts of names.
_ES_NOT_NAME_WORDS = frozenset(
    "si no nada ninguno ninguna saltar omitir pasar por que porque para que como cual quien hola gracias "
    "favor ayuda prefiero nombre llamo soy ok vale claro espanol ingles english spanish "
    "aviso carta irs anonimo anonima".split()
)
# Particles kept in lower case when a Spanish name is title-cased ("María de la Cruz").
_ES_PARTICLES = frozenset({"de", "del", "la", "las", "los", "y", "e"})


def parse_name(text: str, language: str = "en") -> Optional[str]:
    """The person's name in ``text`` without lead-ins ("my name is"), or None if it isn't a name.

    All-lower-case names are title-cased ("jane o'neil" -> "Jane O'Neil"); others are kept as typed.
    In Spanish the Spanish lead-ins ("me llamo") go too and particles stay lower-case
    ("maría de la cruz" -> "María de la Cruz").
    """
    cleaned = _clean(text)
    if language == SPANISH:
        cleaned = _ES_NAME_LEAD_IN.sub("", cleaned)
    name = _NAME_LEAD_IN.sub("", cleaned).strip(" .!?,;:")
    if not 2 <= len(name) <= 80 or not _NAME_SHAPE.match(name) or sum(ch.isalpha() for ch in name) < 2:
        return None
    if _URL.search(name) or any(word in _NOT_NAME_WORDS for word in re.split(r"[ ,.]+", name.lower())):
        return None
    if language == SPANISH:
        if any(_fold(word) in _ES_NOT_NAME_WORDS for word in re.split(r"[ ,.]+", name.lower())):
            return None
        if name == name.lower():
            words = name.title().split(" ")
            return " ".join(
                word.lower() if index and word.lower() in _ES_PARTICLES else word for index, word in enumerate(words)
            )
    return name.title() if name == name.lower() else name


_TIME_KEYS: Tuple[Tuple[str, Pattern[str]], ...] = (
    ("any time", _any("any ?time", "whenever", "all day")),
    ("morning", _any("mornings?", "am", "before noon", "before lunch")),
    ("afternoon", _any("afternoons?", "after lunch", "after noon", "midday")),
    ("evening", _any("evenings?", "after work", "nights?", "tonight")),
)
_TIME_FILLERS = frozenset(
    "in the a an during at on best is are be would i i'd id like prefer preferably please mostly usually "
    "probably generally fine ok okay good great works time times call me reach contact any am free "
    "available".split()
)


# Spanish, on accent-free words ("por la mañana" -> "por la manana").
_ES_TIME_KEYS: Tuple[Tuple[str, Pattern[str]], ...] = (
    (
        "any time",
        _any(
            "cualquier hora",
            "cualquier momento",
            "a toda hora",
            "todo el dia",
            "cuando sea",
            "cuando quieran?",
            "da igual",
            "no importa",
            "a cualquier hora",
        ),
    ),
    ("morning", _any("mananas?", "temprano", "antes del mediodia", "antes de mediodia", "antes del almuerzo", "am")),
    (
        "afternoon",
        _any(
            "tardes?",
            "despues del almuerzo",
            "despues de almorzar",
            "despues de comer",
            "mediodia",
            "despues del mediodia",
        ),
    ),
    ("evening", _any("noches?", "anochecer", "despues del trabajo", "al salir del trabajo", "esta noche")),
)
_ES_TIME_FILLERS = _TIME_FILLERS | frozenset(
    "por la las el los en a de del durante mejor prefiero preferiblemente preferible me puede pueden podrian "
    "llamar llamen llamenme contactar contactenme comunicarse escribir escribanme es son seria sera estaria "
    "esta bien todo cualquier horario hora horas gracias favor si ok vale casi siempre normalmente "
    "generalmente usualmente solo solamente mas o mejor".split()
)


def parse_contact_time(text: str, language: str = "en") -> Optional[str]:
    """ "morning", "afternoon", "evening" or "any time" when that is all the reply says.

    Anything more specific ("weekdays after 3pm", "después de las 5") is kept as free text of at most
    80 characters; None when the reply has no letter. In Spanish "por la mañana", "en la tarde",
    "por la noche" and "a cualquier hora" are read too.
    """
    words = _words(text)
    keys, fillers = (
        (_TIME_KEYS, _TIME_FILLERS) if language != SPANISH else (_ES_TIME_KEYS + _TIME_KEYS, _ES_TIME_FILLERS)
    )
    for label, key in keys:
        if key.search(words) and set(key.sub(" ", words).split()) <= fillers:
            return label
    cleaned = _clean(text)
    return cleaned[:80].rstrip() if any(ch.isalpha() for ch in cleaned) else None


_METHOD_KEYS: Tuple[Tuple[str, Pattern[str]], ...] = (
    ("sms", _any("sms", "texts?", "texting", "txt")),
    ("email", _any("e ?mail", "emails", "emailing")),
    ("phone", _any("call", "calls", "calling", "phone", "telephone", "ring", "cell", "voice")),
    ("chat", _any("here", "chat", "chatting", "messenger", "online", "dm")),
)
_NEGATED = re.compile(r"\b(?:no|not|don't|dont|do not|never|rather not)\s+(?:(?:by|via|over|on|through|a|my)\s+)?$")


# Spanish, on accent-free words ("llámenme" -> "llamenme", "correo electrónico" -> "correo electronico").
_ES_METHOD_KEYS: Tuple[Tuple[str, Pattern[str]], ...] = (
    (
        "sms",
        _any(
            "mensaje de texto",
            "mensajes de texto",
            "mensajes?",
            "textos?",
            "textear",
            "textearme",
            "texteen",
            "texteenme",
            "sms",
            "txt",
        ),
    ),
    ("email", _any("correo electronico", "correos?", "e ?mail", "emails?", "email", "imeil", "mail")),
    (
        "phone",
        _any(
            "llamadas?",
            "llamar",
            "llamarme",
            "llamenme",
            "llamen",
            "llameme",
            "llame",
            "llamame",
            "telefono",
            "telefonica",
            "telefonicamente",
            "celular",
            "por voz",
        ),
    ),
    ("chat", _any("chat", "aqui", "por aqui", "este chat", "en linea", "en el chat")),
)
_ES_NEGATED = re.compile(
    r"\b(?:no|nunca|sin|mejor no|prefiero no|nada de)\s+(?:(?:me|por|un|una|el|la|al|a|de|mi|con)\s+)*$"
)


def parse_contact_method(text: str, language: str = "en") -> Optional[str]:
    """One of ``CONTACT_METHODS`` for how the taxpayer wants to be reached, or None.

    Texting wins over a mention of a phone ("text my cell"); negated mentions ("don't call") are ignored.
    In Spanish "mensaje de texto", "llámenme", "correo electrónico" and "chat" are read too.
    """
    words = _words(text)
    if language == SPANISH:
        for (method, key), (_, spanish_key) in zip(_METHOD_KEYS, _ES_METHOD_KEYS, strict=True):
            for pattern in (spanish_key, key):
                if any(
                    not _NEGATED.search(words[: match.start()]) and not _ES_NEGATED.search(words[: match.start()])
                    for match in pattern.finditer(words)
                ):
                    return method
        return None
    for method, key in _METHOD_KEYS:
        if any(not _NEGATED.search(words[: match.start()]) for match in key.finditer(words)):
            return method
    return None
