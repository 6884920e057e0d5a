"""High 4: SSNs, ITINs, EINs, routing, account and card numbers are masked in every layout people
type (dots, slashes, Unicode dashes and minus signs, no-break spaces, " - ", 3-3-3, 4-4-8, other
scripts' digits), and client metadata keeps only the fields the project uses."""

from __future__ import annotations

import re
import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from channels.metadata import sanitize_metadata
from services.pii import PiiKind, mask_pii

LAYOUTS = [
    ("my ssn is 123.45.6789", PiiKind.SSN),
    ("my ssn is 123\u201345\u20136789", PiiKind.SSN),  # en dash
    ("my ssn is 123\u221245\u22126789", PiiKind.SSN),  # minus sign
    ("my ssn is 123/45/6789", PiiKind.SSN),
    ("my ssn is 123\u00a045\u00a06789", PiiKind.SSN),  # no-break space
    ("my ssn is 123 - 45 - 6789", PiiKind.SSN),
    ("SSN 123 456 789", PiiKind.SSN),
    ("SSN 123-456-789", PiiKind.SSN),
    ("123.45.6789", PiiKind.SSN),
    ("itin 912.78.1234", PiiKind.ITIN),
    ("card 4111.1111.1111.1111", PiiKind.CARD_NUMBER),
    ("card 4111\u20131111\u20131111\u20131111", PiiKind.CARD_NUMBER),
    ("card 4111/1111/1111/1111", PiiKind.CARD_NUMBER),
    ("card 4111 1111 11111111", PiiKind.CARD_NUMBER),  # 4-4-8
    ("4111.1111.1111.1111", PiiKind.CARD_NUMBER),
    ("routing 021.000.021", PiiKind.ROUTING_NUMBER),
    ("routing 021\u2013000\u2013021", PiiKind.ROUTING_NUMBER),
    ("account 1234.5678.9012", PiiKind.BANK_ACCOUNT),
    ("account 1234\u20135678\u20139012", PiiKind.BANK_ACCOUNT),
    ("EIN 12.3456789", PiiKind.EIN),
    ("EIN 12\u20133456789", PiiKind.EIN),
    ("ITIN 912\u201378\u20131234", PiiKind.ITIN),
]


@pytest.mark.parametrize("text, kind", LAYOUTS)
def test_every_layout_is_masked(text: str, kind: PiiKind) -> None:
    result = mask_pii(text)
    assert kind in result.kinds, result.text
    assert not re.search(r"\d{3}", unicodedata.normalize("NFKC", result.text).replace("\u2212", "")), result.text


DASHES = ["-", "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2212", "\ufe63", "\uff0d"]
SPACES = [" ", "\u00a0", "\u2007", "\u202f", "\u2009"]
SEPARATORS = st.one_of(
    st.sampled_from(DASHES + SPACES + [".", "/"]),
    st.tuples(st.sampled_from(SPACES), st.sampled_from(DASHES + [".", "/"]), st.sampled_from(SPACES)).map("".join),
)
# ASCII, full-width, Arabic-Indic and Devanagari digits
SCRIPTS = st.sampled_from([0x30, 0xFF10, 0x660, 0x966])


def _digits(number: str, zero: int) -> str:
    return "".join(chr(zero + int(d)) for d in number)


@settings(max_examples=200, deadline=None)
@given(
    area=st.integers(1, 665),
    group=st.integers(1, 99),
    serial=st.integers(1, 9999),
    sep=SEPARATORS,
    zero=SCRIPTS,
    context=st.sampled_from(["my SSN is ", "ssn: ", "social security ", "Here: "]),
)
def test_an_ssn_with_any_separator_and_digits_is_masked(
    area: int, group: int, serial: int, sep: str, zero: int, context: str
) -> None:
    number = _digits(f"{area:03d}", zero) + sep + _digits(f"{group:02d}", zero) + sep + _digits(f"{serial:04d}", zero)
    result = mask_pii(f"{context}{number} thanks")
    assert result.masked and not any(ch.isdecimal() for ch in result.text), result.text


@settings(max_examples=150, deadline=None)
@given(groups=st.lists(st.integers(0, 9999), min_size=4, max_size=4), sep=SEPARATORS, zero=SCRIPTS)
def test_a_card_number_with_any_separator_is_masked(groups: list, sep: str, zero: int) -> None:
    number = sep.join(_digits(f"{group:04d}", zero) for group in groups)
    result = mask_pii(f"my card is {number}")
    assert PiiKind.CARD_NUMBER in result.kinds and not any(ch.isdecimal() for ch in result.text), result.text


def test_metadata_keeps_only_the_used_fields_masked_and_short() -> None:
    metadata = {
        "page": "https://firm.example/contact?ssn=123.45.6789",
        "locale": "en-US" * 100,
        "ssn": "123-45-6789",
        "blob": "x" * 100_000,
        "nested": {"a": [1, 2]},
    }
    kept = sanitize_metadata(metadata)
    assert set(kept) == {"page", "locale"} and len(kept["locale"]) <= 35
    assert "6789" not in kept["page"] and "[SSN removed]" in kept["page"]
    assert sanitize_metadata({"anything": "else"}) is None
