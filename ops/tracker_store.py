"""Rasa's SQL tracker store, made to wait out a database outage instead of losing turns.

Rasa wraps every tracker store in ``FailSafeTrackerStore``: when the database fails, a save goes
to process memory (and is lost from the database for good) and a read returns no tracker, so the
conversation silently starts over. This store retries reads and writes with backoff for up to
``retry_s`` seconds (default 90 s: a database restart or a minute-long outage) before giving up,
so a turn during an outage is delayed, not lost. The database work runs in a worker thread so
the other conversations' turns go on meanwhile.

It hands Rasa a bounded tracker (``ops.tracker_window``): the session's state plus its last
``keep_turns`` user turns, so a turn costs the same at message 1,000 as at message 10; the state at
the cut is kept per conversation in a small cache (a checkpoint) and moved forward turn by turn.
``retrieve_full_tracker`` (the HTTP API's ``/conversations/<id>/tracker``, exports) still returns
every event, and every event is stored.

It masks sensitive numbers (SSNs, bank and card numbers) left in user messages before they are
stored or published, and publishes to the event broker exactly the events it committed, after the commit (Rasa's
own store publishes first, by comparing with a fresh read, so a failed commit leaves the broker
ahead of the database).

In endpoints.yml::

    tracker_store:
      type: ops.tracker_store.DurableSQLTrackerStore
      url: ${TRACKER_STORE_URL}      # sqlite:///var/tracker.db or postgresql://user@host/db
      retry_s: 90                    # optional
      keep_turns: 4                  # optional; 0 hands Rasa the whole session as Rasa's own store does
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections import OrderedDict
from typing import Any, Callable, Dict, List, Optional, Tuple, TypeVar

import sqlalchemy as sa
from rasa.core.brokers.broker import EventBroker
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY
from sqlalchemy import exc as sa_exc
from sqlalchemy.engine import Engine

from ops.tracker_window import DEFAULT_KEEP_TURNS, Checkpoint, checkpoint, cut_index, session_head, starts_session
from services.pii import mask_pii

logger = logging.getLogger(__name__)

DEFAULT_RETRY_S = 90.0
FIRST_BACKOFF_S = 0.25
MAX_BACKOFF_S = 5.0
CONNECT_TIMEOUT_S = 5
MAX_CHECKPOINTS = 10_000  # conversations whose checkpoint is remembered (a few kB each)
# Set on a tracker this store built or saved: how many of its events are stored (or stand for
# stored ones), so a save appends exactly the events after them.
STORED_EVENTS = "_durable_stored_events"
T = TypeVar("T")
Rows = List[Tuple[int, Dict[str, Any]]]


def is_outage(error: BaseException) -> bool:
    """Whether a database error means "not reachable right now" (worth waiting for)."""
    if isinstance(error, (sa_exc.OperationalError, sa_exc.InterfaceError)):
        return True
    return isinstance(error, sa_exc.DBAPIError) and bool(error.connection_invalidated)


class DurableSQLTrackerStore(SQLTrackerStore):
    """An SQL tracker store that waits for the database and publishes after commit."""

    engine: Engine  # Rasa's, replaced in __init__ by one that pings before use

    def __init__(
        self,
        domain: Optional[Domain] = None,
        host: Optional[str] = None,
        event_broker: Optional[EventBroker] = None,
        retry_s: Any = DEFAULT_RETRY_S,
        keep_turns: Any = DEFAULT_KEEP_TURNS,
        **kwargs: Any,
    ) -> None:
        """Args:
        domain: the assistant's domain.
        host: an SQLAlchemy URL (Rasa passes the endpoint's ``url`` here).
        event_broker: where committed events are published.
        retry_s: how long a read or write waits for an unreachable database.
        keep_turns: user turns of the session handed to Rasa with its state (0: all of them).
        **kwargs: the rest of the endpoint entry (dialect, db, … as for ``type: sql``).
        """
        if not host:
            raise ValueError("tracker_store url is empty: set TRACKER_STORE_URL (e.g. sqlite:///var/tracker.db)")
        super().__init__(domain=domain, host=host, event_broker=event_broker, **kwargs)
        self.retry_s = float(retry_s)
        self.keep_turns = int(keep_turns)
        self._checkpoints: OrderedDict[str, Checkpoint] = OrderedDict()
        self._checkpoint_domain: Optional[Domain] = None
        # Rasa's engine keeps dead connections after a database restart; ping before use, and do
        # not let a connection attempt hang when the server is unreachable.
        url = self.engine.url
        engine_kwargs: Dict[str, Any] = {**create_engine_kwargs(url), "pool_pre_ping": True}
        if url.get_backend_name() == "postgresql":
            connect_args = dict(engine_kwargs.get("connect_args", {}))
            connect_args.setdefault("connect_timeout", CONNECT_TIMEOUT_S)
            engine_kwargs["connect_args"] = connect_args
        elif url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            # SQLAlchemy 1.4 opens a new SQLite connection per session by default; keep a few
            # (each turn's read and write run in worker threads, hence check_same_thread).
            engine_kwargs.update(
                poolclass=sa.pool.QueuePool, pool_size=4, max_overflow=4, connect_args={"check_same_thread": False}
            )
        self.engine.dispose()
        self.engine = sa.create_engine(url, **engine_kwargs)
        if url.get_backend_name() == "sqlite":
            sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def _patiently(self, what: str, work: Callable[[], T]) -> T:
        """Run database work in a thread, retrying while the database is unreachable."""
        deadline = time.monotonic() + self.retry_s
        backoff = FIRST_BACKOFF_S
        while True:
            try:
                return await asyncio.to_thread(work)
            except sa_exc.DBAPIError as error:
                remaining = deadline - time.monotonic()
                if not is_outage(error) or remaining <= 0:
                    raise
                pause = min(backoff, remaining)
                logger.warning(
                    "Tracker store unreachable during %s; retrying in %.2f s (%s)",
                    what,
                    pause,
                    type(error.orig).__name__ if error.orig else error,
                )
                await asyncio.sleep(pause)
                backoff = min(backoff * 2, MAX_BACKOFF_S)

    async def _retrieve(self, sender_id: str, fetch_events_from_all_sessions: bool) -> Optional[DialogueStateTracker]:
        if not fetch_events_from_all_sessions and self.keep_turns > 0:
            return await self._retrieve_window(sender_id)

        def read() -> List[Dict[str, Any]]:
            with self.session_scope() as session:
                rows = self._event_query(session, sender_id, fetch_events_from_all_sessions).all()
                return [json.loads(row.data) for row in rows]

        events = await self._patiently("a read", read)
        if not events or not self.domain:
            return None
        return self._tracker(sender_id, events)

    async def _retrieve_window(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The latest session's state and last turns (``ops.tracker_window``)."""
        if self.domain is not self._checkpoint_domain:  # a new model may have other slots
            self._checkpoints.clear()
            self._checkpoint_domain = self.domain
        known = self._checkpoints.get(sender_id)

        def read() -> Tuple[Optional[Checkpoint], Rows]:
            with self.session_scope() as session:
                if known is not None:
                    rows = self._rows(
                        session.query(self.SQLEvent)
                        .filter(self.SQLEvent.sender_id == sender_id, self.SQLEvent.id >= known.start_id)
                        .order_by(self.SQLEvent.id)
                    )
                    # The checkpoint holds while its first event is still there and no session began since.
                    if rows and rows[0][0] == known.start_id and not any(starts_session(e) for _, e in rows[1:]):
                        return known, rows
                return None, self._rows(self._event_query(session, sender_id, False))

        found, rows = await self._patiently("a read", read)
        if not rows or not self.domain:
            self._checkpoints.pop(sender_id, None)
            return None
        ids = [row_id for row_id, _ in rows]
        stored = [event for _, event in rows]
        # With a checkpoint: its prefix, then the events from its first kept one; else the session.
        head = list(found.head) if found else session_head(stored)
        prefix = list(found.prefix) if found else []
        events = prefix + stored
        cut = cut_index(events, self.keep_turns, earliest=len(prefix) if found else len(head))
        if cut is not None:
            found = checkpoint(sender_id, self.domain.slots, head, events[:cut], ids[cut - len(prefix)])
            events = list(found.prefix) + events[cut:]
        if found is not None:
            self._checkpoints[sender_id] = found
            self._checkpoints.move_to_end(sender_id)
            while len(self._checkpoints) > MAX_CHECKPOINTS:
                self._checkpoints.popitem(last=False)
        return self._tracker(sender_id, events)

    @staticmethod
    def _rows(query: Any) -> Rows:
        return [(row.id, json.loads(row.data)) for row in query.all()]

    def _tracker(self, sender_id: str, events: List[Dict[str, Any]]) -> DialogueStateTracker:
        assert self.domain is not None
        tracker = DialogueStateTracker.from_dict(sender_id, events, self.domain.slots)
        setattr(tracker, STORED_EVENTS, len(tracker.events))
        return tracker

    async def keys(self) -> List[str]:
        """All conversation ids in the store."""

        def read() -> List[str]:
            with self.session_scope() as session:
                return [sender for (sender,) in session.query(self.SQLEvent.sender_id).distinct()]

        return await self._patiently("listing conversations", read)

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Append the tracker's new events in one transaction, then publish exactly those."""

        stored: Optional[int] = getattr(tracker, STORED_EVENTS, None)
        events = list(tracker.events)

        def write() -> List[Dict[str, Any]]:
            with self.session_scope() as session:
                # A tracker this store handed out may be a window: its own count says what is new.
                fresh = events[stored:] if stored is not None else self._additional_events(session, tracker)
                new_events = [scrubbed(event) for event in fresh]
                for data in new_events:
                    session.add(self._row(tracker.sender_id, data))
                session.commit()
                return new_events

        committed = await self._patiently("a save", write)
        setattr(tracker, STORED_EVENTS, len(events))
        if self.event_broker is not None:
            for data in committed:
                self.event_broker.publish({"sender_id": tracker.sender_id, **data})

    def _row(self, sender_id: str, data: Dict[str, Any]) -> SQLTrackerStore.SQLEvent:
        intent = (data.get("parse_data") or {}).get("intent", {}).get(INTENT_NAME_KEY)
        return self.SQLEvent(
            sender_id=sender_id,
            type_name=data["event"],
            timestamp=data.get("timestamp"),
            intent_name=intent,
            action_name=data.get("name"),
            data=json.dumps(data),
        )


def _sqlite_pragmas(connection: Any, _: Any) -> None:
    """Write-ahead log: readers do not block the writer, and a commit needs no full sync
    (a power cut may lose the last turns, never corrupt the file)."""
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def scrubbed(event: Event) -> Dict[str, Any]:
    """The event as stored and published, with sensitive numbers masked in user messages.

    The channels already mask what users type (channels/guard.py); this second pass covers
    messages that reach Rasa another way (the HTTP API, a channel without the guard).
    """
    data = event.as_dict()
    if data.get("event") != "user":
        return data
    if isinstance(data.get("text"), str):
        data["text"] = mask_pii(data["text"]).text
    parse_data = data.get("parse_data")
    if isinstance(parse_data, dict) and isinstance(parse_data.get("text"), str):
        data["parse_data"] = {**parse_data, "text": mask_pii(parse_data["text"]).text}
    return data
