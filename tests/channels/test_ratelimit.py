"""Per-sender rate limits: the in-memory counter and the shared Redis counter (real Redis on loopback)."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import AsyncIterator, List

import pytest
from redis import asyncio as redis_asyncio

from channels.guard_settings import GuardSettings
from channels.ratelimit import (
    MemoryRateLimiter,
    NoRateLimit,
    RateDecision,
    RedisRateLimiter,
    build_rate_limiter,
    sender_key,
)
from tests.integration.servers import free_port
from tests.services_up import ensure_redis

REDIS_URL = "redis://127.0.0.1:6379/0"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def hits(limiter, count: int, channel: str = "rest", sender: str = "u1") -> List[RateDecision]:
    return [await limiter.hit(channel, sender) for _ in range(count)]


# --- in memory ----------------------------------------------------------------------------------


async def test_memory_allows_the_limit_then_refuses_and_flags_the_first_refusal_once() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(3, 60, clock=clock)
    decisions = await hits(limiter, 3)
    clock.now += 10.2
    decisions += await hits(limiter, 3)
    assert [d.allowed for d in decisions] == [True, True, True, False, False, False]
    assert [d.first_refusal for d in decisions] == [False, False, False, True, False, False]
    assert [d.count for d in decisions] == [1, 2, 3, 4, 5, 6]
    assert decisions[3].retry_after_s == 50  # ceil(60 - 10.2)


async def test_memory_window_resets_and_senders_and_channels_are_separate() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(1, 60, clock=clock)
    assert (await limiter.hit("rest", "u1")).allowed
    assert not (await limiter.hit("rest", "u1")).allowed
    assert (await limiter.hit("rest", "u2")).allowed
    assert (await limiter.hit("socketio", "u1")).allowed
    clock.now += 60
    assert (await limiter.hit("rest", "u1")) == RateDecision(True, 1, 60, False)


async def test_memory_keeps_at_most_max_keys_senders() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(1, 60, max_keys=3, clock=clock)
    for number in range(5):
        await limiter.hit("rest", f"u{number}")
    assert len(limiter._windows) == 3
    assert (await limiter.hit("rest", "u0")).allowed  # forgotten, so counted afresh


async def test_memory_prunes_expired_windows_first() -> None:
    clock = Clock()
    limiter = MemoryRateLimiter(1, 60, max_keys=2, clock=clock)
    await limiter.hit("rest", "old")
    clock.now += 61
    await limiter.hit("rest", "a")
    await limiter.hit("rest", "b")
    assert sender_key("rest", "old") not in limiter._windows
    assert not (await limiter.hit("rest", "a")).allowed


def test_keys_hash_the_sender() -> None:
    key = sender_key("twilio", "+15125550142")
    assert key.startswith("twilio:") and "5550142" not in key and len(key) == len("twilio:") + 32
    assert sender_key("twilio", "+15125550142") == key != sender_key("rest", "+15125550142")


@pytest.mark.parametrize(
    "values, kind",
    [
        ({"rate_limit_messages": 0}, NoRateLimit),
        ({}, MemoryRateLimiter),
        ({"rate_limit_redis_url": "  "}, MemoryRateLimiter),
        ({"rate_limit_redis_url": REDIS_URL}, RedisRateLimiter),
    ],
)
def test_the_settings_choose_the_limiter(values: dict, kind: type) -> None:
    assert isinstance(build_rate_limiter(GuardSettings(_env_file=None, **values)), kind)


def test_settings_defaults_and_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    defaults = GuardSettings(_env_file=None)
    assert (
        defaults.max_message_chars,
        defaults.rest_max_body_bytes,
        defaults.rate_limit_messages,
        defaults.rate_limit_window_s,
        defaults.rate_limit_redis_url,
    ) == (2000, 65536, 20, 60, None)
    assert defaults.channel_intents == {"greet", "request_human"}
    monkeypatch.setenv("RATE_LIMIT_MESSAGES", "5")
    monkeypatch.setenv("RATE_LIMIT_WINDOW_S", "10")
    monkeypatch.setenv("MAX_MESSAGE_CHARS", "300")
    monkeypatch.setenv("GUARD_CHANNEL_INTENTS", " greet , request_human,")
    read = GuardSettings(_env_file=None)
    assert (read.rate_limit_messages, read.rate_limit_window_s, read.max_message_chars) == (5, 10, 300)
    assert read.channel_intents == {"greet", "request_human"}
    monkeypatch.setenv("RATE_LIMIT_WINDOW_S", "0")
    with pytest.raises(ValueError, match="at least 1"):
        GuardSettings(_env_file=None)


async def test_no_limit_allows_everything() -> None:
    assert all(d.allowed for d in await hits(NoRateLimit(), 1000))


# --- Redis --------------------------------------------------------------------------------------


@pytest.fixture
async def redis_prefix() -> AsyncIterator[str]:
    ensure_redis()
    prefix = f"test-ratelimit:{uuid.uuid4().hex}:"
    yield prefix
    client = redis_asyncio.Redis.from_url(REDIS_URL)
    keys = [key async for key in client.scan_iter(match=prefix + "*")]
    if keys:
        await client.delete(*keys)
    await client.close()


async def test_redis_counts_like_memory_and_expires_the_window(redis_prefix: str) -> None:
    limiter = RedisRateLimiter(REDIS_URL, 3, 2, prefix=redis_prefix)
    try:
        decisions = await hits(limiter, 5)
        assert [d.allowed for d in decisions] == [True, True, True, False, False]
        assert [d.first_refusal for d in decisions] == [False, False, False, True, False]
        assert 1 <= decisions[3].retry_after_s <= 2
        await asyncio.sleep(2.1)
        assert (await limiter.hit("rest", "u1")) == RateDecision(True, 1, 2, False)
    finally:
        await limiter.aclose()


async def test_redis_is_shared_between_replicas_and_keys_carry_no_sender(redis_prefix: str) -> None:
    first = RedisRateLimiter(REDIS_URL, 4, 60, prefix=redis_prefix)
    second = RedisRateLimiter(REDIS_URL, 4, 60, prefix=redis_prefix)
    try:
        await hits(first, 2, sender="+15125550142")
        await hits(second, 2, sender="+15125550142")
        assert not (await first.hit("rest", "+15125550142")).allowed
        assert (await second.hit("rest", "+15125550143")).allowed
        client = redis_asyncio.Redis.from_url(REDIS_URL)
        keys = sorted([key.decode() async for key in client.scan_iter(match=redis_prefix + "*")])
        ttl = await client.ttl(keys[0])
        await client.close()
        assert len(keys) == 2 and not any("5550142" in key for key in keys)
        assert 0 < ttl <= 60
    finally:
        await first.aclose()
        await second.aclose()


async def test_redis_counting_is_atomic_under_concurrency(redis_prefix: str) -> None:
    limiters = [RedisRateLimiter(REDIS_URL, 20, 60, prefix=redis_prefix) for _ in range(3)]
    try:
        decisions = await asyncio.gather(*(limiters[n % 3].hit("socketio", "burst") for n in range(60)))
        assert sum(d.allowed for d in decisions) == 20
        assert sum(d.first_refusal for d in decisions) == 1
        assert sorted(d.count for d in decisions) == list(range(1, 61))
    finally:
        for limiter in limiters:
            await limiter.aclose()


async def test_redis_down_lets_messages_through_and_warns_once(caplog: pytest.LogCaptureFixture) -> None:
    limiter = RedisRateLimiter(f"redis://127.0.0.1:{free_port()}/0", 1, 60)
    try:
        with caplog.at_level(logging.WARNING, logger="channels.ratelimit"):
            decisions = await hits(limiter, 3)
        assert all(d.allowed for d in decisions)
        assert caplog.text.count("Rate limits are not enforced: Redis is unreachable") == 1
    finally:
        await limiter.aclose()
