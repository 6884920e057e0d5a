"""Rasa's RabbitMQ event broker, made to deliver what was published before a replica stops.

Rasa's ``PikaEventBroker.publish`` starts a background task per event and returns. On shutdown
(SIGTERM during a rolling update) Rasa closes the connection while those tasks still wait for
RabbitMQ's confirmation, so the last turn's events are committed to the tracker store but never
reach the queue. This broker waits for the pending publishes (up to ``flush_timeout_s``) before
closing, and says how many it could not deliver.

In endpoints.production.yml::

    event_broker:
      type: ops.event_broker.FlushingPikaEventBroker
      url: ${RABBITMQ_HOST}
      …                              # the rest as for ``type: pika``
      flush_timeout_s: 10            # optional
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Optional

import rasa.shared.core.events  # noqa: F401 (PikaEventBroker._publish uses it without importing it)
from rasa.core.brokers.pika import PikaEventBroker

logger = logging.getLogger(__name__)

DEFAULT_FLUSH_TIMEOUT_S = 10.0


class FlushingPikaEventBroker(PikaEventBroker):
    """A Pika event broker whose ``close`` first finishes the publishes under way."""

    def __init__(
        self, host: str, username: str, password: str, flush_timeout_s: Any = DEFAULT_FLUSH_TIMEOUT_S, **kwargs: Any
    ) -> None:
        """Args:
        host, username, password, **kwargs: as for Rasa's ``PikaEventBroker``.
        flush_timeout_s: how long ``close`` waits for publishes under way.
        """
        super().__init__(host, username, password, **kwargs)
        self.flush_timeout_s = float(flush_timeout_s)

    async def flush(self, timeout_s: Optional[float] = None) -> int:
        """Wait for the publishes under way; return how many are still pending or failed."""
        pending = {task for task in self._background_tasks if not task.done()}
        if pending:
            _, still_pending = await asyncio.wait(
                pending, timeout=self.flush_timeout_s if timeout_s is None else timeout_s
            )
            pending = still_pending
        return len(pending) + len(self._unpublished_events)

    async def close(self) -> None:
        """Finish the publishes under way, then close the connection."""
        undelivered = await self.flush()
        if undelivered:
            logger.error(
                "Closing the RabbitMQ connection with %d event(s) not published; the tracker store still has them",
                undelivered,
            )
        await super().close()
