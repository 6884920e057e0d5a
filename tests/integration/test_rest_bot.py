"""End to end over REST: the real action server and Rasa server with the trained model."""

from __future__ import annotations

import datetime as dt
import re
import uuid

import pytest

from knowledge.loader import cached_knowledge
from settings.assistant import get_settings
from tests.integration.servers import Bot
from tests.integration.shared_bot import SharedBot
from understanding.composer import summary

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def bot(shared_bot: SharedBot) -> Bot:
    return shared_bot.bot


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex}"


@pytest.mark.parametrize("notice", cached_knowledge().notices, ids=lambda n: n.code)
def test_every_notice_is_explained_in_one_turn(bot: Bot, notice) -> None:
    sender = new_sender()
    reply = bot.texts(sender, f"what does {notice.code} mean?")
    assert f"**{notice.code}**: {notice.title}" in reply and summary(notice.explanation) in reply
    assert notice.source_url in reply
    assert notice.explanation in bot.texts(sender, "more details")  # the full entry behind "more"


def test_deadline_from_a_relative_date(bot: Bot) -> None:
    today = get_settings().today()
    notice_date = today - dt.timedelta(days=21)
    deadline = notice_date + dt.timedelta(days=30)
    reply = bot.texts(new_sender(), "I got an LT11 dated three weeks ago, what does it mean?")
    assert "9 days left" in reply
    assert summary(cached_knowledge().find_notice("LT11").explanation) in reply
    assert f"{deadline:%B} {deadline.day}, {deadline.year}" in reply


def test_date_given_after_the_code(bot: Bot) -> None:
    sender = new_sender()
    bot.texts(sender, "what is a CP2000")
    reply = bot.texts(sender, "it's dated 10/15/2026")
    assert "October 15, 2026" in reply
    assert re.search(r"(days? left|ended on|last day)", reply)


def test_unknown_code_is_never_explained(bot: Bot) -> None:
    reply = bot.texts(new_sender(), "what is a CP242 notice")
    assert "I don't have CP242 in my notes, so I won't guess what it means" in reply
    assert "Source:" not in reply  # no official page is quoted for a notice it does not know


def test_no_code_asks_where_it_is_printed(bot: Bot) -> None:
    reply = bot.texts(new_sender(), "I got a letter from the IRS and I'm scared")
    assert "corner" in reply


@pytest.mark.parametrize(
    "question, topic_id",
    [
        ("how does irs collection work", "collection_process"),
        ("can the irs garnish my wages", "levy_wages"),
        ("what is the difference between a lien and a levy", "lien_vs_levy"),
        ("can I get a payment plan with the IRS", "installment_agreement"),
        ("what is an offer in compromise", "offer_in_compromise"),
        ("my ex husband never paid the taxes on our joint return, is there innocent spouse relief", "innocent_spouse"),
        ("is this letter a scam", "scam_signs"),
    ],
)
def test_topic_questions(bot: Bot, question: str, topic_id: str) -> None:
    topic = cached_knowledge().topic(topic_id)
    sender = new_sender()
    short = bot.texts(sender, question)
    assert "Source: https://www.irs.gov/" in short and "Want the details" in short
    assert topic.answer not in short  # the short answer first; the full topic only when asked
    assert topic.answer in bot.texts(sender, "/ask_more")


def test_disclaimer_once_per_conversation(bot: Bot) -> None:
    sender = new_sender()
    first = bot.texts(sender, "hi")
    second = bot.texts(sender, "what is a levy")
    assert "not tax or legal advice" in first
    assert "not tax or legal advice" not in second
    assert "Social Security number" in first
