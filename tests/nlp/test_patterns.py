"""The project's spaCy pipeline finds notice codes, forms, tax years and amounts."""

from __future__ import annotations

from pathlib import Path
from typing import List, Tuple

import pytest
import spacy
from spacy.language import Language

from knowledge.codes import normalise_code
from knowledge.loader import cached_knowledge
from nlp.build import PIPELINE_NAME, build, create_pipeline
from nlp.patterns import AMOUNT, FORM, NOTICE, TAX_YEAR

# spelling as typed -> the entity text the pipeline should find in "I got a {spelling} today"
SPELLINGS = [
    ("CP504", "CP504"),
    ("cp 504", "cp 504"),
    ("CP-504", "CP-504"),
    ("cp504", "cp504"),
    ("504 notice", "504 notice"),
    ("notice 504", "notice 504"),
    ("LT11", "LT11"),
    ("LT-11", "LT-11"),
    ("lt 11", "lt 11"),
    ("lt11", "lt11"),
    ("L1058", "L1058"),
    ("letter 1058", "letter 1058"),
    pytest.param("Letter-1058", "Letter-1058", id="Letter-1058"),
    ("LTR 3172", "LTR 3172"),
    pytest.param("ltr3172", "ltr3172", id="ltr3172"),
    ("CP3219A", "CP3219A"),
    ("cp 3219a", "cp 3219a"),
    ("CP 2000", "CP 2000"),
    ("cp-2000", "cp-2000"),
    ("2000 notice", "2000 notice"),
    ("Form 668-W", "Form 668-W"),
    ("668-W", "668-W"),
    ("668W", "668W"),
    ("668(Y)", "668(Y)"),
    ("668(Y)(c)", "668(Y)(c)"),
    ("form 668(y)(c)", "form 668(y)(c)"),
    ("668-A", "668-A"),
    ("668-A(c)", "668-A(c)"),
    ("cp71a", "cp71a"),
    ("CP 71A", "CP 71A"),
    ("5071C", "5071C"),
    ("Letter 5071C", "Letter 5071C"),
    ("letter 4883C", "letter 4883C"),
    ("CP14", "CP14"),
    ("cp 14", "cp 14"),
    ("CP504B", "CP504B"),
    ("CP90", "CP90"),
    ("CP297A", "CP297A"),
    ("CP91", "CP91"),
    ("CP298", "CP298"),
    ("CP508C", "CP508C"),
    ("CP40", "CP40"),
    ("LT16", "LT16"),
    ("Letter 525", "Letter 525"),
    ("Letter 1153", "Letter 1153"),
    ("carta 1058", "carta 1058"),
    ("aviso CP504", "CP504"),  # the code itself is found; "aviso" is a filler word anyway
    ("formulario 668-W", "formulario 668-W"),
    ("LTR 1058", "LTR 1058"),
]
UNKNOWN = [("CP242", "CP242"), ("LT77", "LT77"), ("cp 242", "cp 242")]


def _spelling(row) -> str:
    return row[0] if isinstance(row, tuple) else row.values[0]


def _ids(rows) -> List[str]:
    return [_spelling(r) for r in rows]


@pytest.fixture(scope="module")
def nlp() -> Language:
    return create_pipeline()


@pytest.fixture(scope="module")
def loaded_nlp(tmp_path_factory: pytest.TempPathFactory) -> Language:
    path = build(tmp_path_factory.mktemp("spacy") / "en_tax_notices")
    return spacy.load(path)


def ents(nlp: Language, text: str) -> List[Tuple[str, str]]:
    return [(e.text, e.label_) for e in nlp(text).ents]


@pytest.mark.parametrize("spelling, expected", SPELLINGS, ids=_ids(SPELLINGS))
def test_notice_code_in_a_sentence(nlp: Language, spelling: str, expected: str) -> None:
    text = f"I got a {spelling} today"
    assert ents(nlp, text) == [(expected, NOTICE)]
    # what the pipeline found resolves to a knowledge-base entry
    assert cached_knowledge().find_notice(expected) is not None


@pytest.mark.parametrize("spelling, expected", UNKNOWN, ids=[u[0] for u in UNKNOWN])
def test_unknown_codes_are_still_found(nlp: Language, spelling: str, expected: str) -> None:
    assert ents(nlp, f"I got a {spelling} today") == [(expected, NOTICE)]
    assert normalise_code(expected) is not None
    assert cached_knowledge().find_notice(expected) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my notice is CP 504, what now?", [("CP 504", NOTICE)]),
        ("I got CP504.", [("CP504", NOTICE)]),
        ("(LT11)", [("LT11", NOTICE)]),
        ("Is CP2000 a scam?", [("CP2000", NOTICE)]),
        ("I got a cp504 and an lt11", [("cp504", NOTICE), ("lt11", NOTICE)]),
        ("Letter 3219 and CP3219A", [("Letter 3219", NOTICE), ("CP3219A", NOTICE)]),
    ],
)
def test_codes_with_punctuation_and_several_codes(nlp: Language, text: str, expected) -> None:
    assert ents(nlp, text) == expected


def test_entity_offsets_point_at_the_code(nlp: Language) -> None:
    text = "I got a letter 1058 dated Nov 3"
    (ent,) = nlp(text).ents
    assert (ent.start_char, ent.end_char) == (8, 19)
    assert text[ent.start_char : ent.end_char] == "letter 1058"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("I owe $12,500", [("$12,500", AMOUNT)]),
        ("I owe 12k dollars", [("12k dollars", AMOUNT)]),
        ("I owe $12k", [("$12k", AMOUNT)]),
        ("about 3,000 bucks", [("3,000 bucks", AMOUNT)]),
        ("I owe $1,234.56", [("$1,234.56", AMOUNT)]),
        ("I owe 504 dollars", [("504 dollars", AMOUNT)]),
        ("taxes for 2019", [("2019", TAX_YEAR)]),
        ("in 2019 and 2020", [("2019", TAX_YEAR), ("2020", TAX_YEAR)]),
        ("I owe $12,500 for 2019", [("$12,500", AMOUNT), ("2019", TAX_YEAR)]),
        ("I filed form 9465", [("form 9465", FORM)]),
        ("send form 433-F please", [("form 433-F", FORM)]),
        ("formulario 656", [("formulario 656", FORM)]),
        ("I got a CP 2000 for 2019", [("CP 2000", NOTICE), ("2019", TAX_YEAR)]),
        ("room 1234 is cold", []),
        ("call me at 5 pm", []),
    ],
)
def test_amounts_years_and_forms(nlp: Language, text: str, expected) -> None:
    assert ents(nlp, text) == expected


@pytest.mark.parametrize("text", ["I filed form 9465", "send form 433-F please", "form 12153 is due"])
def test_forms_are_not_notice_codes(nlp: Language, text: str) -> None:
    labels = [label for _, label in ents(nlp, text)]
    assert labels == [FORM]


def test_cp2000_is_a_notice_not_a_tax_year(nlp: Language) -> None:
    doc = nlp("I got a CP 2000 about my income")
    assert [(e.text, e.label_) for e in doc.ents] == [("CP 2000", NOTICE)]
    assert all(e.label_ != TAX_YEAR for e in doc.ents)


def test_million_suffix_amount(nlp: Language) -> None:
    assert ents(nlp, "I owe $2m") == [("$2m", AMOUNT)]


@pytest.mark.parametrize("spelling", ["Form 668-Y", "668Y", "Form 668Y", "668-W(ICS)", "Form 668-A(ICS)"])
def test_other_668_aliases(nlp: Language, spelling: str) -> None:
    assert cached_knowledge().find_notice(spelling) is not None  # the knowledge base has this alias
    assert ents(nlp, f"I got a {spelling} today") == [(spelling, NOTICE)]


def test_668_tokens_stay_whole(nlp: Language) -> None:
    assert [t.text for t in nlp("a 668(Y)(c) and a 668-A(c)")] == ["a", "668(Y)(c)", "and", "a", "668-A(c)"]


def test_pipeline_meta_and_components(nlp: Language) -> None:
    assert nlp.meta["name"] == PIPELINE_NAME
    assert nlp.pipe_names == ["lemmatizer", "entity_ruler"]
    assert nlp("payments")[0].lemma_ == "payment"  # lookup tables are loaded


SAMPLES = [f"I got a {_spelling(row)} today" for row in SPELLINGS] + [
    "I owe $12,500 for 2019",
    "I owe 12k dollars",
    "I filed form 433-F",
    "I got a CP 2000 for 2019",
    "a 668(Y)(c) and a 668-A(c)",
]


def test_saved_pipeline_gives_the_same_entities(nlp: Language, loaded_nlp: Language) -> None:
    assert loaded_nlp.meta["name"] == PIPELINE_NAME
    for text in SAMPLES:
        assert [(t.text) for t in loaded_nlp(text)] == [t.text for t in nlp(text)], text
        assert [(e.text, e.label_, e.start_char) for e in loaded_nlp(text).ents] == [
            (e.text, e.label_, e.start_char) for e in nlp(text).ents
        ], text
    assert ents(loaded_nlp, "I got a 668(Y)(c) today") == [("668(Y)(c)", NOTICE)]


def test_built_pipeline_on_disk_matches(nlp: Language) -> None:
    """The pipeline Rasa loads (make spacy) is the one the code builds."""
    path = Path(__file__).resolve().parents[2] / "build" / "spacy" / "en_tax_notices"
    if not (path / "meta.json").exists():
        pytest.skip("build the pipeline first: make spacy")
    on_disk = spacy.load(path)
    for text in SAMPLES:
        assert ents(on_disk, text) == ents(nlp, text), text
