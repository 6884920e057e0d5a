"""Consuming Rasa's tracker events from RabbitMQ: the desk's durable queue on Rasa's fanout exchange."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Awaitable, Callable, Optional

from yarl import URL

logger = logging.getLogger(__name__)

PREFETCH = 50
RETRY_MAX_S = 30.0
RECONNECT_INTERVAL_S = 5.0

BodyHandler = Callable[[bytes], Awaitable[None]]


class BrokerConsumer:
    """Consumes Rasa's fanout exchange through a durable queue of the desk's own.

    ``start()`` returns at once: connecting happens in the background and is retried with backoff
    (the desk serves while RabbitMQ is down). Once connected, aio-pika's robust connection
    reconnects and restores the exchange, queue, binding and consumer by itself. Every message is
    acknowledged after its handler returned, failed or not: the outbox sweep is the safety net.
    """

    def __init__(
        self,
        url: str,
        exchange: str,
        queue: str,
        handler: BodyHandler,
        connect: Optional[Callable[..., Awaitable[Any]]] = None,
        retry_max_s: float = RETRY_MAX_S,
    ) -> None:
        """Set up (nothing connects until :meth:`start`).

        Args:
            url: ``amqp://<user>:<password>@<host>:<port>/<vhost>`` (never logged).
            exchange: Rasa's exchange (``exchange_name`` of the pika broker).
            queue: the desk's own durable queue.
            handler: called with each message body.
            connect: ``aio_pika.connect_robust`` or a fake with the same shape (tests).
            retry_max_s: the longest wait between failed connection attempts.
        """
        self._url = url
        self._exchange = exchange
        self._queue = queue
        self._handler = handler
        self._connect = connect
        self._retry_max_s = retry_max_s
        self._task: Optional[asyncio.Task] = None
        self._connection: Any = None
        self.ready = asyncio.Event()
        self.attempts = 0

    def start(self) -> None:
        """Connect and consume in the background of the running loop."""
        self._task = asyncio.get_running_loop().create_task(self._run())

    async def close(self) -> None:
        """Stop consuming and close the connection (messages not yet acked are redelivered)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task
        await self._close_connection()
        self.ready.clear()

    async def _run(self) -> None:
        while True:
            self.attempts += 1
            try:
                await self._set_up()
                logger.info(
                    "Consuming tracker events from RabbitMQ (exchange %r, queue %r)", self._exchange, self._queue
                )
                return
            except asyncio.CancelledError:
                raise
            except Exception as exc:  # noqa: BLE001 - any failure: log, wait, try again
                await self._close_connection()
                delay = min(2.0 ** min(self.attempts - 1, 10), self._retry_max_s)
                logger.warning(
                    "RabbitMQ is unavailable (%s); new cases are still found by the outbox sweep; retrying in %.0f s",
                    self._describe(exc),
                    delay,
                )
                await asyncio.sleep(delay)

    async def _set_up(self) -> None:
        import aio_pika

        connect = self._connect or aio_pika.connect_robust
        self._connection = await connect(self._url, reconnect_interval=RECONNECT_INTERVAL_S)
        channel = await self._connection.channel()
        await channel.set_qos(prefetch_count=PREFETCH)
        # Exactly Rasa's declarations (a non-durable fanout exchange, a durable queue without
        # arguments): whoever comes first creates them, and any difference would make RabbitMQ
        # refuse the other one. Bound the queue's length with a RabbitMQ policy, not arguments.
        exchange = await channel.declare_exchange(self._exchange, aio_pika.ExchangeType.FANOUT)
        queue = await channel.declare_queue(self._queue, durable=True)
        await queue.bind(exchange)
        await queue.consume(self._on_message)
        self.ready.set()

    async def _on_message(self, message: Any) -> None:
        try:
            await self._handler(message.body)
        except Exception as exc:  # noqa: BLE001 - never requeue: it would fail again, forever
            logger.error("Handling a broker message failed: %s", type(exc).__name__)
        finally:
            try:
                await message.ack()
            except Exception as exc:  # noqa: BLE001 - channel gone: RabbitMQ redelivers it
                logger.warning("Could not acknowledge a broker message: %s", type(exc).__name__)

    def _describe(self, exc: BaseException) -> str:
        text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        password = URL(self._url).password if "://" in self._url else None
        if password:
            text = text.replace(password, "******")
        return text[:200]

    async def _close_connection(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None:
            with contextlib.suppress(Exception):
                await connection.close()
