"""What the desk does with each broker message: detect a handoff, kick the notification delivery,
tell the signed-in pros' browsers."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Dict, Optional

from desk.broker.detector import Handoff, HandoffDetector
from desk.broker.messages import MalformedEvent, parse_event
from store.records import Case

logger = logging.getLogger(__name__)


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
