"""Drive the REST channel with concurrent scripted conversations (aiohttp, keep-alive).

``drive`` takes a list of base URLs and spreads conversations across them round-robin (each
conversation stays on one URL), so several replicas behind no balancer, or one balancer, can be
measured with the same code.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import math
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Sequence, Tuple

import aiohttp

from bench.mix import Conversation, Turn
from bench.paths import BENCH_REST_TOKEN

REST_PATH = "/webhooks/rest/webhook"
# Our REST channel needs its bearer token when REST_TOKEN is set; the stock bot ignores the header.
REST_HEADERS = {"Content-Type": "application/json", "Authorization": f"Bearer {BENCH_REST_TOKEN}"}
MAX_ERROR_SAMPLES = 5
# After a refused or broken connection a user waits this long, so a dead server is not hammered.
CONNECTION_BACKOFF_S = 0.2


@dataclass
class LoadResult:
    """Raw outcome of one scenario."""

    concurrency: int
    base_urls: List[str]
    elapsed_s: float = 0.0
    sent: int = 0
    latencies_ms: List[float] = field(default_factory=list)
    errors: Counter = field(default_factory=Counter)
    error_samples: List[Dict[str, Any]] = field(default_factory=list)

    @property
    def error_count(self) -> int:
        """All failed messages, whatever the kind."""
        return sum(self.errors.values())

    def add_error(self, kind: str, turn: Turn, detail: str) -> None:
        """Count one failed message and keep the first few for the report."""
        self.errors[kind] += 1
        if len(self.error_samples) < MAX_ERROR_SAMPLES:
            self.error_samples.append({"kind": kind, "message": turn.text, "detail": detail[:300]})


def has_content(replies: Any) -> bool:
    """Whether a REST reply list holds at least one visible message."""
    if not isinstance(replies, list):
        return False
    keys = ("text", "buttons", "image", "custom", "attachment")
    return any(isinstance(r, dict) and any(r.get(k) for k in keys) for r in replies)


class _Plan:
    """Hands out conversations and message slots until the time or message budget is spent."""

    def __init__(
        self,
        conversations: Sequence[Conversation],
        base_urls: Sequence[str],
        duration_s: Optional[float],
        max_messages: Optional[int],
    ) -> None:
        self._conversations, self._urls = conversations, base_urls
        self._started = itertools.count()
        self._run_id = uuid.uuid4().hex[:8]
        self.deadline = time.perf_counter() + duration_s if duration_s else math.inf
        self._left = max_messages if max_messages is not None else math.inf

    def next_conversation(self) -> Tuple[Conversation, str, str]:
        """The next conversation, the URL it runs against, and a sender id never used before."""
        n = next(self._started)
        return (
            self._conversations[n % len(self._conversations)],
            self._urls[n % len(self._urls)],
            f"bench-{self._run_id}-{n}",
        )

    def take_message(self) -> bool:
        """Reserve one message of the budget; ``False`` when the scenario is over."""
        if time.perf_counter() >= self.deadline or self._left <= 0:
            return False
        self._left -= 1
        return True


async def send(
    session: aiohttp.ClientSession, url: str, sender: str, turn: Turn, result: LoadResult
) -> Optional[float]:
    """Send one message and wait for the reply; its latency in ms, or ``None`` when it failed
    (the failure is counted in ``result``; an answered message with an empty reply is counted
    as an error but keeps its latency)."""
    start = time.perf_counter()
    result.sent += 1
    try:
        async with session.post(
            url + REST_PATH, json={"sender": sender, "message": turn.text}, headers=REST_HEADERS
        ) as response:
            body = await response.read()
            latency_ms = (time.perf_counter() - start) * 1000
            if response.status != 200:
                result.add_error(f"http_{response.status}", turn, body.decode(errors="replace"))
                return None
    except asyncio.TimeoutError:
        result.add_error("timeout", turn, "no reply within the timeout")
        return None
    except aiohttp.ClientError as error:
        result.add_error("connection", turn, repr(error))
        await asyncio.sleep(CONNECTION_BACKOFF_S)
        return None
    result.latencies_ms.append(latency_ms)
    try:
        replies = json.loads(body)
    except ValueError:
        result.add_error("bad_json", turn, body.decode(errors="replace"))
        return latency_ms
    if turn.expect_reply and not has_content(replies):
        result.add_error("empty_reply", turn, body.decode(errors="replace"))
    return latency_ms


async def _user(session: aiohttp.ClientSession, plan: _Plan, result: LoadResult) -> None:
    while True:
        conversation, url, sender = plan.next_conversation()
        for turn in conversation.turns:
            if not plan.take_message():
                return
            await send(session, url, sender, turn, result)


async def drive(
    base_urls: Sequence[str],
    conversations: Sequence[Conversation],
    concurrency: int,
    duration_s: Optional[float] = None,
    max_messages: Optional[int] = None,
    timeout_s: float = 30.0,
) -> LoadResult:
    """Run ``concurrency`` simulated users until ``duration_s`` or ``max_messages`` is reached.

    Each user sends a conversation's messages one at a time and waits for each reply; a message
    in flight when the time is up is still awaited and counted.

    Args:
        base_urls: Rasa servers, e.g. ``["http://127.0.0.1:5005"]``; conversations are spread
            across them round-robin.
        conversations: the scripts to play, in turn.
        concurrency: simultaneous conversations.
        duration_s: stop starting messages after this many seconds.
        max_messages: stop after this many messages in total.
        timeout_s: a message without a reply within this time is an error.
    """
    if not base_urls or not conversations or concurrency < 1:
        raise ValueError("drive needs base URLs, conversations and a concurrency >= 1")
    if duration_s is None and max_messages is None:
        raise ValueError("give duration_s or max_messages")
    result = LoadResult(concurrency=concurrency, base_urls=[u.rstrip("/") for u in base_urls])
    async with client_session(timeout_s) as session:
        plan = _Plan(conversations, result.base_urls, duration_s, max_messages)
        start = time.perf_counter()
        await asyncio.gather(*(_user(session, plan, result) for _ in range(concurrency)))
        result.elapsed_s = time.perf_counter() - start
    return result


def client_session(timeout_s: float) -> aiohttp.ClientSession:
    """A keep-alive HTTP client without a connection limit; a message times out after ``timeout_s``."""
    connector = aiohttp.TCPConnector(limit=0, keepalive_timeout=60)
    return aiohttp.ClientSession(connector=connector, timeout=aiohttp.ClientTimeout(total=timeout_s))
