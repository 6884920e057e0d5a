"""A long conversation through the real servers: what the bot remembers outlives the turns the
tracker store hands Rasa (the session's last 4 user turns, ops/tracker_window.py), and the
conversation's transcript stays whole."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest

from settings.assistant import get_settings
from tests.integration.servers import Bot
from tests.integration.shared_bot import SharedBot

pytestmark = pytest.mark.model

# Questions that leave the remembered notice alone; 3 rounds are 15 user turns, more than the window.
SIDE_QUESTIONS = (
    "what is an offer in compromise",
    "can I get a payment plan",
    "whats the difference between a lien and a levy",
    "are you a bot?",
    "thanks",
)


@pytest.fixture(scope="module")
def bot(shared_bot: SharedBot) -> Bot:
    return shared_bot.bot


def test_the_notice_is_remembered_after_the_window_has_moved_on_and_the_transcript_is_whole(bot: Bot) -> None:
    sender = f"long-{uuid.uuid4().hex}"
    notice_date = get_settings().today() - dt.timedelta(days=21)
    deadline = notice_date + dt.timedelta(days=30)
    first = bot.texts(sender, "I got an LT11 dated three weeks ago, what does it mean?")
    assert "9 days left" in first
    sent = 1
    for _ in range(3):
        for question in SIDE_QUESTIONS:
            assert bot.texts(sender, question)
            sent += 1
    follow_up = bot.texts(sender, "how long do I have to respond?")
    sent += 1
    print(follow_up)
    assert "LT11" in follow_up and f"{deadline:%B} {deadline.day}, {deadline.year}" in follow_up

    events = bot.tracker(sender)["events"]
    assert next(e["text"] for e in events if e["event"] == "user").startswith("I got an LT11")
    assert sum(1 for e in events if e["event"] == "user") == sent
