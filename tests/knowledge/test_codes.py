"""Code normalisation: every way people write a code maps to one key and one knowledge-base entry."""

from __future__ import annotations

from typing import Optional

import pytest

from knowledge.codes import display_code, normalise_code
from knowledge.loader import cached_knowledge

# spelling -> (normalise_code key, canonical code of the knowledge-base entry)
SPELLINGS = [
    ("CP504", "CP504", "CP504"),
    ("cp 504", "CP504", "CP504"),
    ("CP-504", "CP504", "CP504"),
    ("cp504", "CP504", "CP504"),
    ("504 notice", "504", "CP504"),
    ("notice 504", "504", "CP504"),
    ("LT11", "LT11", "LT11"),
    ("LT-11", "LT11", "LT11"),
    ("lt 11", "LT11", "LT11"),
    ("lt11", "LT11", "LT11"),
    ("L1058", "1058", "Letter 1058"),
    ("letter 1058", "1058", "Letter 1058"),
    ("Letter-1058", "1058", "Letter 1058"),
    ("LTR 3172", "3172", "Letter 3172"),
    ("ltr3172", "3172", "Letter 3172"),
    ("CP3219A", "CP3219A", "CP3219A"),
    ("cp 3219a", "CP3219A", "CP3219A"),
    ("CP 2000", "CP2000", "CP2000"),
    ("cp-2000", "CP2000", "CP2000"),
    ("2000 notice", "2000", "CP2000"),
    ("Form 668-W", "668W", "Form 668-W"),
    ("668-W", "668W", "Form 668-W"),
    ("668W", "668W", "Form 668-W"),
    ("668(Y)", "668Y", "Form 668(Y)(c)"),
    ("668(Y)(c)", "668YC", "Form 668(Y)(c)"),
    ("form 668(y)(c)", "668YC", "Form 668(Y)(c)"),
    ("668-A", "668A", "Form 668-A"),
    ("668-A(c)", "668AC", "Form 668-A"),
    ("cp71a", "CP71A", "CP71A"),
    ("CP 71A", "CP71A", "CP71A"),
    ("5071C", "5071C", "Letter 5071C"),
    ("Letter 5071C", "5071C", "Letter 5071C"),
    ("letter 4883C", "4883C", "Letter 4883C"),
    ("CP14", "CP14", "CP14"),
    ("cp 14", "CP14", "CP14"),
    ("CP504B", "CP504B", "CP504B"),
    ("CP90", "CP90", "CP90"),
    ("CP297A", "CP297A", "CP297A"),
    ("CP91", "CP91", "CP91"),
    ("CP298", "CP298", "CP91"),  # CP298 is the same benefit-levy notice, filed under CP91
    ("CP508C", "CP508C", "CP508C"),
    ("CP40", "CP40", "CP40"),
    ("LT16", "LT16", "LT16"),
    ("Letter 525", "525", "Letter 525"),
    ("Letter 1153", "1153", "Letter 1153"),
    ("carta 1058", "1058", "Letter 1058"),
    ("aviso CP504", "CP504", "CP504"),
    # a few more real-world spellings
    ("IRS notice CP 504", "CP504", "CP504"),
    ("LTR1058", "1058", "Letter 1058"),
    ("FORM668W", "668W", "Form 668-W"),
    ("formulario 668-W", "668W", "Form 668-W"),
    ("Letter 6331C", "6331C", "Letter 5071C"),
    ("cp5", "CP5", "CP05"),
    ("CP 05", "CP05", "CP05"),
    ("cp-71d", "CP71D", "CP71D"),
    ("  cp\t504  ", "CP504", "CP504"),
]


@pytest.mark.parametrize("raw, key, _canonical", SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_normalise_code(raw: str, key: str, _canonical: str) -> None:
    assert normalise_code(raw) == key


@pytest.mark.parametrize("raw, _key, canonical", SPELLINGS, ids=[s[0] for s in SPELLINGS])
def test_find_notice_returns_canonical_entry(raw: str, _key: str, canonical: str) -> None:
    notice = cached_knowledge().find_notice(raw)
    assert notice is not None, f"{raw!r} should resolve to {canonical}"
    assert notice.code == canonical


def test_table_is_large_enough() -> None:
    assert len(SPELLINGS) >= 45
    assert len({s[0] for s in SPELLINGS}) == len(SPELLINGS), "duplicate spellings in the table"


@pytest.mark.parametrize("raw", ["", "hello", "my notice", "notice", "letter", "IRS", "form", "???", "12345678"])
def test_not_a_code(raw: str) -> None:
    assert normalise_code(raw) is None
    assert cached_knowledge().find_notice(raw) is None


def test_none_is_not_a_code() -> None:
    assert normalise_code(None) is None  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "raw, key",
    [("CP242", "CP242"), ("cp 242", "CP242"), ("LT77", "LT77"), ("lt-77", "LT77"), ("letter 9999", "9999")],
)
def test_unknown_codes_normalise_but_are_not_in_the_knowledge_base(raw: str, key: str) -> None:
    assert normalise_code(raw) == key
    assert cached_knowledge().find_notice(raw) is None


@pytest.mark.parametrize(
    "raw, shown",
    [
        ("cp 242", "CP242"),
        ("lt-77", "LT77"),
        ("letter 9999", "Letter 9999"),
        ("L4321", "Letter 4321"),
        ("ltr 1234C", "Letter 1234C"),
        ("Form 668-Z", "Form 668Z"),
        ("my   strange\nletter", "my strange letter"),
        ("x" * 60, "x" * 40),
    ],
)
def test_display_code(raw: str, shown: str) -> None:
    assert display_code(raw) == shown


def test_every_canonical_code_and_alias_resolves_to_its_own_entry() -> None:
    knowledge = cached_knowledge()
    for notice in knowledge.notices:
        for spelling in [notice.code, *notice.aliases]:
            found: Optional[object] = knowledge.find_notice(spelling)
            assert found is notice, f"{spelling!r} resolves to {getattr(found, 'code', None)}, not {notice.code}"
