"""Parsing what a taxpayer types into the intake form."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from typing import Callable, List, Optional

import pytest

from services import amounts
from services.intake_values import (
    CONTACT_METHODS,
    YES_NO_VALUES,
    parse_amount,
    parse_contact_method,
    parse_contact_time,
    parse_email,
    parse_name,
    parse_phone,
    parse_tax_years,
    parse_us_state,
    parse_yes_no,
)

TODAY = dt.date(2026, 11, 26)


def test_constants() -> None:
    assert YES_NO_VALUES == ("yes", "no", "unsure")
    assert CONTACT_METHODS == ("sms", "phone", "email", "chat")
    assert parse_amount is amounts.parse_amount


@pytest.mark.parametrize(
    "text, expected",
    [
        ("(512) 555-0142", "+15125550142"),
        ("512.555.0142", "+15125550142"),
        ("+1 512 555 0142", "+15125550142"),
        ("5125550142", "+15125550142"),
        ("my cell is 512-555-0142", "+15125550142"),
        ("+44 20 7946 0958", "+442079460958"),  # valid, not US
        ("555-0142", None),  # no area code
        ("12345", None),
        ("000-000-0000", None),
        ("123-45-6789", None),  # an SSN, not a phone number
        ("call me", None),
    ],
)
def test_parse_phone(text: str, expected: Optional[str]) -> None:
    assert parse_phone(text) == expected


def test_parse_phone_region_reads_national_numbers() -> None:
    assert parse_phone("020 7946 0958", region="GB") == "+442079460958"
    assert parse_phone("512 555 0142", region="XX") is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("jane.doe@example.com", "jane.doe@example.com"),
        ("it's Jane.Doe@Example.com thanks", "Jane.Doe@example.com"),  # domain lower-cased
        ("<jane@example.com>.", "jane@example.com"),
        ("mailto:jane@example.com", "jane@example.com"),
        ("email: o'neil@example.org", "o'neil@example.org"),
        ("jane@", None),
        ("jane@localhost", None),
        ("@x.com", None),
        ("jane at example dot com", None),
        ("no email", None),
    ],
)
def test_parse_email(text: str, expected: Optional[str]) -> None:
    assert parse_email(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("$12k", "12000"),
        ("12K", "12000"),
        ("about 12,500", "12500"),
        ("12,500.50", "12500.50"),
        ("$1.2 million", "1200000"),
        ("1.5m", "1500000"),
        ("twelve thousand", "12000"),
        ("about twelve thousand five hundred dollars", "12500"),
        ("around 8000 bucks", "8000"),
        ("$ 950", "950"),
        ("12 thousand", "12000"),
        ("five point five million", "5500000"),
        ("1,234.567", "1234.57"),  # rounded to cents
        ("about 5-6k", "6000"),  # a range counts as its upper end
        ("between five and six thousand", "6000"),
        ("I owe $8,000 for 2019", "8000"),  # money beats a year
        ("for 2019 I owe 8000", "8000"),
        ("nothing", "0"),
        ("zero", "0"),
        ("$0", "0"),
        ("100,000,000", "100000000"),
    ],
)
def test_parse_amount(text: str, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    [
        "I don't know",
        "not sure",
        "",
        "lots",
        "-500",
        "$-500",
        "minus 500",
        "200 million",
        "$1.5 billion",
        "100,000,000.01",
        '/affirm{"amount": 500}',
    ],
)
def test_parse_amount_rejects(text: str) -> None:
    assert parse_amount(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("2019 and 2020", [2019, 2020]),
        ("2018-2021", [2018, 2019, 2020, 2021]),
        ("2018 to 2021", [2018, 2019, 2020, 2021]),
        ("2018 through 2021", [2018, 2019, 2020, 2021]),
        ("2018-21", [2018, 2019, 2020, 2021]),
        ("2021 to 2019", [2019, 2020, 2021]),
        ("2019, 2020 & 2021", [2019, 2020, 2021]),
        ("2020,2019,2020", [2019, 2020]),
        ("tax year 2017", [2017]),
        ("the last three years", [2023, 2024, 2025]),
        ("last 3 years", [2023, 2024, 2025]),
        ("past two years", [2024, 2025]),
        ("the last three tax years", [2023, 2024, 2025]),
        ("last year", [2025]),
        ("this year", [2026]),
        ("last year and this year", [2025, 2026]),
        ("'19 and '20", [2019, 2020]),
        ("’98", [1998]),
        ("twenty nineteen", [2019]),
        ("two thousand nineteen through two thousand twenty one", [2019, 2020, 2021]),
        ("I owe 12,000 for 2019", [2019]),
        ("1980", [1980]),
        ("1997-2026", [1997 + i for i in range(30)]),  # 30 years: the longest range allowed
    ],
)
def test_parse_tax_years(text: str, expected: List[int]) -> None:
    assert parse_tax_years(text, TODAY) == expected


@pytest.mark.parametrize(
    "text",
    [
        "1979",
        "2027",
        "2019 and 2030",
        "1980-2026",
        "1990 to 2021",
        "the last forty years",
        "last 0 years",
        "a few years",
        "not sure",
        "",
        "$2019",
        "2,020,000",
    ],
)
def test_parse_tax_years_rejects(text: str) -> None:
    assert parse_tax_years(text, TODAY) is None


def test_relative_tax_years_follow_today() -> None:
    assert parse_tax_years("last 2 years", dt.date(2024, 1, 5)) == [2022, 2023]
    assert parse_tax_years("2025", dt.date(2024, 1, 5)) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("TX", "TX"),
        ("tx", "TX"),
        ("Texas", "TX"),
        ("I live in new york", "NY"),
        ("New York City", "NY"),
        ("west virginia", "WV"),
        ("Washington", "WA"),
        ("Washington DC", "DC"),
        ("washington d.c.", "DC"),
        ("D.C.", "DC"),
        ("I'm in DC", "DC"),
        ("Puerto Rico", "PR"),
        ("U.S. Virgin Islands", "VI"),
        ("IN", "IN"),  # a bare code is trusted when it is the whole reply
        ("Kansas", "KS"),
        ("Arkansas", "AR"),
    ],
)
def test_parse_us_state(text: str, expected: str) -> None:
    assert parse_us_state(text) == expected


@pytest.mark.parametrize(
    "text",
    ["Narnia", "", "I am in", "I live in tx", "hi, I'm ok", "48", "from Texas to Ohio", "Canada", "XX"],
)
def test_parse_us_state_rejects(text: str) -> None:
    assert parse_us_state(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("yes", "yes"),
        ("Yeah", "yes"),
        ("yep", "yes"),
        ("y", "yes"),
        ("correct", "yes"),
        ("they are", "yes"),
        ("sí", "yes"),
        ("si", "yes"),
        ("Yes, they are.", "yes"),
        ("👍", "yes"),
        ("no", "no"),
        ("Nope", "no"),
        ("n", "no"),
        ("not that I know of", "no"),
        ("not yet", "no"),
        ("they are not", "no"),
        ("I haven't", "no"),
        ("no, I have not", "no"),
        ("not sure", "unsure"),
        ("I don't know", "unsure"),
        ("I don’t know", "unsure"),
        ("idk", "unsure"),
        ("maybe", "unsure"),
        ("no sé", "unsure"),
        ("no idea", "unsure"),
        ("unsure", "unsure"),
        ("yes, not sure which year", "unsure"),
        ("hmm", None),
        ("", None),
        ("Texas", None),
    ],
)
def test_parse_yes_no(text: str, expected: Optional[str]) -> None:
    assert parse_yes_no(text) == expected


@pytest.mark.parametrize("payload", YES_NO_VALUES)
def test_parse_yes_no_button_payloads(payload: str) -> None:
    assert parse_yes_no(payload) == payload


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Jane Doe", "Jane Doe"),
        ("my name is Jane Doe", "Jane Doe"),
        ("I'm Jane", "Jane"),
        ("I am Jane Doe.", "Jane Doe"),
        ("it's Jane Doe!", "Jane Doe"),
        ("this is Jane", "Jane"),
        ("name: Jane Doe", "Jane Doe"),
        ("Hi, my name is Jane", "Jane"),
        ("jane o'neil", "Jane O'Neil"),  # all lower case: title-cased
        ("maria de la cruz", "Maria De La Cruz"),
        ("JANE DOE", "JANE DOE"),  # kept as typed
        ("McDonald", "McDonald"),
        ("José Núñez", "José Núñez"),
        ("josé núñez", "José Núñez"),
        ("Imelda Marcos", "Imelda Marcos"),  # "Im" is not a lead-in here
        ("Mary-Jane Watson", "Mary-Jane Watson"),
        ("J. R. Smith", "J. R. Smith"),
        ("Al", "Al"),
    ],
)
def test_parse_name(text: str, expected: str) -> None:
    assert parse_name(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "no",
        "skip",
        "why",
        "Why?",
        "I don't know",
        "hello",
        "a",
        "Jane2",
        "jane@example.com",
        "www.jane.com",
        "https://jane.example",
        "I'm in Texas",
        "x" * 81,
        "12345",
        "🙂 Jane",
        "my name is",
        "",
        "null",
        "NaN",
        '/inform{"name": "Jane"}',
    ],
)
def test_parse_name_rejects(text: str) -> None:
    assert parse_name(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("morning", "morning"),
        ("Mornings", "morning"),
        ("am", "morning"),
        ("a.m.", "morning"),
        ("in the morning please", "morning"),
        ("afternoon", "afternoon"),
        ("after lunch", "afternoon"),
        ("evening", "evening"),
        ("after work", "evening"),
        ("night", "evening"),
        ("at night", "evening"),
        ("anytime", "any time"),
        ("any time", "any time"),
        ("whenever", "any time"),
        ("any time is fine", "any time"),
        ("weekdays after 3pm", "weekdays after 3pm"),
        ("weekday mornings", "weekday mornings"),  # more specific than "morning": kept as typed
        ("  after 9   am ", "after 9 am"),
        ("y" * 120, "y" * 80),
    ],
)
def test_parse_contact_time(text: str, expected: str) -> None:
    assert parse_contact_time(text) == expected


@pytest.mark.parametrize("text", ["", "   ", "123", "3-5", "!!!"])
def test_parse_contact_time_rejects(text: str) -> None:
    assert parse_contact_time(text) is None


@pytest.mark.parametrize(
    "text, expected",
    [
        ("text me", "sms"),
        ("SMS", "sms"),
        ("text message", "sms"),
        ("text my cell", "sms"),
        ("call", "phone"),
        ("phone call", "phone"),
        ("Phone", "phone"),
        ("email", "email"),
        ("E-mail", "email"),
        ("email me please", "email"),
        ("here", "chat"),
        ("this chat", "chat"),
        ("chat", "chat"),
        ("Messenger", "chat"),
        ("don't call, text", "sms"),
        ("no texts please, call me", "phone"),
        ("not by phone, email", "email"),
    ]
    + [(method, method) for method in CONTACT_METHODS],
)
def test_parse_contact_method(text: str, expected: str) -> None:
    assert parse_contact_method(text) == expected


@pytest.mark.parametrize("text", ["", "carrier pigeon", "whatever", "context"])
def test_parse_contact_method_rejects(text: str) -> None:
    assert parse_contact_method(text) is None


PARSERS: List[Callable[[str], object]] = [
    parse_phone,
    parse_email,
    parse_amount,
    lambda text: parse_tax_years(text, TODAY),
    parse_us_state,
    parse_yes_no,
    parse_name,
    parse_contact_time,
    parse_contact_method,
]
HOSTILE = [
    "",
    " ",
    "\n\t",
    "x" * 10_000,
    "1" * 10_000,
    "$" * 10_000,
    "🙂🙂🙂",
    "👨‍👩‍👧",
    '/affirm{"x":1}',
    '/inform{"phone": "512-555-0142"}',
    "null",
    "None",
    "NaN",
    "Infinity",
    "1e999",
    "-0",
    "\x00",
    "\u202e",
    "'" * 50,
    "@" * 50,
    "@@a@b.c",
    "9" * 400 + " dollars",
    "one " * 2_000,
    "twenty " * 500,
    "' 19",
    "2019-",
    "'-'",
    "Ω≈ç√∫",
    "ＴＸ",
    "２０１９",
    "١٢٣٤",
    "<script>alert(1)</script>",
    "%s%n",
    "{{ slot }}",
]


@pytest.mark.parametrize("text", HOSTILE)
@pytest.mark.parametrize("parser", PARSERS)
def test_parsers_never_raise(parser: Callable[[str], object], text: str) -> None:
    parser(text)


@pytest.mark.parametrize("parser", PARSERS)
def test_parsers_never_raise_on_random_text(parser: Callable[[str], object]) -> None:
    alphabet = "0123456789 $,.-'@:/kKmM+()&abcdefyesnotxsíé🙂\u00a0\t"
    rng = random.Random(20261126)
    for _ in range(300):
        parser("".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40))))


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("value", [None, 42, ["yes"], {"x": 1}])
def test_parsers_return_none_for_non_text(parser: Callable[[object], object], value: object) -> None:
    assert parser(value) is None
