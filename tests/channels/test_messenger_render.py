"""Tables for the pure Messenger rules: splitting, buttons, limits, message tags and send windows."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List

import pytest

from channels.messenger.events import RecentIds, incoming_events
from channels.messenger.render import (
    CHOOSE_PROMPT,
    MAX_QUICK_REPLIES,
    messenger_window,
    render_buttons,
    render_custom,
    render_elements,
    render_quick_replies,
    render_text,
    request_body,
    send_options,
    split_text,
    strip_markdown,
    truncate,
)


def buttons(count: int, title: str = "Option", payload_size: int = 0) -> List[Dict[str, str]]:
    return [{"title": f"{title} {i}", "payload": f'/choose{{"n": {i}}}' + "x" * payload_size} for i in range(count)]


@pytest.mark.parametrize(
    "text, limit, expected",
    [
        ("", 10, []),
        ("   \n ", 10, []),
        ("Short.", 10, ["Short."]),
        ("One two. Three four.", 12, ["One two.", "Three four."]),
        ("First line here\nSecond line", 20, ["First line here", "Second line"]),
        ("Is it? Yes! Then go.", 12, ["Is it? Yes!", "Then go."]),
        ('He said "stop." Then left.', 16, ['He said "stop."', "Then left."]),
        ("no sentence ends in this text", 12, ["no sentence", "ends in this", "text"]),
        ("abcdefghijklmnopqrstuvwxyz", 10, ["abcdefghij", "klmnopqrst", "uvwxyz"]),
        # A sentence end too early (before half the limit) loses to a later space.
        ("A. bcdefgh ijklmnop", 12, ["A. bcdefgh", "ijklmnop"]),
    ],
)
def test_split_text(text: str, limit: int, expected: List[str]) -> None:
    assert split_text(text, limit) == expected


@pytest.mark.parametrize("size", [1999, 2000, 2001, 4500, 10_000])
def test_split_text_respects_the_messenger_limit(size: int) -> None:
    sentence = "The IRS sends this notice when a balance is unpaid. "
    text = (sentence * (size // len(sentence) + 1))[:size]
    parts = split_text(text)
    assert all(0 < len(p) <= 2000 for p in parts)
    assert " ".join(parts) == text.strip()
    assert all(p.endswith(".") for p in parts[:-1])


@pytest.mark.parametrize(
    "text, expected",
    [
        ("**CP504: Notice**\nbody", "CP504: Notice\nbody"),
        ("a **b** and **c**", "a b and c"),
        ("2 * 3 ** 4", "2 * 3 ** 4"),
        ("no markup", "no markup"),
    ],
)
def test_strip_markdown(text: str, expected: str) -> None:
    assert strip_markdown(text) == expected


@pytest.mark.parametrize(
    "text, limit, expected",
    [
        ("Payment plan", 20, "Payment plan"),
        ("Exactly twenty chars", 20, "Exactly twenty chars"),
        ("Twenty-one characters", 20, "Twenty-one characte…"),
        ("Offer in compromise and more", 20, "Offer in compromise…"),
        ("Penalty   abatement here", 11, "Penalty…"),
    ],
)
def test_truncate(text: str, limit: int, expected: str) -> None:
    result = truncate(text, limit)
    assert result == expected and len(result) <= limit


def test_render_text_strips_bold_and_splits() -> None:
    assert render_text("**Hi**") == [{"text": "Hi"}]
    assert render_text(None) == []
    assert [len(m["text"]) <= 2000 for m in render_text("Word. " * 800)] == [True] * 3


@pytest.mark.parametrize(
    "count, kind",
    [
        (1, "template"),
        (2, "template"),
        (3, "template"),
        (4, "quick_replies"),
        (13, "quick_replies"),
        (20, "quick_replies"),
    ],
)
def test_button_template_up_to_three_quick_replies_above(count: int, kind: str) -> None:
    messages = render_buttons("Which option?", buttons(count, title="A rather long option title"))
    [message] = messages
    if kind == "template":
        template = message["attachment"]["payload"]
        assert template["template_type"] == "button" and template["text"] == "Which option?"
        assert len(template["buttons"]) == count
        assert all(b["type"] == "postback" and len(b["title"]) <= 20 for b in template["buttons"])
    else:
        assert message["text"] == "Which option?"
        assert len(message["quick_replies"]) == min(count, MAX_QUICK_REPLIES)
        assert all(len(r["title"]) <= 20 and r["title"].endswith("…") for r in message["quick_replies"])


def test_long_template_text_goes_first_with_a_short_prompt() -> None:
    text = "This explains the notice in detail. " * 20  # about 720 characters
    *texts, template = render_buttons(text, buttons(2))
    assert " ".join(m["text"] for m in texts) == text.strip()
    assert template["attachment"]["payload"]["text"] == CHOOSE_PROMPT


def test_template_text_at_the_limit_stays_in_the_template() -> None:
    [template] = render_buttons("x" * 640, buttons(1))
    assert template["attachment"]["payload"]["text"] == "x" * 640


@pytest.mark.parametrize("payload_size, kept", [(900, 5), (1000, 0)])
def test_overlong_payloads_are_dropped_not_cut(payload_size: int, kept: int) -> None:
    # "/choose{"n": i}" is 14 characters: 900 extra stay under 1,000, 1,000 extra do not.
    [message] = render_quick_replies("Pick", buttons(5, payload_size=payload_size))
    assert len(message.get("quick_replies", [])) == kept
    assert all(len(r["payload"]) <= 1000 for r in message.get("quick_replies", []))


def test_url_buttons_in_a_template_and_left_out_of_quick_replies() -> None:
    link = {"title": "IRS page", "url": "https://www.irs.gov/cp504", "type": "web_url"}
    [template] = render_buttons("See", [link])
    assert template["attachment"]["payload"]["buttons"] == [
        {"type": "web_url", "title": "IRS page", "url": "https://www.irs.gov/cp504"}
    ]
    [message] = render_buttons("See", [link] + buttons(4))
    assert len(message["quick_replies"]) == 4


def test_quick_replies_without_text_get_a_prompt_and_long_text_is_split() -> None:
    assert render_quick_replies("", buttons(4))[0]["text"] == CHOOSE_PROMPT
    messages = render_quick_replies("Word. " * 800, buttons(4))
    assert len(messages) == 3 and "quick_replies" in messages[-1]
    assert all("quick_replies" not in m for m in messages[:-1])


def test_elements_and_custom_degrade_to_text() -> None:
    messages = render_elements([{"title": "Payment plan", "subtitle": "Monthly", "buttons": buttons(1)}])
    assert messages[0]["attachment"]["payload"]["text"] == "Payment plan\nMonthly"
    assert render_custom({"text": "hello"}) == [{"text": "hello"}]
    assert render_custom({"blocks": []}) == [] and render_custom(["x"]) == []


@pytest.mark.parametrize(
    "tag, expected",
    [
        (None, {"messaging_type": "RESPONSE"}),
        ("", {"messaging_type": "RESPONSE"}),
        ("HUMAN_AGENT", {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}),
        ("human_agent", {"messaging_type": "MESSAGE_TAG", "tag": "HUMAN_AGENT"}),
    ],
)
def test_send_options(tag: Any, expected: Dict[str, str]) -> None:
    assert send_options(tag) == expected


def test_unknown_message_tag_is_an_error() -> None:
    with pytest.raises(ValueError):
        send_options("PROMOTION")


def test_request_body() -> None:
    assert request_body("42", {"text": "hi"}, send_options("HUMAN_AGENT")) == {
        "recipient": {"id": "42"},
        "messaging_type": "MESSAGE_TAG",
        "tag": "HUMAN_AGENT",
        "message": {"text": "hi"},
    }


NOW = dt.datetime(2026, 11, 26, 12, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    "ago, window",
    [
        (dt.timedelta(0), "standard"),
        (-dt.timedelta(minutes=5), "standard"),  # clock skew
        (dt.timedelta(hours=23, minutes=59), "standard"),
        (dt.timedelta(hours=24), "standard"),
        (dt.timedelta(hours=24, seconds=1), "human_agent"),
        (dt.timedelta(days=6, hours=23), "human_agent"),
        (dt.timedelta(days=7), "human_agent"),
        (dt.timedelta(days=7, seconds=1), "closed"),
        (dt.timedelta(days=30), "closed"),
    ],
)
def test_messenger_window(ago: dt.timedelta, window: str) -> None:
    assert messenger_window(NOW - ago, NOW) == window


def test_messenger_window_across_time_zones() -> None:
    eastern = dt.timezone(dt.timedelta(hours=-5))
    assert messenger_window(dt.datetime(2026, 11, 25, 7, 0, tzinfo=eastern), NOW) == "standard"


def test_incoming_events_skip_malformed_items() -> None:
    body = {
        "object": "page",
        "entry": [
            None,
            {"messaging": "x"},
            {
                "messaging": [
                    {"sender": {}, "message": {"text": "no sender"}},
                    {"sender": {"id": 7}, "message": {"text": "  hi  ", "mid": "m"}},
                    {"sender": {"id": "8"}, "message": {}},
                    {"sender": {"id": "9"}, "postback": {"payload": ""}},
                ]
            },
        ],
    }
    [event] = incoming_events(body)
    assert (event.sender_id, event.kind, event.text, event.message_id) == ("7", "text", "hi", "m")
    assert incoming_events({"object": "page"}) == [] and incoming_events([]) == []


def test_recent_ids_forget_the_oldest() -> None:
    seen = RecentIds(size=2)
    assert [seen.first_time(i) for i in ("a", "b", "a", "c", "a", None, None)] == [
        True,
        True,
        False,
        True,
        True,
        True,
        True,
    ]
