"""Per-sender rate limits for the public channels: a fixed window counter, in memory or in Redis.

Each (channel, sender) may send ``limit`` messages per ``window_s`` seconds. The window starts
with the first message; later messages in it count up, and the one right after the limit is
flagged ``first_refusal`` so a channel can say "slow down" once per window instead of once per
message. Sender ids are hashed before they are used as keys (phone numbers stay out of Redis).

In memory the counts belong to one process; with ``RATE_LIMIT_REDIS_URL`` every replica shares
them through one atomic Lua script (INCR, and PEXPIRE on the first hit). When Redis is down the
limiter lets messages through and logs a warning: an outage must not silence the bot.

Usage::

    limiter = build_rate_limiter(get_guard_settings())
    decision = await limiter.hit("rest", "user-1")
    if not decision.allowed:
        ...  # answer 429 with Retry-After: decision.retry_after_s
"""

from __future__ import annotations

import hashlib
import logging
import math
import time
from dataclasses import dataclass
from typing import Any, Callable, Dict, Optional, Protocol, Tuple

from redis import asyncio as redis_asyncio
from redis.exceptions import RedisError

from channels.guard_settings import GuardSettings

logger = logging.getLogger(__name__)

DEFAULT_MAX_KEYS = 100_000
# A Redis outage is logged at most this often.
_WARN_EVERY_S = 60.0
_HIT_SCRIPT = """
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then
  redis.call('PEXPIRE', KEYS[1], ARGV[1])
  ttl = tonumber(ARGV[1])
end
return {count, ttl}
"""


@dataclass(frozen=True)
class RateDecision:
    """The verdict on one message."""

    allowed: bool
    count: int = 0
    retry_after_s: int = 0
    first_refusal: bool = False


ALLOWED = RateDecision(True)


class RateLimiter(Protocol):
    """Counts messages per (channel, sender)."""

    async def hit(self, channel: str, sender_id: str) -> RateDecision:
        """Count one message and say whether it may pass."""

    async def aclose(self) -> None:
        """Release connections."""


def sender_key(channel: str, sender_id: str) -> str:
    """The counter's key: the channel and a hash of the sender (no phone numbers in keys)."""
    digest = hashlib.sha256(sender_id.encode("utf-8", "surrogatepass")).hexdigest()[:32]
    return f"{channel}:{digest}"


def _decide(count: int, limit: int, remaining_s: float) -> RateDecision:
    return RateDecision(count <= limit, count, max(1, math.ceil(remaining_s)), count == limit + 1)


class NoRateLimit:
    """Lets everything through (``RATE_LIMIT_MESSAGES=0``)."""

    async def hit(self, channel: str, sender_id: str) -> RateDecision:
        """Always allowed."""
        return ALLOWED

    async def aclose(self) -> None:
        """Nothing to release."""


class MemoryRateLimiter:
    """Counts in this process's memory; at most ``max_keys`` senders are tracked at once."""

    def __init__(
        self,
        limit: int,
        window_s: float,
        *,
        max_keys: int = DEFAULT_MAX_KEYS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Args:
        limit: messages allowed per window.
        window_s: the window's length in seconds.
        max_keys: senders tracked at most (expired windows go first, then the oldest).
        clock: monotonic seconds (tests pass a fake).
        """
        self._limit, self._window_s, self._max_keys, self._clock = limit, window_s, max_keys, clock
        self._windows: Dict[str, Tuple[float, int]] = {}

    async def hit(self, channel: str, sender_id: str) -> RateDecision:
        """Count one message of the sender on the channel."""
        key, now = sender_key(channel, sender_id), self._clock()
        start, count = self._windows.get(key, (now, 0))
        if now - start >= self._window_s:
            start, count = now, 0
        if count == 0:
            self._windows.pop(key, None)  # re-insert: the dict stays ordered by window start
        self._windows[key] = (start, count + 1)
        if len(self._windows) > self._max_keys:
            self._prune(now)
        return _decide(count + 1, self._limit, start + self._window_s - now)

    async def aclose(self) -> None:
        """Nothing to release."""

    def _prune(self, now: float) -> None:
        for key in [k for k, (start, _) in self._windows.items() if now - start >= self._window_s]:
            del self._windows[key]
        while len(self._windows) > self._max_keys:
            del self._windows[next(iter(self._windows))]


class RedisRateLimiter:
    """Counts in Redis, shared by every replica; fails open when Redis cannot be reached."""

    def __init__(
        self,
        url: str,
        limit: int,
        window_s: float,
        *,
        prefix: str = "tax-assistant:ratelimit:",
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Args:
        url: ``redis://host:port/db`` (the client connects on first use, in the running loop).
        limit: messages allowed per window.
        window_s: the window's length in seconds.
        prefix: prefix of every key this limiter writes.
        clock: monotonic seconds, for spacing the outage warnings.
        """
        self._url, self._limit, self._window_ms, self._prefix = url, limit, int(window_s * 1000), prefix
        self._clock = clock
        self._client: Optional[redis_asyncio.Redis] = None
        self._script: Any = None  # redis' AsyncScript, registered with the client
        self._warned_at: Optional[float] = None

    async def hit(self, channel: str, sender_id: str) -> RateDecision:
        """Count one message in Redis (allowed without counting when Redis fails)."""
        if self._client is None:
            self._client = redis_asyncio.Redis.from_url(self._url, socket_timeout=2, socket_connect_timeout=2)
            self._script = self._client.register_script(_HIT_SCRIPT)
        try:
            count, ttl_ms = await self._script(
                keys=[self._prefix + sender_key(channel, sender_id)], args=[self._window_ms]
            )
        except (RedisError, OSError) as error:
            self._warn(error)
            return ALLOWED
        return _decide(int(count), self._limit, int(ttl_ms) / 1000)

    async def aclose(self) -> None:
        """Close the connection pool."""
        if self._client is not None:
            await self._client.close()
            await self._client.connection_pool.disconnect()
            self._client = None

    def _warn(self, error: Exception) -> None:
        now = self._clock()
        if self._warned_at is None or now - self._warned_at >= _WARN_EVERY_S:
            self._warned_at = now
            logger.warning("Rate limits are not enforced: Redis is unreachable (%s)", type(error).__name__)


def build_limiter(settings: GuardSettings, limit: int, window_s: float) -> RateLimiter:
    """A limiter of ``limit`` hits per ``window_s`` seconds, in Redis when the settings name one
    (the key says the limit, so limiters sharing Redis never share counters); 0: no limit."""
    if limit == 0:
        return NoRateLimit()
    if settings.rate_limit_redis_url:
        prefix = f"{settings.rate_limit_redis_prefix}{limit}-{int(window_s)}:"
        return RedisRateLimiter(settings.rate_limit_redis_url, limit, window_s, prefix=prefix)
    return MemoryRateLimiter(limit, window_s)


def build_rate_limiter(settings: GuardSettings) -> RateLimiter:
    """The limiter the settings ask for: none, in memory, or in Redis."""
    if settings.rate_limit_messages == 0:
        return NoRateLimit()
    if settings.rate_limit_redis_url:
        return RedisRateLimiter(
            settings.rate_limit_redis_url,
            settings.rate_limit_messages,
            settings.rate_limit_window_s,
            prefix=settings.rate_limit_redis_prefix,
        )
    return MemoryRateLimiter(settings.rate_limit_messages, settings.rate_limit_window_s)
