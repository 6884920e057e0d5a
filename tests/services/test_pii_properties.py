"""Properties of the PII masker (services/pii.py), checked with hypothesis.

- masking twice gives what masking once gave (idempotent);
- a message without PII comes back unchanged (so never longer);
- no valid SSN or card number (python-stdnum's checks) survives, whatever text surrounds it;
- phone numbers, amounts, tax years, dates, ZIP codes and notice codes in common formats stay.

Examples are derandomised (the same every run); ``PII_EXAMPLES`` raises their number locally.
"""

from __future__ import annotations

import os
import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from stdnum import luhn

from services.pii import mask_pii
from tests.strategies import valid_ssns

PROPERTIES = settings(
    max_examples=int(os.environ.get("PII_EXAMPLES", "300")),
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

# Text around the numbers: no digits of any script (so the output's digits are the number's own).
NO_DIGITS = st.characters(codec=None, exclude_categories=("Nd", "Nl", "No", "Cs"))
# Words that say nothing about a number's kind (no "account", "card", "ssn", "routing", ...).
NEUTRAL_WORDS = (
    "my",
    "number",
    "is",
    "call",
    "me",
    "at",
    "the",
    "IRS",
    "says",
    "I",
    "owe",
    "for",
    "years",
    "please",
    "reach",
    "on",
    "from",
    "letter",
    "dated",
    "zip",
    "phone",
    "cell",
    "text",
    "about",
    "notice",
    "since",
    "and",
    "or",
    "best",
    "between",
    "mobile",
)


def digits_of(text: str) -> str:
    """Every decimal digit of ``text``, in order."""
    return "".join(ch for ch in text if ch.isdecimal())


@st.composite
def valid_cards(draw: st.DrawFn) -> str:
    """A Luhn-valid card number with a real issuer prefix, plain or grouped the usual way."""
    prefix, length = draw(
        st.sampled_from(
            [
                ("4", 16),
                ("4", 13),
                ("51", 16),
                ("55", 16),
                ("2221", 16),
                ("2720", 16),
                ("34", 15),
                ("37", 15),
                ("6011", 16),
                ("65", 16),
                ("4", 19),
            ]
        )
    )
    body = prefix + draw(st.from_regex(rf"[0-9]{{{length - 1 - len(prefix)}}}", fullmatch=True))
    number = body + luhn.calc_check_digit(body)
    separator = draw(st.sampled_from(["", " ", "-"]))
    if not separator:
        return number
    groups = (4, 6, 5) if length == 15 else tuple([4] * (length // 4) + ([length % 4] if length % 4 else []))
    parts, at = [], 0
    for size in groups:
        parts.append(number[at : at + size])
        at += size
    return separator.join(parts)


def around(numbers: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """``numbers`` inside any digit-free text, set apart by spaces."""
    return st.builds(
        lambda before, number, after: f"{before} {number} {after}",
        st.text(NO_DIGITS, max_size=40),
        numbers,
        st.text(NO_DIGITS, max_size=40),
    )


@st.composite
def harmless_numbers(draw: st.DrawFn) -> str:
    """A phone number, amount, tax year(s), date, ZIP code, notice code or case reference, as people type them."""
    area, exchange, line = draw(st.integers(201, 989)), draw(st.integers(200, 999)), draw(st.integers(0, 9999))
    amount = draw(st.integers(1, 9_999_999))
    year = draw(st.integers(1990, 2030))
    month, day = draw(st.integers(1, 12)), draw(st.integers(1, 28))
    return draw(
        st.sampled_from(
            [
                f"({area}) {exchange}-{line:04d}",
                f"{area}-{exchange}-{line:04d}",
                f"{area}.{exchange}.{line:04d}",
                f"+1 {area} {exchange} {line:04d}",
                f"1-{area}-{exchange}-{line:04d}",
                f"{area} {exchange} {line:04d}",
                f"+1{area}{exchange}{line:04d}",
                f"{area}{exchange}{line:04d}",
                f"${amount:,}",
                f"${amount:,}.{amount % 100:02d}",
                f"${amount}",
                f"{amount:,} dollars",
                f"${amount // 1000 + 1}k",
                f"{amount % 1_000_000:,}.00",
                f"{year}",
                f"{year}-{year + 3}",
                f"{year} {year + 1} {year + 2}",
                f"{year}, {year + 1} and {year + 2}",
                f"{month}/{day}/{year}",
                f"{year}-{month:02d}-{day:02d}",
                f"{month:02d}/{day:02d}/{year % 100:02d}",
                f"{amount % 100_000:05d}",
                f"{amount % 100_000:05d}-{line:04d}",
                f"CP{amount % 3000}",
                f"LT{amount % 100}",
                f"Form {amount % 20000}",
                f"MTS-{line:04d}",
            ]
        )
    )


def sentence(numbers: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    """A few neutral words with the number somewhere among them."""
    words = st.lists(st.sampled_from(NEUTRAL_WORDS), max_size=6)
    return st.builds(lambda before, number, after: " ".join([*before, number, *after]), words, numbers, words)


def no_pii_texts() -> st.SearchStrategy[str]:
    """Texts with no PII: digit-free text, with at most short numbers kept apart by words."""
    short = st.integers(0, 99_999).map(str)
    word = st.text(NO_DIGITS, min_size=1, max_size=12).filter(lambda w: any(ch.isalpha() for ch in w))
    pieces = st.lists(st.tuples(word, short), max_size=6)
    return st.one_of(
        st.text(NO_DIGITS, max_size=200),
        st.builds(lambda p, tail: " ".join(f"{w} {n}" for w, n in p) + tail, pieces, word),
    )


any_text = st.one_of(
    st.text(max_size=200),
    around(valid_ssns()),
    around(valid_cards()),
    st.from_regex(r"[0-9 ()+$.,/-]{5,40}", fullmatch=True),
    sentence(harmless_numbers()),
)


@PROPERTIES
@example("000123456 and 987-65-4321")
@given(text=any_text)
def test_masking_is_idempotent(text: str) -> None:
    once = mask_pii(text).text
    assert mask_pii(once).text == once


@PROPERTIES
@given(text=any_text)
def test_masking_again_never_reveals_or_restores_a_number(text: str) -> None:
    once = mask_pii(text)
    twice = mask_pii(once.text)
    assert len(digits_of(twice.text)) <= len(digits_of(once.text)) <= len(digits_of(text))
    assert not once.masked or once.text != text


@PROPERTIES
@given(text=no_pii_texts())
def test_a_message_without_pii_comes_back_unchanged(text: str) -> None:
    result = mask_pii(text)
    assert (result.text, result.kinds) == (text, ())
    assert len(result.text) <= len(text)


@PROPERTIES
@given(text=around(valid_ssns()))
def test_no_valid_ssn_survives(text: str) -> None:
    result = mask_pii(text)
    assert digits_of(result.text) == "", result.text
    assert result.masked and "removed]" in result.text


@PROPERTIES
@given(text=around(valid_cards()))
def test_no_valid_card_number_survives(text: str) -> None:
    result = mask_pii(text)
    assert digits_of(result.text) == "", result.text
    assert result.masked


@PROPERTIES
@given(first=valid_ssns(), second=valid_cards(), filler=st.lists(st.sampled_from(NEUTRAL_WORDS), max_size=4))
def test_several_numbers_in_one_message_are_all_masked(first: str, second: str, filler: list) -> None:
    text = " ".join(["my ssn is", first, *filler, "and my card", second])
    result = mask_pii(text)
    assert digits_of(result.text) == "", result.text
    assert re.sub(r"\D", "", first) not in digits_of(result.text)


@PROPERTIES
@given(text=sentence(harmless_numbers()))
def test_phone_numbers_amounts_years_and_dates_are_not_masked(text: str) -> None:
    result = mask_pii(text)
    assert (result.text, result.kinds) == (text, ()), f"masked {result.kinds}: {text!r} -> {result.text!r}"
