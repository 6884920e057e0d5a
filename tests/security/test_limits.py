"""High 5 and Medium 8: one client cannot open cases or conversations without limit, nor get
around the per-sender limit by rotating sender ids."""

from __future__ import annotations

from pathlib import Path

import pytest
from sanic import Sanic

from channels.client_address import parse_networks, resolve
from store.cases import CaseRepository
from store.db import Database
from tests.channels.test_rest import make_channel, serve
from tests.store.factories import make_new_case


@pytest.fixture(autouse=True)
def _sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)


def test_one_conversation_cannot_flood_the_urgent_queue_with_cases(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'cases.db'}")
    db.migrate()
    repo = CaseRepository(db)
    results = [repo.create(make_new_case(sender_id="rest:attacker"), notify=["webhook"]) for _ in range(32)]
    created = [case for case, new in results if new]
    assert len(created) == 2  # the rest get the conversation's latest case; nobody is paged again
    assert {case.reference for case, _ in results} == {case.reference for case in created}


async def test_new_conversations_from_one_address_are_limited_with_429_and_retry_after() -> None:
    channel = make_channel(address_new_conversations=5, new_conversation_window_s=600)
    async with serve(channel) as client:
        statuses = [(await client.say("I got a CP504", sender=f"case-{n}")).status for n in range(8)]
        again = await client.say("hello again", sender="case-6")  # a refused new sender stays new
        assert again.status == 429
        refused = await client.say("hello", sender="one-more")
        assert refused.headers.get("Retry-After", "").isdigit()
        assert (await refused.json())["error"] == "too_many_requests"
    assert statuses == [200] * 5 + [429] * 3
    assert len(client.bot.received) == 5


async def test_rotating_sender_ids_does_not_escape_the_per_address_message_limit() -> None:
    channel = make_channel(address_messages_per_minute=10, address_new_conversations=0, global_new_conversations=0)
    async with serve(channel) as client:
        statuses = [(await client.say("hi", sender=f"rotating-{n}")).status for n in range(15)]
    assert statuses.count(200) == 10 and statuses[10:] == [429] * 5


def test_forwarded_for_counts_only_from_a_trusted_proxy() -> None:
    proxies = parse_networks("10.0.0.0/8")
    assert resolve("203.0.113.9", "1.2.3.4", proxies) == "203.0.113.9"  # a client cannot pick its address
    assert resolve("10.0.0.5", "198.51.100.7, 10.0.0.9", proxies) == "198.51.100.7"
    assert resolve("10.0.0.5", "garbage", proxies) == "10.0.0.5"
