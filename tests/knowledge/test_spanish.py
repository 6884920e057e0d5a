"""The Spanish knowledge: every notice, topic, label and passage has Spanish text with a source,
the same numbers and figures as the English, and reads as Spanish."""

from __future__ import annotations

import re
from typing import Any, Dict, List, Tuple

import pytest

from knowledge import spanish as spanish_module
from knowledge.figures import load_figures
from knowledge.loader import DEFAULT_PATH, Knowledge, cached_knowledge
from knowledge.numbers import numbers
from knowledge.spanish import SpanishNotice, SpanishReport, _entries, cached_spanish_knowledge, read_spanish
from nlp.language import detect_language
from understanding.passages import load_passages, load_spanish_passages


@pytest.fixture(scope="module")
def report():  # type: ignore[no-untyped-def]
    return read_spanish()[3]


def test_spanish_files_have_no_problems(report) -> None:  # type: ignore[no-untyped-def]
    assert report.problems == []


def test_every_notice_topic_and_label_has_spanish_text(report) -> None:  # type: ignore[no-untyped-def]
    assert report.missing_notices == []
    assert report.missing_topics == []
    assert report.missing_labels == []


def test_every_passage_has_spanish_text() -> None:
    english = [p.id for p in load_passages().all]
    assert [p.id for p in load_spanish_passages().all] == english


def test_spanish_knowledge_has_the_english_facts() -> None:
    english, spanish = cached_knowledge(), cached_spanish_knowledge()
    for notice in english.notices:
        twin = spanish.find_notice(notice.code)
        assert twin is not None, notice.code
        assert (twin.stage, twin.urgency, twin.response_window.days, twin.relief_options) == (
            notice.stage,
            notice.urgency,
            notice.response_window.days,
            notice.relief_options,
        )
        assert numbers(twin.explanation + " ".join(twin.what_to_do) + twin.sms + twin.after_deadline) == numbers(
            notice.explanation + " ".join(notice.what_to_do) + notice.sms + notice.after_deadline
        ), notice.code


def test_figures_appear_in_both_languages_with_spanish_labels() -> None:
    figures = load_figures()
    spanish = cached_spanish_knowledge()
    texts = " ".join(t.answer + " ".join(t.key_facts) for t in spanish.topics)
    for name, figure in figures.figures.items():
        english_text = " ".join(t.answer + " ".join(t.key_facts) for t in cached_knowledge().topics)
        if figure.text() in english_text:
            assert figure.text("es") in texts, name
    assert "figure)" not in texts and "IRS limit in" not in texts


def _spanish_texts() -> List[Tuple[str, str]]:
    spanish = cached_spanish_knowledge()
    items = [(f"notice {n.code}", n.explanation) for n in spanish.notices]
    items += [(f"notice {n.code} sms", n.sms) for n in spanish.notices]
    items += [(f"topic {t.id}", t.answer) for t in spanish.topics]
    items += [(f"passage {p.id}", p.text) for p in load_spanish_passages().all]
    return items


def test_spanish_text_reads_as_spanish() -> None:
    english = [(where, text) for where, text in _spanish_texts() if detect_language(text) != "es"]
    assert english == []


def test_spanish_sources_are_irs_spanish_pages() -> None:
    spanish, topics = read_spanish()[0], read_spanish()[1]
    for entry in [*spanish.values(), *topics.values()]:
        url = entry.source_url
        spanish_page = (
            "/es/" in url or url.startswith("https://es.") or bool(re.search(r"/instructions/i\w+sp/?$", url))
        )
        assert spanish_page == (entry.source_lang == "es"), entry.source_url


def test_the_spanish_knowledge_is_built_on_the_cached_english(monkeypatch: pytest.MonkeyPatch) -> None:
    english = cached_knowledge()
    asked: List[object] = []

    def cached(path: object) -> Knowledge:
        asked.append(path)
        return english

    def never(*args: object, **kwargs: object) -> Knowledge:
        raise AssertionError("the English knowledge was loaded again")

    monkeypatch.setattr(spanish_module, "cached_knowledge", cached)
    monkeypatch.setattr(spanish_module, "load_knowledge", never)
    built = cached_spanish_knowledge.__wrapped__(DEFAULT_PATH)  # past the cache: build it now
    assert asked == [DEFAULT_PATH]
    assert [n.code for n in built.notices] == [n.code for n in english.notices]


def _spanish_notice_item(code: str, purpose: str) -> Dict[str, Any]:
    """A raw Spanish notice entry as a file under knowledge/es/ gives it."""
    return {
        "code": code,
        "title": "Un título",
        "explanation": "Texto.",
        "sms": "Texto.",
        "what_to_do": ["Uno.", "Dos."],
        "purpose": purpose,
        "after_deadline": "Después del plazo.",
        "source_url": "https://www.irs.gov/es/",
        "source_lang": "es",
        "last_checked": "2026-01-02",
    }


def test_a_spanish_entry_whose_code_is_no_code_is_a_problem() -> None:
    item = _spanish_notice_item("—", "Para pagar.")
    report = SpanishReport()
    found = _entries(
        "x.yml", [item], SpanishNotice, {"CP14": {"code": "CP14"}}, "what_to_do", lambda entry: [], report, {}
    )
    assert found == {} and report.problems == ["x.yml: — is not an English entry"]


def test_a_spanish_purpose_must_keep_the_numbers_of_the_english_response_window() -> None:
    """The English nests the purpose in its response window, the Spanish gives it flat: both are compared."""
    english = {
        "code": "CP14",
        "what_to_do": ["Pay.", "Call."],
        "response_window": {"purpose": "Pay within 21 days to avoid more interest."},
    }
    item = _spanish_notice_item("CP14", "Pague dentro de 30 días para evitar más intereses.")
    report = SpanishReport()
    found = _entries(
        "x.yml", [item], SpanishNotice, {"CP14": english}, "what_to_do", spanish_module._notice_fields, report, {}
    )
    assert list(found) == ["CP14"]
    assert report.problems == ["x.yml: CP14: numbers differ from the English (missing ['21'], added ['30'])"]
