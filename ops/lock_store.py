"""A Redis ticket lock for Rasa whose every step is one atomic Redis script.

Rasa's ``RedisLockStore`` reads the whole ticket list, changes it in Python and writes it back
(RasaHQ/rasa#9213): two replicas that issue a ticket at the same moment can both believe they
are served, so two turns of one conversation run together and its events interleave. Here the
queue of one conversation lives in Redis itself and each operation (take a ticket, check whether
it is at the head, give it back) is a Lua script, which Redis runs atomically.

Tickets are served first come, first served. A replica that dies while holding or waiting for a
ticket stops renewing it; the ticket then expires after ``ticket_ttl_s`` and the next one is
served. The holder renews its ticket in the background, so a long turn (a slow action) never
loses the lock while it is still running. In endpoints.yml::

    lock_store:
      type: ops.lock_store.AtomicRedisLockStore
      url: ${REDIS_URL}                  # redis://127.0.0.1:6379/1
      key_prefix: ${LOCK_KEY_PREFIX}     # optional, letters and digits
      ticket_ttl_s: 30                   # optional
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from typing import AsyncGenerator, Optional

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig
from redis import asyncio as redis_asyncio

logger = logging.getLogger(__name__)

DEFAULT_URL = "redis://127.0.0.1:6379/1"
DEFAULT_PREFIX = "taxbot"
DEFAULT_TICKET_TTL_S = 30.0
POLL_INTERVAL_S = 0.02

# All scripts take KEYS = [next ticket counter, queue (sorted set), expiry times (hash)].
# Time comes from the Redis server so replicas with skewed clocks agree on expiry.
_NOW = "local t = redis.call('TIME') local now = t[1] * 1000 + math.floor(t[2] / 1000) "
_KEEP_KEYS = "for _, key in ipairs(KEYS) do redis.call('PEXPIRE', key, ARGV[2] * 4) end "

ISSUE = (
    _NOW
    + """
local ticket = redis.call('INCR', KEYS[1])
redis.call('ZADD', KEYS[2], ticket, ticket)
redis.call('HSET', KEYS[3], ticket, now + ARGV[2])
"""
    + _KEEP_KEYS
    + "return ticket"
)

# Returns 1 when ARGV[1] is served, 0 while others are ahead, -1 when the ticket expired.
ACQUIRE = (
    _NOW
    + """
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then return -1 end
redis.call('HSET', KEYS[3], ARGV[1], now + ARGV[2])
"""
    + _KEEP_KEYS
    + """
while true do
  local head = redis.call('ZRANGE', KEYS[2], 0, 0)[1]
  if head == nil then return -1 end
  if head == ARGV[1] then return 1 end
  local expires = tonumber(redis.call('HGET', KEYS[3], head))
  if expires ~= nil and expires >= now then return 0 end
  redis.call('ZREM', KEYS[2], head)
  redis.call('HDEL', KEYS[3], head)
end
"""
)

# Renews a held ticket; 0 when it is gone (it expired and may have been served to someone else).
RENEW = (
    _NOW
    + """
if redis.call('HEXISTS', KEYS[3], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[3], ARGV[1], now + ARGV[2])
"""
    + _KEEP_KEYS
    + "return 1"
)

# Gives a ticket back; the keys go when nobody else waits (the counter may restart then).
RELEASE = """
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if redis.call('ZCARD', KEYS[2]) == 0 then redis.call('DEL', KEYS[1], KEYS[2], KEYS[3]) end
return 1
"""


class AtomicRedisLockStore(LockStore):
    """Per-conversation FIFO ticket lock in Redis, safe across replicas (see module docstring)."""

    def __init__(
        self,
        endpoint_config: Optional[EndpointConfig] = None,
        *,
        url: Optional[str] = None,
        key_prefix: Optional[str] = None,
        ticket_ttl_s: Optional[float] = None,
    ) -> None:
        """Args:
        endpoint_config: the ``lock_store`` entry of endpoints.yml (how Rasa builds it).
        url: Redis URL (overrides the endpoint's ``url``).
        key_prefix: prefix of every key, letters and digits only.
        ticket_ttl_s: how long a ticket lives without renewal (a dead replica's turn).
        """
        kwargs = dict(endpoint_config.kwargs) if endpoint_config else {}
        self.url = url or (endpoint_config.url if endpoint_config else None) or DEFAULT_URL
        prefix = key_prefix or kwargs.get("key_prefix") or DEFAULT_PREFIX
        if not re.fullmatch(r"[A-Za-z0-9]+", str(prefix)):
            raise ValueError(f"lock_store key_prefix must be letters and digits, got {prefix!r}")
        self.key_prefix = f"{prefix}:lock"
        ttl = float(ticket_ttl_s or kwargs.get("ticket_ttl_s") or DEFAULT_TICKET_TTL_S)
        if ttl <= 0:
            raise ValueError("lock_store ticket_ttl_s must be positive")
        self.ticket_ttl_ms = int(ttl * 1000)
        self._client: Optional[redis_asyncio.Redis] = None
        self._client_loop: Optional[asyncio.AbstractEventLoop] = None
        super().__init__()

    def _redis(self) -> redis_asyncio.Redis:
        # One client per event loop: a client's connections belong to the loop that opened them.
        loop = asyncio.get_running_loop()
        if self._client is None or self._client_loop is not loop:
            self._client = redis_asyncio.Redis.from_url(self.url)
            self._client_loop = loop
        return self._client

    def _keys(self, conversation_id: str) -> list:
        # The braces keep one conversation's keys in one slot on a Redis Cluster.
        base = f"{self.key_prefix}:{{{conversation_id}}}"
        return [f"{base}:next", f"{base}:queue", f"{base}:expires"]

    async def _run(self, script: str, conversation_id: str, ticket: int = 0) -> int:
        return int(await self._redis().eval(script, 3, *self._keys(conversation_id), ticket, self.ticket_ttl_ms))

    async def issue(self, conversation_id: str) -> int:
        """Take the next ticket for a conversation."""
        return await self._run(ISSUE, conversation_id)

    async def is_served(self, conversation_id: str, ticket: int) -> Optional[bool]:
        """Whether the ticket is at the head of the queue (None: it expired and is gone)."""
        state = await self._run(ACQUIRE, conversation_id, ticket)
        return None if state < 0 else bool(state)

    async def release(self, conversation_id: str, ticket: int) -> None:
        """Give a ticket back (served or not)."""
        await self._run(RELEASE, conversation_id, ticket)

    async def waiting(self, conversation_id: str) -> int:
        """How many tickets of a conversation are queued, the served one included."""
        return int(await self._redis().zcard(self._keys(conversation_id)[1]))

    async def _renew_while_held(self, conversation_id: str, ticket: int) -> None:
        interval = self.ticket_ttl_ms / 3000
        while True:
            await asyncio.sleep(interval)
            try:
                if not await self._run(RENEW, conversation_id, ticket):
                    logger.error("Lock ticket %s of a conversation expired while its turn ran", ticket)
                    return
            except Exception:  # Redis briefly away: keep trying until the turn ends
                logger.warning("Could not renew a conversation lock ticket", exc_info=True)

    async def _acquire(self, conversation_id: str, wait_s: float) -> int:
        ticket = await self.issue(conversation_id)
        while True:
            served = await self.is_served(conversation_id, ticket)
            if served:
                return ticket
            if served is None:  # our ticket expired while waiting (a stalled loop): queue again
                logger.warning("A waiting lock ticket expired; taking a new one")
                ticket = await self.issue(conversation_id)
            await asyncio.sleep(wait_s)

    @contextlib.asynccontextmanager
    async def lock(
        self, conversation_id: str, lock_lifetime: float = 0, wait_time_in_seconds: float = POLL_INTERVAL_S
    ) -> AsyncGenerator[TicketLock, None]:
        """Hold the conversation's lock for the block; waits for earlier tickets first.

        Args:
            conversation_id: the conversation (sender id).
            lock_lifetime: ignored; tickets live ``ticket_ttl_s`` and are renewed while held.
            wait_time_in_seconds: ignored above ``POLL_INTERVAL_S`` (Rasa passes 1 s, which
                would add up to a second to every queued message).
        """
        try:
            ticket = await self._acquire(conversation_id, min(wait_time_in_seconds, POLL_INTERVAL_S))
        except Exception as exc:
            raise LockError(f"Could not lock the conversation: {exc}") from exc
        renewer = asyncio.create_task(self._renew_while_held(conversation_id, ticket))
        try:
            yield TicketLock(conversation_id)
        finally:
            renewer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await renewer
            try:
                await self.release(conversation_id, ticket)
            except Exception:  # the ticket then expires after ticket_ttl_s
                logger.warning("Could not release a conversation lock ticket", exc_info=True)

    def get_lock(self, conversation_id: str) -> Optional[TicketLock]:
        """Not used: the queue lives in Redis and is only read through :meth:`lock`."""
        raise NotImplementedError("AtomicRedisLockStore keeps its tickets in Redis; use lock()")

    def save_lock(self, lock: TicketLock) -> None:
        """Not used (see :meth:`get_lock`)."""
        raise NotImplementedError("AtomicRedisLockStore keeps its tickets in Redis; use lock()")

    def delete_lock(self, conversation_id: str) -> None:
        """Not used (see :meth:`get_lock`)."""
        raise NotImplementedError("AtomicRedisLockStore keeps its tickets in Redis; use lock()")

    async def close(self) -> None:
        """Close the Redis connections (tests; Rasa never calls it)."""
        if self._client is not None:
            await self._client.close()
            self._client = None
