"""The language reader: clear English or Spanish, an explicit request, or no decision."""

from __future__ import annotations

from typing import Any, Optional

import pytest
from rasa.shared.nlu.constants import ENTITIES, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlp.language import detect_language, locale_language, plain, read_language, requested_language, valid_language
from nlp.language_detector import LanguageDetector

SPANISH_MESSAGES = [
    "Me mandaron un aviso CP501, ¿qué hago?",
    "me llego un notice of intent to levy que hago",  # Spanglish stays Spanish
    "el IRS me mando una carta de levy",
    "tengo un cp14",
    "no puedo pagar",
    "cuanto tiempo tengo",
    "que es un gravamen",
    "Me llegó una carta del IRS que dice que van a embargar mi cuenta",
    "Necesito ayuda con el IRS",
    "hola",
    "sí",
    "gracias",
    "buenos días",
]
ENGLISH_MESSAGES = [
    "I got a CP504",
    "I have a CP504 for about $4k and I was laid off in the spring, will they garnish my wages??",
    "my wages were garnished what can i do",
    "how long do i have",
    "what is a lien",
    "hi",
    "thanks",
    "yes",
]
UNDECIDED = [
    "ok",
    "no",
    "CP14",
    "LT11",
    "555-123-4567",
    "Juan Pérez",
    "john.smith@gmail.com",
    "STOP",
    "$4,500",
    "2021 2022",
    # letters inside junk and one or two words repeated are no language (fuzzing found "0Q0Q...")
    ("0Q" * 250)[:5000],
    "Q. " * 300,
    "de la " * 40,
    "a1b2 c3d4 q5",
    "si si si si",
    "A\ue000J\ue000Q",
    "x y q a",
]


@pytest.mark.parametrize("text", SPANISH_MESSAGES)
def test_spanish_is_read_as_spanish(text: str) -> None:
    assert detect_language(text) == "es"


@pytest.mark.parametrize("text", ENGLISH_MESSAGES)
def test_english_is_read_as_english(text: str) -> None:
    assert detect_language(text) == "en"


@pytest.mark.parametrize("text", UNDECIDED)
def test_codes_numbers_names_and_fillers_decide_nothing(text: str) -> None:
    assert detect_language(text) is None


@pytest.mark.parametrize(
    "text, language",
    [
        ("en español", "es"),
        ("En Español por favor", "es"),
        ("Spanish please", "es"),
        ("¿habla español?", "es"),
        ("no hablo inglés", "es"),
        ("English please", "en"),
        ("in english please", "en"),
        ("en inglés", "en"),
        ("I don't speak Spanish", "en"),
        ("switch back to English", "en"),
        ("cambiar a español", "es"),
    ],
)
def test_explicit_requests_win(text: str, language: str) -> None:
    assert requested_language(text) == language
    reading = read_language(text)
    assert reading is not None and reading.requested and reading.language == language


def test_plain_drops_accents_but_keeps_enye() -> None:
    assert plain("Español ÁRBOL") == "español arbol"


def _entities(text: str) -> list:
    component = LanguageDetector()
    message = Message(data={TEXT: text})
    component.process([message])
    return [e for e in message.get(ENTITIES, []) if e["entity"] == "language"]


@pytest.mark.parametrize(
    "text, value, role",
    [
        ("me llegó una carta del IRS", "es", "detected"),
        ("en español por favor", "es", "requested"),
        ("what does my CP14 mean", "en", "detected"),
        ("CP14", None, None),
        ("/affirm", None, None),  # a button payload is no language
    ],
)
def test_component_adds_one_language_entity(text: str, value: Optional[str], role: Optional[str]) -> None:
    found = _entities(text)
    if value is None:
        assert found == []
    else:
        assert [(e["value"], e["role"]) for e in found] == [(value, role)]


@pytest.mark.parametrize(
    "locale, language",
    [
        ("es", "es"),
        ("en", "en"),
        ("ES", "es"),
        (" es ", "es"),
        ("es_MX", "es"),
        ("es-MX", "es"),
        ("es-419", "es"),
        ("es_LA", "es"),
        ("es_ES", "es"),
        ("en-US", "en"),
        ("en_GB", "en"),
        ("EN-us", "en"),
        ("fr", None),
        ("fr_FR", None),
        ("pt-BR", None),
        ("español", None),
        ("spa", None),
        ("e", None),
        ("", None),
        ("-", None),
        ("es" * 30, None),
        ("<script>", None),
        (None, None),
        (5, None),
        (["es"], None),
    ],
)
def test_locale_language_reads_locales_and_language_tags(locale: Any, language: Optional[str]) -> None:
    assert locale_language(locale) == language


@pytest.mark.parametrize("value, language", [("es", "es"), (" EN ", "en"), ("es-MX", None), ("fr", None), (None, None)])
def test_valid_language_takes_only_the_two_codes(value: Any, language: Optional[str]) -> None:
    assert valid_language(value) == language


def test_channel_and_nlu_component_detect_a_message_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The channel reads the language for the metadata, the NLU component reads the same text
    again: the detection runs for the first read only."""
    import nlp.language as language_module
    from channels.metadata import with_language

    calls: list[str] = []
    real = language_module.detect_language

    def counting(text: str) -> Optional[str]:
        calls.append(text)
        return real(text)

    monkeypatch.setattr(language_module, "detect_language", counting)
    read_language.cache_clear()
    text = "me llegó una carta del IRS y no tengo trabajo, que hago ahora con esto"
    assert with_language(None, text) == {"language": "es"}
    assert _entities(text)[0]["value"] == "es"
    assert len(calls) == 1
