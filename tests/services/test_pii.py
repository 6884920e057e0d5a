"""PII masking: what a taxpayer must never type is removed; what they legitimately type stays."""

from __future__ import annotations

import re
from typing import List, Tuple

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from services.pii import DESCRIPTIONS, LABELS, PiiKind, describe, find_pii, mask_pii

SSN, ITIN, EIN = PiiKind.SSN, PiiKind.ITIN, PiiKind.EIN
ROUTING, ACCOUNT, CARD = PiiKind.ROUTING_NUMBER, PiiKind.BANK_ACCOUNT, PiiKind.CARD_NUMBER


@pytest.mark.parametrize(
    "text, masked, kinds",
    [
        # Social Security numbers: every usual layout, with or without a word around them
        ("my ssn is 123-45-6789", "my ssn is [SSN removed]", (SSN,)),
        ("SSN: 123 45 6789", "SSN: [SSN removed]", (SSN,)),
        ("ssn 123456789", "ssn [SSN removed]", (SSN,)),
        ("123-45-6789", "[SSN removed]", (SSN,)),
        ("123456789", "[SSN removed]", (SSN,)),
        ("here it is 234567890 thanks", "here it is [SSN removed] thanks", (SSN,)),
        ("my social security number is 078-05-1120", "my social security number is [SSN removed]", (SSN,)),
        ("Social: 666123456", "Social: [SSN removed]", (SSN,)),  # stdnum rejects it; the word decides
        ("ss# 000000000", "ss# [SSN removed]", (SSN,)),
        ("soc sec 219099999", "soc sec [SSN removed]", (SSN,)),
        ("SSN#123456789", "SSN#[SSN removed]", (SSN,)),
        ("123-45-6789 is my SSN", "[SSN removed] is my SSN", (SSN,)),
        ("my tax id is 123-45-6789", "my tax id is [SSN removed]", (SSN,)),
        ("mine is (123-45-6789).", "mine is ([SSN removed]).", (SSN,)),
        ("ssn １２３４５６７８９", "ssn [SSN removed]", (SSN,)),  # full-width digits
        ("ssn ١٢٣٤٥٦٧٨٩", "ssn [SSN removed]", (SSN,)),  # Arabic-Indic digits
        ("hers is 123-45-6789 and mine 987-65-4320", "hers is [SSN removed] and mine [ITIN removed]", (SSN, ITIN)),
        # ITINs
        ("ITIN 912-78-1234", "ITIN [ITIN removed]", (ITIN,)),
        ("itin: 900701234", "itin: [ITIN removed]", (ITIN,)),
        ("912-78-1234", "[ITIN removed]", (ITIN,)),
        ("my social is 912 78 1234", "my social is [ITIN removed]", (ITIN,)),
        ("taxpayer id 987654321", "taxpayer id [ITIN removed]", (ITIN,)),
        # EINs
        ("EIN 12-3456789", "EIN [EIN removed]", (EIN,)),
        (
            "our employer identification number is 45-6789012",
            "our employer identification number is [EIN removed]",
            (EIN,),
        ),
        ("12-3456789", "[EIN removed]", (EIN,)),
        ("FEIN: 001234567", "FEIN: [EIN removed]", (EIN,)),
        ("tax id 98-7654321", "tax id [EIN removed]", (EIN,)),
        # bank routing numbers (ABA checksum) and account numbers (near account words)
        ("routing 021000021", "routing [routing number removed]", (ROUTING,)),
        ("ABA 111000025", "ABA [routing number removed]", (ROUTING,)),
        ("111000025", "[routing number removed]", (ROUTING,)),  # not an SSN (group 00); the checksum fits
        ("routing number: 021000022", "routing number: [account number removed]", (ACCOUNT,)),  # bad checksum
        (
            "routing 021000021 account 12345678901",
            "routing [routing number removed] account [account number removed]",
            (ROUTING, ACCOUNT),
        ),
        ("my account number is 000123456789", "my account number is [account number removed]", (ACCOUNT,)),
        ("acct # 12345678", "acct # [account number removed]", (ACCOUNT,)),
        ("checking 1234-5678-9012", "checking [account number removed]", (ACCOUNT,)),
        ("savings acct 44556677889900112", "savings acct [account number removed]", (ACCOUNT,)),
        ("bank account 98765432109", "bank account [account number removed]", (ACCOUNT,)),
        ("account: 123456789", "account: [account number removed]", (ACCOUNT,)),
        ("12345678901 is my checking", "[account number removed] is my checking", (ACCOUNT,)),
        # payment cards (Luhn), with or without separators
        ("card 4111 1111 1111 1111", "card [card number removed]", (CARD,)),
        ("4111111111111111", "[card number removed]", (CARD,)),
        ("visa 4111-1111-1111-1111 exp 12/27", "visa [card number removed] exp 12/27", (CARD,)),
        ("5500 0000 0000 0004", "[card number removed]", (CARD,)),
        ("amex 3782 822463 10005", "amex [card number removed]", (CARD,)),
        ("378282246310005", "[card number removed]", (CARD,)),
        ("6011111111111117", "[card number removed]", (CARD,)),
        ("2221000000000009", "[card number removed]", (CARD,)),
        ("credit card 4111 1111 1111 1112", "credit card [card number removed]", (CARD,)),  # mistyped: still a card
        (
            "my ssn is 123-45-6789 and card 4111111111111111",
            "my ssn is [SSN removed] and card [card number removed]",
            (SSN, CARD),
        ),
        # what taxpayers legitimately type stays as it is
        ("call me at 512-555-0142", "call me at 512-555-0142", ()),
        ("(702) 555-0142", "(702) 555-0142", ()),
        ("+1 512 555 0142", "+1 512 555 0142", ()),
        ("+15125550142", "+15125550142", ()),
        ("5125550142", "5125550142", ()),
        ("1-800-829-1040", "1-800-829-1040", ()),
        ("512.555.0142", "512.555.0142", ()),
        ("my bank account phone is 512-555-0142", "my bank account phone is 512-555-0142", ()),
        ("I owe $12,345.67", "I owe $12,345.67", ()),
        ("about 12000", "about 12000", ()),
        ("$123456789", "$123456789", ()),
        ("I owe 123456789.00", "I owe 123456789.00", ()),
        ("1,234,567 dollars", "1,234,567 dollars", ()),
        ("tax years 2018-2021", "tax years 2018-2021", ()),
        ("2018 2019 2020 2021", "2018 2019 2020 2021", ()),
        ("account for 2018-2021", "account for 2018-2021", ()),
        ("credit for 2018 2019 2020 2021", "credit for 2018 2019 2020 2021", ()),
        ("dated 11/05/2026", "dated 11/05/2026", ()),
        ("2026-11-05", "2026-11-05", ()),
        ("ZIP 78701", "ZIP 78701", ()),
        ("78701-1234", "78701-1234", ()),
        ("I got a CP2000", "I got a CP2000", ()),
        ("LT11 and CP504", "LT11 and CP504", ()),
        ("case MTS-7K3Q9", "case MTS-7K3Q9", ()),
        ("Form 12153 and Form 9465", "Form 12153 and Form 9465", ()),
        ("Letter 1058", "Letter 1058", ()),
        ("my account shows 12000", "my account shows 12000", ()),
        ("last 4 of my ssn are 6789", "last 4 of my ssn are 6789", ()),
        ("000000000", "000000000", ()),  # no word says what it is, and it is no real number
        ("4455667788990011223 is my savings", "4455667788990011223 is my savings", ()),  # 19 digits: no account
        ("1234567890123", "1234567890123", ()),  # fails Luhn, no card word
        ("", "", ()),
    ],
)
def test_mask_pii(text: str, masked: str, kinds: Tuple[PiiKind, ...]) -> None:
    result = mask_pii(text)
    assert (result.text, result.kinds) == (masked, kinds)
    assert result.masked is bool(kinds)


def test_spans_point_into_the_original_text() -> None:
    text = "ssn ١٢٣-٤٥-٦٧٨٩ ok"
    [finding] = find_pii(text)
    assert text[finding.start : finding.end] == "١٢٣-٤٥-٦٧٨٩" and finding.kind is SSN


def test_every_kind_has_a_label_and_a_description() -> None:
    assert set(LABELS) == set(PiiKind)
    assert describe(["ssn"]) == "Social Security number"
    assert describe(["ssn", "bank_account"]) == "Social Security number and bank account number"
    assert describe(["ssn", "ssn", "itin", "card_number"]) == "Social Security number, ITIN and card number"
    assert describe(["something_new"]) == "number"
    assert describe([]) == "number"


@pytest.mark.parametrize(
    "kinds, language, described",
    [
        (["ssn"], "es", "número de Seguro Social"),
        (["routing_number", "bank_account"], "es", "número de ruta bancaria y número de cuenta bancaria"),
        (["ssn", "ssn", "itin", "card_number"], "es", "número de Seguro Social, ITIN y número de tarjeta"),
        (["ein"], "es", "número de identificación del empleador (EIN)"),
        ([PiiKind.BANK_ACCOUNT], "es", "número de cuenta bancaria"),  # the kinds themselves, not only their values
        (["something_new"], "es", "número"),
        ([], "es", "número"),
        (["ssn"], "en", "Social Security number"),
        (["ssn"], "fr", "Social Security number"),  # no other language: English
    ],
)
def test_describe_in_the_conversations_language(kinds: List[str], language: str, described: str) -> None:
    assert describe(kinds, language) == described


def test_every_kind_has_a_description_in_each_language() -> None:
    assert {language: set(table) for language, table in DESCRIPTIONS.items()} == {
        "en": set(PiiKind),
        "es": set(PiiKind),
    }


def test_kinds_are_stored_as_plain_strings() -> None:
    assert [kind.value for kind in mask_pii("ssn 123-45-6789, EIN 12-3456789").kinds] == ["ssn", "ein"]


@settings(max_examples=300, deadline=None, database=None)
@given(st.text())
def test_masking_is_total_and_idempotent(text: str) -> None:
    once = mask_pii(text)
    assert mask_pii(once.text).text == once.text


@settings(max_examples=200, deadline=None, database=None)
@given(st.from_regex(r"\A[0-8][0-9]{2}-[0-9]{2}-[0-9]{4}\Z"), st.text(alphabet="abc ,.", max_size=20))
def test_no_dashed_ssn_survives(ssn: str, words: str) -> None:
    masked = mask_pii(f"{words} {ssn} {words}").text
    assert ssn not in masked and not re.search(r"[0-9]{3}-[0-9]{2}-[0-9]{4}", masked)
