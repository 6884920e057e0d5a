"""Which tracker events make a handoff: ``action_submit_case`` followed by its ``case_reference``
slot (the case exists) and, when a pro should reply live, a ``pause``."""

from __future__ import annotations

import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Callable, Mapping, Optional, Tuple

SUBMIT_ACTION = "action_submit_case"
CASE_SLOT = "case_reference"
_REFERENCE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{2,31}$")


@dataclass(frozen=True)
class Handoff:
    """A conversation handed to the firm: ``live`` when the bot paused for a pro to reply."""

    sender_id: str
    reference: Optional[str]
    live: bool


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
        """Take one event (as :func:`desk.broker.messages.parse_event` returns it); a Handoff when it is one."""
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
