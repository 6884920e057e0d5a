"""The intake form through the real servers (REST): happy path, cancel, side question, why,
correction, invalid phone twice, critical fast path, and "any update?"."""

from __future__ import annotations

import uuid
from typing import Tuple

import pytest

from store.cases import CaseRepository
from tests.integration.servers import Bot, conversation
from tests.integration.shared_bot import SharedBot

pytestmark = pytest.mark.model


class Chat:
    """One conversation with the running bot."""

    def __init__(self, bot: Bot) -> None:
        self.bot, self.sender = bot, f"intake-{uuid.uuid4().hex}"
        self.conversation = conversation(self.sender)  # the id cases are stored under ("rest:<sender>")

    def __call__(self, text: str) -> str:
        return self.bot.texts(self.sender, text)


@pytest.fixture(scope="module")
def served(shared_bot: SharedBot) -> Tuple[Bot, CaseRepository]:
    return shared_bot.bot, CaseRepository(shared_bot.database())


@pytest.fixture
def chat(served: tuple) -> Chat:
    return Chat(served[0])


@pytest.fixture
def cases(served: tuple) -> CaseRepository:
    return served[1]


def fill_contact(chat: Chat) -> None:
    assert "full name" in chat("I'd like to talk to a tax pro")
    assert "phone number" in chat("Maria Lopez")
    assert "e-mail" in chat("(702) 555-0199")


def test_happy_path_all_questions(chat: Chat, cases: CaseRepository) -> None:
    fill_contact(chat)
    assert "contact you" in chat("maria.lopez@example.com")
    assert "levy" in chat("email")
    assert "Which notice" in chat("no")
    assert "date" in chat("CP504")
    assert "state" in chat("it's dated 11/02/2026").lower()
    assert "tax years" in chat("Nevada")
    assert "how much" in chat("2019 and 2020")
    assert "returns" in chat("about $12k")
    assert "jointly" in chat("no")
    assert "best time" in chat("no")
    assert "May " in chat("mornings")
    summary = chat("yes")
    for expected in (
        "Maria Lopez",
        "+17025550199",
        "maria.lopez@example.com",
        "CP504",
        "NV",
        "2019, 2020",
        "$12,000",
        "morning",
    ):
        assert expected in summary
    reply = chat("yes")
    case = cases.latest_for_sender(chat.conversation)
    assert case is not None and case.reference in reply
    assert case.intake.amount_owed is not None and int(case.intake.amount_owed) == 12000
    assert case.intake.tax_years == [2019, 2020] and case.intake.us_state == "NV"
    assert "by e-mail" in reply  # REST can't receive a later push: the pro contacts by e-mail
    # double submission: asking again reuses the case
    again = chat("talk to a human please")
    assert case.reference in again
    assert len([c for c in cases.list(query="Maria Lopez") if c.sender_id == chat.conversation]) == 1
    assert case.reference in chat("any update?")


def test_cancel_keeps_answers(chat: Chat, cases: CaseRepository) -> None:
    fill_contact(chat)
    assert "stopped" in chat("cancel")
    assert cases.latest_for_sender(chat.conversation) is None
    reply = chat("ok let me talk to a tax pro")
    assert "pick up" in reply and "e-mail" in reply  # name and phone were kept


def test_side_question_then_resume(chat: Chat) -> None:
    assert "full name" in chat("connect me with a tax professional")
    reply = chat("what is an offer in compromise?")
    assert "Offer in Compromise" in reply or "offer in compromise" in reply.lower()
    assert "full name" in reply


def test_why_do_you_need_this(chat: Chat) -> None:
    fill_contact(chat)
    reply = chat("why do you need my email")
    assert "follow-ups in writing" in reply and "e-mail" in reply


def test_invalid_phone_twice_offers_another_way(chat: Chat) -> None:
    assert "full name" in chat("I want to speak with someone")
    assert "phone number" in chat("Tom Baker")
    assert "area code" in chat("555")
    reply = chat("12345")
    assert "area code" in reply and "e-mail address instead" in reply
    # a typed e-mail is taken at the phone question (SMS users have no button to tap)
    reply = chat("tom.baker@example.com")
    assert "tom.baker@example.com instead of a phone number" in reply and "contact you" in reply


def test_correction_of_an_earlier_answer(chat: Chat) -> None:
    fill_contact(chat)
    reply = chat("wait, my phone number is wrong, it's 702-555-0142")
    assert "+17025550142" in reply


def test_critical_fast_path_skips_optional_questions(chat: Chat, cases: CaseRepository) -> None:
    fill_contact(chat)
    assert "contact you" in chat("skip")
    assert "levy" in chat("text me")
    reply = chat("yes, they're garnishing my wages")
    assert "urgent" in reply and "May " in reply  # straight to consent: optional questions skipped
    chat("yes")
    reply = chat("yes")
    case = cases.latest_for_sender(chat.conversation)
    assert case is not None and case.priority == "critical" and case.reference in reply
