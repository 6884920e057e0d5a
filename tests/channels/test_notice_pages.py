"""Pages held in memory until the taxpayer chooses to attach them, and the attach answer."""

from __future__ import annotations

from typing import Any, List, Tuple

import pytest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage

from channels import notice_photos
from channels.notice_pages import ATTACH_PAYLOAD, DISCARD_PAYLOAD, PendingPages, with_page_consent


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_pages_are_held_for_a_while_then_forgotten() -> None:
    clock = Clock()
    pending = PendingPages(ttl_s=60, clock=clock)
    page = pending.keep(b"jpeg", "image/jpeg")
    pending.bind(page, "sms:+1")
    clock.now = 59
    assert len(pending) == 1
    clock.now = 61
    assert pending.take("sms:+1") is None and len(pending) == 0


def test_memory_is_bounded_by_pages_and_bytes() -> None:
    pending = PendingPages(max_pages=2, max_bytes=10)
    first, second, third = (pending.keep(b"abc", "image/png") for _ in range(3))
    assert len(pending) == 2
    pending.bind(first, "web:a")
    assert pending.take("web:a") is None  # the oldest went first
    pending.keep(b"x" * 11, "image/png")
    assert len(pending) == 0  # a page over the byte limit is not held at all


def test_a_page_belongs_to_one_conversation_and_a_new_photo_replaces_the_old() -> None:
    pending = PendingPages()
    old, new = pending.keep(b"old", "image/jpeg"), pending.keep(b"new", "image/jpeg")
    pending.bind(old, "sms:+1")
    pending.bind(new, "sms:+1")
    pending.bind(new, "sms:+2")  # already bound: another conversation cannot take it over
    assert pending.take("sms:+2") is None
    assert pending.take("sms:+1") == (b"new", "image/jpeg") and pending.take("sms:+1") is None


def message(text: str, sender: str = "sms:+1", parse_data: Any = None) -> UserMessage:
    return UserMessage(text, CollectingOutputChannel(), sender, parse_data=parse_data, metadata={"twilio": {}})


async def test_the_attach_answer_stores_the_conversations_page_and_says_so() -> None:
    pending, stored, received = PendingPages(), [], []  # type: ignore[var-annotated]

    async def rasa(item: UserMessage) -> None:
        received.append(item)

    def store(conversation: str, data: bytes, content_type: str) -> None:
        stored.append((conversation, data, content_type))

    handle = with_page_consent(rasa, pending, store)
    page_id = pending.keep(b"jpeg", "image/jpeg")
    await handle(
        notice_photos.photo_message({"code": "LT11", "page_id": page_id}, CollectingOutputChannel(), "sms:+1", "twilio")
    )
    await handle(message(ATTACH_PAYLOAD, sender="sms:+2"))  # another conversation has no page
    await handle(message(ATTACH_PAYLOAD))
    await handle(message(ATTACH_PAYLOAD))  # the page was taken
    assert stored == [("sms:+1", b"jpeg", "image/jpeg")]
    assert [(m.metadata or {}).get("notice_page") for m in received] == [None, "gone", "attached", "gone"]
    assert received[2].metadata["twilio"] == {}


async def test_a_failing_store_keeps_nothing_and_says_so(caplog: pytest.LogCaptureFixture) -> None:
    pending, received = PendingPages(), []  # type: ignore[var-annotated]

    async def rasa(item: UserMessage) -> None:
        received.append(item)

    def broken(*_: Any) -> None:
        raise OSError("disk full at /var/lib/postgresql")

    handle = with_page_consent(rasa, pending, broken)
    pending.bind(pending.keep(b"jpeg", "image/jpeg"), "sms:+1")
    await handle(message(ATTACH_PAYLOAD))
    assert received[0].metadata["notice_page"] == "failed" and len(pending) == 0
    assert "postgresql" not in caplog.text


async def test_no_thanks_drops_the_page_and_other_messages_pass_untouched() -> None:
    pending, received = PendingPages(), []  # type: ignore[var-annotated]
    stored: List[Tuple[Any, ...]] = []

    async def rasa(item: UserMessage) -> None:
        received.append(item)

    handle = with_page_consent(rasa, pending, lambda *args: stored.append(args))
    pending.bind(pending.keep(b"jpeg", "image/jpeg"), "sms:+1")
    await handle(message("what is an LT11?"))
    assert len(pending) == 1 and received[0].metadata == {"twilio": {}}
    await handle(message(DISCARD_PAYLOAD))
    assert len(pending) == 0 and stored == []
