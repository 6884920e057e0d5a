"""Asks the case store, without blocking the event loop, whether a number may be texted.

The store's calls run in a worker thread. This process also remembers the last state it saw per
number, and falls back to it when the database fails: a STOP received during an outage is still
honoured here. A number the process knows nothing about counts as opted out for sending (never
text someone who may have said STOP) but not for receiving.

Usage::

    guard = OptOutGuard(lambda: OptOutRepository(get_database(settings.database_url)))
    if not await guard.is_opted_out(phone, when_unknown=True):
        ...  # send
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import threading
from typing import Callable, Dict, Optional, Protocol

from channels.sms.render import mask_phone
from store.tables import utcnow

logger = logging.getLogger(__name__)
MAX_KNOWN = 100_000


class OptOutStore(Protocol):
    """What the guard needs from ``store.optouts.OptOutRepository``."""

    def opt_out(self, phone: str, keyword: str, now: dt.datetime) -> bool:
        """Record an opt-out; True when the number was not opted out before."""

    def opt_in(self, phone: str, keyword: str, now: dt.datetime) -> bool:
        """Record an opt-in; True when the number was opted out until now."""

    def is_opted_out(self, phone: str) -> bool:
        """True when the number opted out and has not opted back in."""


class OptOutGuard:
    """Opt-out reads and writes for the Twilio channel, off the event loop."""

    def __init__(self, store_factory: Callable[[], OptOutStore]) -> None:
        """Args:
        store_factory: creates the store on first use (it may connect and migrate).
        """
        self._factory = store_factory
        self._store: Optional[OptOutStore] = None
        self._store_lock = threading.Lock()
        self._known: Dict[str, bool] = {}  # last state seen per number: True = opted out

    def _get_store(self) -> OptOutStore:
        with self._store_lock:
            if self._store is None:
                self._store = self._factory()
            return self._store

    def _remember(self, phone: str, opted_out: bool) -> None:
        self._known.pop(phone, None)
        self._known[phone] = opted_out
        if len(self._known) > MAX_KNOWN:  # forget the number seen longest ago
            del self._known[next(iter(self._known))]

    async def is_opted_out(self, phone: str, when_unknown: bool) -> bool:
        """Whether ``phone`` opted out.

        Args:
            phone: the number.
            when_unknown: the answer when the database fails and this process has not seen the
                number's state (True before sending, False for inbound messages).
        """
        try:
            opted_out = await asyncio.to_thread(lambda: self._get_store().is_opted_out(phone))
        except Exception:
            logger.exception("Could not read the SMS opt-out of %s", mask_phone(phone))
            return self._known.get(phone, when_unknown)
        self._remember(phone, opted_out)
        return opted_out

    async def opt_out(self, phone: str, keyword: str) -> bool:
        """Record an opt-out. Returns True when the number was not opted out before."""
        was_opted_out = self._known.get(phone)
        self._remember(phone, True)  # honoured in this process even if the write fails
        try:
            return await asyncio.to_thread(lambda: self._get_store().opt_out(phone, keyword, utcnow()))
        except Exception:
            logger.exception("Could not store the SMS opt-out of %s (honoured by this process only)", mask_phone(phone))
            return was_opted_out is not True

    async def opt_in(self, phone: str, keyword: str) -> bool:
        """Record an opt-in. Returns True when the number was opted out until now."""
        was_opted_out = self._known.get(phone)
        self._remember(phone, False)
        try:
            return await asyncio.to_thread(lambda: self._get_store().opt_in(phone, keyword, utcnow()))
        except Exception:
            logger.exception("Could not store the SMS opt-in of %s (honoured by this process only)", mask_phone(phone))
            return was_opted_out is True
