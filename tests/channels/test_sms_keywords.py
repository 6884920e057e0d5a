"""Carrier keywords: whole message only, case-insensitive; the reply texts."""

from __future__ import annotations

from typing import Optional

import pytest

from channels.sms.keywords import Keyword, help_reply, match_keyword, start_reply, stop_reply


@pytest.mark.parametrize(
    "text, kind, word",
    [
        ("STOP", Keyword.STOP, "STOP"),
        ("stop", Keyword.STOP, "STOP"),
        (" Stop. ", Keyword.STOP, "STOP"),
        ("StopAll", Keyword.STOP, "STOPALL"),
        ("unsubscribe", Keyword.STOP, "UNSUBSCRIBE"),
        ("Cancel", Keyword.STOP, "CANCEL"),
        ("end", Keyword.STOP, "END"),
        ("QUIT!", Keyword.STOP, "QUIT"),
        ("start", Keyword.START, "START"),
        ("Yes", Keyword.START, "YES"),
        ("unstop", Keyword.START, "UNSTOP"),
        ("help", Keyword.HELP, "HELP"),
        ("Info", Keyword.HELP, "INFO"),
        ("stop sending me texts", None, None),
        ("please stop", None, None),
        ("STOPP", None, None),
        ("yes please", None, None),
        ("helpful", None, None),
        ("", None, None),
        (None, None, None),
    ],
)
def test_keywords_are_whole_messages(text: Optional[str], kind: Optional[Keyword], word: Optional[str]) -> None:
    match = match_keyword(text)
    assert (match.kind if match else None, match.word if match else None) == (kind, word)


def test_yes_is_also_an_ordinary_answer() -> None:
    assert match_keyword("yes").is_answer_word
    assert not match_keyword("START").is_answer_word


def test_replies_name_the_firm_and_the_opt_out() -> None:
    assert stop_reply("Milestone") == "You're unsubscribed from Milestone messages. Reply START to resubscribe."
    assert "Milestone" in start_reply("Milestone") and "STOP" in start_reply("Milestone")
    full = help_reply("Milestone", "+1 512 555 0100", "help@example.com", "https://example.com")
    assert full.startswith("Milestone:") and full.endswith("Reply STOP to unsubscribe.")
    for contact in ("call +1 512 555 0100", "e-mail help@example.com", "https://example.com"):
        assert contact in full
    assert help_reply("Milestone").endswith("not tax or legal advice. Reply STOP to unsubscribe.")
