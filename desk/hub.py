"""Live notifications for signed-in pros: one in-process hub fanning out to server-sent events.

The broker relay (:mod:`desk.broker.relay`) publishes a notice per handoff; every open ``/events``
stream has its own bounded queue, so a slow browser drops old notices instead of holding memory.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
from typing import Any, AsyncIterator, Dict, Optional, Set

logger = logging.getLogger(__name__)

QUEUE_SIZE = 50
MAX_SUBSCRIBERS = 500


class HubClosed(RuntimeError):
    """The hub was closed (the desk is stopping): streams should end."""


class Subscription:
    """One browser's queue of notices; iterate with :meth:`next`."""

    def __init__(self, hub: EventHub) -> None:
        self._hub = hub
        self._queue: asyncio.Queue[Optional[Dict[str, Any]]] = asyncio.Queue(QUEUE_SIZE)

    def offer(self, notice: Optional[Dict[str, Any]]) -> None:
        """Queue a notice (None ends the stream); when full, drop the oldest one."""
        if self._queue.full():
            with contextlib.suppress(asyncio.QueueEmpty):
                self._queue.get_nowait()
        self._queue.put_nowait(notice)

    async def next(self, timeout_s: float) -> Optional[Dict[str, Any]]:
        """The next notice, or None when nothing came within ``timeout_s`` seconds.

        Raises:
            HubClosed: when the hub closed.
        """
        if self._hub.closed and self._queue.empty():
            raise HubClosed()
        try:
            notice = await asyncio.wait_for(self._queue.get(), timeout=timeout_s)
        except asyncio.TimeoutError:
            return None
        if notice is None:
            raise HubClosed()
        return notice


class EventHub:
    """Fan-out of JSON notices to every open event stream of this desk process."""

    def __init__(self) -> None:
        self._subscribers: Set[Subscription] = set()
        self.closed = False
        self.published = 0

    @property
    def subscribers(self) -> int:
        """How many streams are open."""
        return len(self._subscribers)

    def publish(self, notice: Dict[str, Any]) -> int:
        """Send a notice to every open stream; returns how many streams got it."""
        self.published += 1
        if self.closed:
            return 0
        for subscription in list(self._subscribers):
            subscription.offer(notice)
        return len(self._subscribers)

    @contextlib.asynccontextmanager
    async def subscribe(self) -> AsyncIterator[Subscription]:
        """Open a stream's queue for the duration of the ``async with`` block.

        Raises:
            HubClosed: when the desk is stopping or too many streams are open.
        """
        if self.closed or len(self._subscribers) >= MAX_SUBSCRIBERS:
            raise HubClosed()
        subscription = Subscription(self)
        self._subscribers.add(subscription)
        try:
            yield subscription
        finally:
            self._subscribers.discard(subscription)

    def close(self) -> None:
        """End every open stream (called before the server stops, so shutdown need not wait)."""
        self.closed = True
        for subscription in list(self._subscribers):
            subscription.offer(None)


def sse_frame(event: str, data: Dict[str, Any]) -> str:
    """A server-sent event: ``event: <name>`` and one ``data:`` line of compact JSON."""
    # json.dumps never emits a raw newline, so one data line is always enough.
    return f"event: {event}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"
