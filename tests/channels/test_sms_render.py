"""SMS rendering: markdown stripping, 1,600-character parts at sentence boundaries, numbered menus."""

from __future__ import annotations

from typing import List

import pytest

from channels.sms.render import (
    SMS_MAX_CHARS,
    custom_text,
    mask_phone,
    numbered_menu,
    parse_choice,
    render_buttons,
    render_elements,
    sms_length,
    split_message,
    strip_markdown,
)

SENTENCE = "The IRS sends this notice when a balance is still unpaid. "  # 58 characters


def _assert_parts(parts: List[str], limit: int = SMS_MAX_CHARS) -> None:
    assert parts and all(0 < sms_length(part) <= limit for part in parts)
    assert all(part == part.strip() for part in parts)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("", []),
        ("   \n ", []),
        ("Short.", ["Short."]),
        ("  padded  ", ["padded"]),
        ("First paragraph.\n\nSecond paragraph.", ["First paragraph.\n\nSecond paragraph."]),
        ("x" * SMS_MAX_CHARS, ["x" * SMS_MAX_CHARS]),
    ],
)
def test_short_texts_stay_one_message(text: str, expected: List[str]) -> None:
    assert split_message(text) == expected


@pytest.mark.parametrize(
    "text, limit, expected",
    [
        ("One two. Three four. Five six.", 20, ["One two. Three four.", "Five six."]),
        ("Is it? Yes! It is.", 11, ["Is it? Yes!", "It is."]),
        ('He said "stop." Then left.', 16, ['He said "stop."', "Then left."]),
        ("Line one\nLine two\nLine three", 18, ["Line one\nLine two", "Line three"]),
        ("Para one.\n\nPara two is here.", 17, ["Para one.", "Para two is here."]),
        ("A long sentence without any stop at all", 16, ["A long sentence", "without any stop", "at all"]),
        # A part less than half full is topped up from an over-long sentence (no 6-character SMS).
        ("Short. A long sentence without any stop", 16, ["Short. A long", "sentence without", "any stop"]),
        ("Half full. A long sentence without any stop", 16, ["Half full.", "A long sentence", "without any stop"]),
        (
            "See https://www.irs.gov/payments/payment-plans now",
            12,
            ["See", "https://www.", "irs.gov/paym", "ents/payment", "-plans now"],
        ),
        ("😀😀😀😀 😀😀", 8, ["😀😀😀😀", "😀😀"]),
        ("Café déjà vu. Ça va.", 14, ["Café déjà vu.", "Ça va."]),
    ],
)
def test_splitting_table(text: str, limit: int, expected: List[str]) -> None:
    assert split_message(text, limit) == expected


def test_long_reply_splits_at_sentences_within_1600() -> None:
    text = SENTENCE * 60  # 3,480 characters
    parts = split_message(text)
    _assert_parts(parts)
    assert len(parts) == 3
    assert all(part.endswith("unpaid.") for part in parts)
    assert " ".join(parts) == text.strip()


def test_a_single_overlong_sentence_splits_between_words() -> None:
    text = "word " * 700 + "end."
    parts = split_message(text)
    _assert_parts(parts)
    assert all(set(part.split()) <= {"word", "end."} for part in parts)
    assert " ".join(parts).split() == text.split()


def test_blank_lines_survive_inside_parts() -> None:
    text = (SENTENCE * 10 + "\n\n") * 4
    parts = split_message(text)
    _assert_parts(parts)
    assert len(parts) == 2 and all("\n\n" in part for part in parts)


def test_unicode_is_counted_like_twilio() -> None:
    assert sms_length("é") == 1 and sms_length("😀") == 2 and sms_length("ab") == 2
    parts = split_message("😀" * 1000)
    _assert_parts(parts)
    assert [sms_length(part) for part in parts] == [1600, 400]


@pytest.mark.parametrize(
    "markdown, plain",
    [
        ("**CP504: Notice of intent to levy**\nAct now.", "CP504: Notice of intent to levy\nAct now."),
        ("This is *very* important", "This is very important"),
        ("This is _really_ urgent", "This is really urgent"),
        ("__bold__ and ~~gone~~ and `code`", "bold and gone and code"),
        ("See [the IRS page](https://www.irs.gov/cp504).", "See the IRS page (https://www.irs.gov/cp504)."),
        ("[https://irs.gov](https://irs.gov)", "https://irs.gov"),
        ("Visit https://example.com/a_b_c_ today", "Visit https://example.com/a_b_c_ today"),
        ("snake_case_name and 2 * 3 * 4", "snake_case_name and 2 * 3 * 4"),
        ("## Your options\n* Pay\n* Plan", "Your options\n- Pay\n- Plan"),
        ("No formatting here.", "No formatting here."),
    ],
)
def test_markdown_is_stripped(markdown: str, plain: str) -> None:
    assert strip_markdown(markdown) == plain


@pytest.mark.parametrize(
    "titles, menu",
    [
        ([], ""),
        (["Talk to a tax pro"], "Reply 1 for Talk to a tax pro."),
        (["Yes", "No", "Not sure"], "Reply 1 for Yes, 2 for No, 3 for Not sure."),
    ],
)
def test_numbered_menu(titles: List[str], menu: str) -> None:
    assert numbered_menu(titles) == menu


def test_buttons_become_a_numbered_list_without_payloads() -> None:
    buttons = [
        {"title": "My options", "payload": "/ask_relief_options"},
        {"title": "Talk to a tax pro", "payload": "/request_human"},
        {"title": "IRS site", "url": "https://www.irs.gov", "type": "web_url"},
    ]
    body, payloads = render_buttons("What next?", buttons)
    assert body == "What next?\nIRS site: https://www.irs.gov\nReply 1 for My options, 2 for Talk to a tax pro."
    assert payloads == ["/ask_relief_options", "/request_human"]
    assert "/" not in body.replace("https://", "")


def test_buttons_without_text_or_title() -> None:
    body, payloads = render_buttons(None, [{"title": "", "payload": "/x"}, {"title": "Yes", "payload": "yes"}])
    assert (body, payloads) == ("Reply 1 for Yes.", ["yes"])


def test_elements_and_custom_payloads_degrade_to_text() -> None:
    text, buttons = render_elements(
        [
            {"title": "CP504", "subtitle": "Intent to levy", "buttons": [{"title": "Explain", "payload": "/explain"}]},
            {"title": "LT11"},
        ]
    )
    assert text == "CP504: Intent to levy\nLT11" and buttons == [{"title": "Explain", "payload": "/explain"}]
    assert custom_text({"text": "Hi", "url": "https://x.example"}) == "Hi\nhttps://x.example"
    assert custom_text({"blocks": []}) == ""


@pytest.mark.parametrize(
    "reply, number",
    [
        ("1", 1),
        (" 2 ", 2),
        ("#2", 2),
        ("# 3", 3),
        ("2.", 2),
        ("3)", 3),
        ("10", 10),
        ("two", None),
        ("2 please", None),
        ("", None),
        ("1.5", None),
        ("123", None),
        ("-1", None),
    ],
)
def test_parse_choice(reply: str, number: int) -> None:
    assert parse_choice(reply) == number


@pytest.mark.parametrize(
    "phone, masked",
    [
        ("+15125550142", "+*******0142"),
        ("5550142", "***0142"),
        ("123", "***"),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked
