"""New handoffs from Rasa's event broker: consume tracker events from RabbitMQ, react at once.

With ``RABBITMQ_URL`` set, Rasa's pika broker publishes every tracker event as JSON
(``{"sender_id": ..., "event": "slot", "name": ..., "value": ..., "timestamp": ...}``) to a
fanout exchange (``RABBITMQ_EXCHANGE``). The desk consumes a durable queue bound to it
(``RABBITMQ_QUEUE``: the queue endpoints.production.yml gives Rasa; both declare it alike) and
recognises a handoff in the events of ``action_submit_case``: the ``action`` event, then the
``slot`` event of ``case_reference`` (the case exists) and, within business hours on a chat that
can receive messages, a ``pause`` event (a pro should reply live). For each it kicks the
notification delivery and tells signed-in pros' browsers (:mod:`desk.hub`). The outbox sweep
stays as a slow safety net for anything missed (an outage, a restart).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, Mapping, Optional, Tuple

from yarl import URL

from store.records import Case

logger = logging.getLogger(__name__)

SUBMIT_ACTION = "action_submit_case"
CASE_SLOT = "case_reference"
MAX_BODY_BYTES = 1_000_000
PREFETCH = 50
RETRY_MAX_S = 30.0
RECONNECT_INTERVAL_S = 5.0
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{2,31}$")

BodyHandler = Callable[[bytes], Awaitable[None]]


class MalformedEvent(ValueError):
    """A broker message that is not a Rasa tracker event; the text never quotes the message."""


@dataclass(frozen=True)
class Handoff:
    """A conversation handed to the firm: ``live`` when the bot paused for a pro to reply."""

    sender_id: str
    reference: Optional[str]
    live: bool


def parse_event(body: bytes) -> Dict[str, Any]:
    """The tracker event in a broker message.

    Raises:
        MalformedEvent: unless the body is a JSON object with string ``sender_id`` and ``event``.
    """
    if len(body) > MAX_BODY_BYTES:
        raise MalformedEvent(f"larger than {MAX_BODY_BYTES} bytes")
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise MalformedEvent("not JSON") from None
    if not isinstance(event, dict):
        raise MalformedEvent("not a JSON object")
    for key in ("sender_id", "event"):
        if not isinstance(event.get(key), str) or not event[key]:
            raise MalformedEvent(f"no {key}")
    return event


class HandoffDetector:
    """Recognises handoffs in the ordered stream of tracker events of all conversations.

    Rasa logs an action as ``action`` followed by the events the action returned, so only a
    ``case_reference`` slot or ``pause`` that follows ``action_submit_case`` counts: the same slot
    set by "any update?" or a pause sent by the desk is not a handoff. Memory is bounded: a
    conversation is forgotten after ``ttl_s`` seconds or when ``max_senders`` are pending.
    """

    def __init__(
        self, ttl_s: float = 300.0, max_senders: int = 10_000, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self._ttl_s = ttl_s
        self._max = max_senders
        self._clock = clock
        # sender -> (reference seen so far, when action_submit_case ran)
        self._pending: OrderedDict[str, Tuple[Optional[str], float]] = OrderedDict()

    @property
    def pending(self) -> int:
        """Conversations inside ``action_submit_case`` whose handoff may still come."""
        return len(self._pending)

    def feed(self, event: Mapping[str, Any]) -> Optional[Handoff]:
        """Take one event (as :func:`parse_event` returns it); a :class:`Handoff` when it is one."""
        now = self._clock()
        self._forget_old(now)
        sender, kind = event["sender_id"], event["event"]
        if kind == "action":
            self._pending.pop(sender, None)
            if event.get("name") == SUBMIT_ACTION:
                self._pending[sender] = (None, now)
                self._trim()
            return None
        if sender not in self._pending:
            return None
        reference, started = self._pending[sender]
        if kind == "slot" and event.get("name") == CASE_SLOT:
            value = event.get("value")
            if reference is None and isinstance(value, str) and _REFERENCE.match(value):
                self._pending[sender] = (value, started)
                return Handoff(sender, value, live=False)
            return None
        if kind == "pause":
            del self._pending[sender]
            return Handoff(sender, reference, live=True)
        if kind in ("user", "restart", "session_started"):
            del self._pending[sender]
        return None

    def _forget_old(self, now: float) -> None:
        while self._pending:
            sender, (_, started) = next(iter(self._pending.items()))
            if now - started <= self._ttl_s:
                break
            del self._pending[sender]

    def _trim(self) -> None:
        while len(self._pending) > self._max:
            self._pending.popitem(last=False)


class HandoffRelay:
    """What the desk does per broker message: detect, kick delivery, notify browsers."""

    def __init__(
        self,
        detector: HandoffDetector,
        kick: Callable[[], None],
        publish: Callable[[Dict[str, Any]], Any],
        lookup: Callable[[str], Awaitable[Optional[Case]]],
    ) -> None:
        """Wire the relay.

        Args:
            detector: keeps the per-conversation state between events.
            kick: starts delivering due notifications now (``Notifier.kick``).
            publish: sends a notice to signed-in pros (``EventHub.publish``).
            lookup: the case of a reference (to add priority and status), or None.
        """
        self._detector = detector
        self._kick = kick
        self._publish = publish
        self._lookup = lookup
        # Handoffs are handled one at a time, in arrival order: a case's "live" notice must not
        # overtake its "handed to the firm" notice while the latter waits for the database.
        self._order = asyncio.Lock()
        self.handled = 0
        self.malformed = 0

    async def handle_body(self, body: bytes) -> Optional[Handoff]:
        """Handle one broker message; malformed ones are logged (without content) and dropped."""
        try:
            # Parsing and detection run before the first await: messages are fed in the order
            # aio-pika delivered them even though each one is handled in its own task.
            handoff = self._detector.feed(parse_event(body))
        except MalformedEvent as exc:
            self.malformed += 1
            logger.warning("Ignored a broker message that is not a tracker event (%d bytes): %s", len(body), exc)
            return None
        self.handled += 1
        if handoff is not None:
            await self.handle(handoff)
        return handoff

    async def handle(self, handoff: Handoff) -> None:
        """Kick the notification delivery and push a notice to the pros' browsers."""
        async with self._order:
            await self._handle(handoff)

    async def _handle(self, handoff: Handoff) -> None:
        logger.info("Handoff of case %s from the broker (live: %s)", handoff.reference or "?", handoff.live)
        try:
            self._kick()
        except Exception:
            logger.exception("Kicking the notification delivery failed")
        notice: Dict[str, Any] = {
            "type": "handoff",
            "reference": handoff.reference,
            "live": handoff.live,
            "priority": None,
            "status": None,
            "language": None,
        }
        if handoff.reference:
            try:
                case = await self._lookup(handoff.reference)
            except Exception as exc:  # noqa: BLE001 - the notice goes out without details
                logger.warning("Looking up case %s failed: %s", handoff.reference, type(exc).__name__)
                case = None
            if case is not None:
                notice.update(priority=case.priority, status=case.status, language=case.intake.language)
        self._publish(notice)


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
