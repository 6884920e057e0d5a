"""Two Rasa replicas in the production profile (PostgreSQL, Redis lock store, RabbitMQ broker).

Conversations alternate between the replicas message by message, concurrently; then one replica
is stopped mid-run and the other carries on. Every conversation's events in PostgreSQL must be
complete, each turn whole (never interleaved with another turn), in the order sent, and nothing
duplicated; the broker must carry the same events.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import ContextManager, Dict, Iterator, List, Optional, Tuple

import aiohttp
import pytest
import socketio
import sqlalchemy as sa

from channels.widget_sessions import WidgetSessions
from desk.rasa_client import RasaClient
from tests import background
from tests.integration.cluster import REST_TOKEN, Cluster, running_cluster
from tests.rabbitmq import drain

pytestmark = pytest.mark.model

CONVERSATIONS = 12
MESSAGES = [
    "hi",
    "what is a CP2000?",
    "what does LT11 mean",
    "can I get a payment plan",
    "what is an offer in compromise",
    "what is currently not collectible",
    "what is innocent spouse relief",
    "thanks, bye",
]
PII_SENDER = "scale-pii"
SSN = "123-45-6789"
BURST = ["what is a CP14", "what is a CP501", "what is a CP503", "what is a CP504"]


async def send(
    session: aiohttp.ClientSession, urls: List[str], start: int, sender: str, text: str, stats: Counter
) -> List[Dict]:
    """POST one message, starting at replica ``start``; a replica that refuses the connection, or
    drops it unread while it shuts down, is skipped as a load balancer would. (A stopping replica
    finishes the requests it has read; the checks below would catch a message handled twice.)"""
    for attempt in range(len(urls)):
        url = urls[(start + attempt) % len(urls)]
        try:
            async with session.post(
                f"{url}/webhooks/rest/webhook",
                json={"sender": sender, "message": text},
                headers={"Authorization": f"Bearer {REST_TOKEN}"},
            ) as response:
                assert response.status == 200, await response.text()
                stats[url] += 1
                return await response.json()
        except (aiohttp.ClientOSError, aiohttp.ServerDisconnectedError):
            stats["rerouted"] += 1
    raise AssertionError(f"no replica answered {text!r} for {sender}")


def stored_events(database_url: str) -> Dict[str, List[Dict]]:
    """Every conversation's events as PostgreSQL holds them, in insertion order."""
    engine = sa.create_engine(database_url)
    with engine.connect() as connection:
        rows = connection.execute(sa.text("SELECT id, sender_id, data FROM events ORDER BY id")).all()
    engine.dispose()
    events: Dict[str, List[Dict]] = {}
    for _, sender, data in rows:  # REST conversations are rest:<sender>
        events.setdefault(sender.removeprefix("rest:"), []).append(json.loads(data))
    return events


def turns(events: List[Dict]) -> List[Tuple[str, List[Dict]]]:
    """Split events into (user text, the events of that turn) from each user message."""
    result: List[Tuple[str, List[Dict]]] = []
    for event in events:
        if event["event"] == "user":
            result.append((event.get("text"), []))
        elif result:
            result[-1][1].append(event)
    return result


def assert_whole_turns(sender: str, events: List[Dict]) -> None:
    """Each turn: the user message, then bot actions, ending with action_listen; no repeats."""
    for text, turn in turns(events):
        names = [e.get("name") for e in turn if e["event"] == "action"]
        assert names and names[-1] == "action_listen", f"{sender}: turn {text!r} not whole: {names}"
        assert "action_listen" not in names[:-1], f"{sender}: turn {text!r} interleaved: {names}"
        assert any(e["event"] == "bot" for e in turn), f"{sender}: turn {text!r} has no reply"
    keys = [json.dumps(e, sort_keys=True) for e in events]
    assert len(keys) == len(set(keys)), f"{sender}: duplicated events"


async def run_load(cluster: Cluster, stop_after: int) -> Tuple[Dict[str, List[str]], Counter, float]:
    """Phase 1: bursts of concurrent messages per conversation over both replicas.
    Phase 2: each conversation in order, alternating replicas; replica 1 stops mid-way."""
    stats: Counter = Counter()
    sent: Dict[str, List[str]] = {f"scale-{n}": [] for n in range(CONVERSATIONS)}
    timeout = aiohttp.ClientTimeout(total=120)
    started = time.monotonic()
    # A new connection per message: a stopped replica then refuses it outright, so a message is
    # either handled by the replica it reached or rerouted, never left in doubt.
    connector = aiohttp.TCPConnector(force_close=True)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        # A taxpayer types their SSN: it must reach neither PostgreSQL nor the broker.
        replies = await send(session, cluster.urls, 0, PII_SENDER, f"my ssn is {SSN}, I got a CP2000", stats)
        assert "removed the Social Security number" in json.dumps(replies)
        # Phase 1: every conversation gets a burst of messages at once, alternating replicas.
        await asyncio.gather(
            *(
                send(session, cluster.urls, i % 2, sender, text, stats)
                for sender in sent
                for i, text in enumerate(BURST)
            )
        )
        for sender in sent:
            sent[sender].extend(BURST)  # any order: checked as a set below

        # Phase 2: ordered, alternating; the second replica stops after `stop_after` rounds.
        async def conversation(sender: str) -> None:
            for index, text in enumerate(MESSAGES):
                replies = await send(session, cluster.urls, index % 2, sender, text, stats)
                assert replies, f"{sender}: no reply to {text!r}"
                sent[sender].append(text)

        async def stopper() -> None:
            while sum(stats[url] for url in cluster.urls) < stop_after:
                await asyncio.sleep(0.05)
            await asyncio.to_thread(cluster.stop_replica, 1)
            stats["stopped_at"] = sum(stats[url] for url in cluster.urls)

        await asyncio.gather(stopper(), *(conversation(sender) for sender in sent))
    return sent, stats, time.monotonic() - started


def start_cluster(tmp: Path, _param: Optional[str] = None) -> ContextManager[Cluster]:
    """Start the two replicas and their action server in ``tmp``; stopped when the block ends."""
    return running_cluster(tmp)


BACKGROUND_STACK = start_cluster  # started while the tests before this module run (tests/background.py)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    yield from background.take(start_cluster)


async def widget_user_gets_a_pro_reply_sent_through_the_other_replica(cluster: Cluster) -> Dict:
    """A web user's socket is on replica 0; the desk posts the pro's reply to replica 1."""
    session_id = uuid.uuid4().hex
    received: asyncio.Queue = asyncio.Queue()
    client = socketio.AsyncClient(reconnection=False)
    confirmed = asyncio.Event()
    tokens: List[str] = []

    def on_confirm(token: str) -> None:  # the server issues the session: its token names it
        tokens.append(token)
        confirmed.set()

    client.on("session_confirm", on_confirm)
    client.on("bot_uttered", received.put_nowait)
    await client.connect(cluster.urls[0], socketio_path="/socket.io", transports=["websocket"])
    try:
        await client.emit("session_request", {"session_id": session_id})
        await asyncio.wait_for(confirmed.wait(), 10)
        await client.emit("user_uttered", {"message": "what is a CP2000?", "session_id": session_id})
        deadline = time.monotonic() + 30
        while "CP2000" not in (await asyncio.wait_for(received.get(), deadline - time.monotonic()))["text"]:
            pass  # the disclaimer comes first
        await asyncio.sleep(1)
        while not received.empty():
            received.get_nowait()
        async with aiohttp.ClientSession() as session:
            desk = RasaClient(cluster.urls[1], cluster.jwt_secret, session)
            await desk.send_to_user(
                WidgetSessions.conversation_id(tokens[-1]), "Hi, I'm Sam, a tax pro. Let's look at your CP2000.", "sam"
            )
        return await asyncio.wait_for(received.get(), 15)
    finally:
        await client.disconnect()


def test_a_pro_reply_reaches_a_widget_user_whose_socket_is_on_the_other_replica(cluster: Cluster) -> None:
    message = asyncio.run(widget_user_gets_a_pro_reply_sent_through_the_other_replica(cluster))
    assert message["text"].startswith("Hi, I'm Sam")
    assert message.get("from_pro") == "sam"


def test_two_replicas_keep_every_conversation_whole_and_in_order(cluster: Cluster) -> None:
    burst_total = CONVERSATIONS * len(BURST)
    stop_after = burst_total + CONVERSATIONS * len(MESSAGES) // 2
    sent, stats, elapsed = asyncio.run(run_load(cluster, stop_after))
    events = stored_events(cluster.database_url)
    published = asyncio.run(drain(cluster.queue, cluster.exchange, expected=sum(len(v) for v in events.values())))

    raw = json.dumps(events) + json.dumps(published)
    assert SSN not in raw and SSN.replace("-", "") not in raw
    assert "[SSN removed]" in json.dumps(events[PII_SENDER])

    total_messages = sum(len(texts) for texts in sent.values()) + 1
    checked = 0
    for sender in sent:
        conversation = events[sender]
        assert_whole_turns(sender, conversation)
        user_texts = [text for text, _ in turns(conversation)]
        assert sorted(user_texts[: len(BURST)]) == sorted(BURST), f"{sender}: burst lost or doubled"
        assert user_texts[len(BURST) :] == MESSAGES, f"{sender}: ordered messages out of order"
        checked += len(conversation)

    # The broker carried the same events, each once. (Across replicas the publish order may differ
    # from the commit order by a few milliseconds; consumers order by the events' timestamps.)
    by_sender: Dict[str, List[Dict]] = {}
    for body in published:
        by_sender.setdefault(body.pop("sender_id").removeprefix("rest:"), []).append(body)
    for sender in sent:
        assert Counter(json.dumps(e, sort_keys=True) for e in by_sender.get(sender, [])) == Counter(
            json.dumps(e, sort_keys=True) for e in events[sender]
        ), f"{sender}: broker differs"

    assert stats["stopped_at"] >= stop_after
    assert stats[cluster.urls[0]] > 0 and stats[cluster.urls[1]] > 0
    print(
        f"\nscale-out: {CONVERSATIONS} conversations, {total_messages} messages in {elapsed:.1f} s, "
        f"replica 0 answered {stats[cluster.urls[0]]}, replica 1 answered {stats[cluster.urls[1]]} "
        f"(stopped after {stats['stopped_at']} answers), {stats['rerouted']} rerouted, 0 errors, "
        f"{checked} stored events checked, {len(published)} broker messages checked"
    )
