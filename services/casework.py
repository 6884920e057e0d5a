"""From intake answers to a stored case: building the record, opening the store lazily, notifying.

No Rasa imports. The store and the notifier are created on first use (never at import time) and
shared by every action of the process.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import logging
import time
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Callable, List, Mapping, Optional, Set, TypeVar

from services.case_spool import CaseSpool, is_transient, key_hash, replay, replay_forever
from services.dates import parse_iso
from services.triage import Triage
from settings.assistant import Settings
from store.records import EVENT_NOTE, STATUS_NEW, Case, Consent, Intake, NewCase

T = TypeVar("T")
logger = logging.getLogger(__name__)

# Each store attempt of a submit gets at least this long, even when the retry budget is nearly spent.
MIN_ATTEMPT_S = 1.0
FIRST_RETRY_DELAY_S = 0.25
MAX_RETRY_DELAY_S = 1.0

# Rasa channels that can deliver a message later, outside the user's own request (REST and the
# command line answer only inside the request).
PUSH_CHANNELS = frozenset(
    {
        "socketio",
        "callback",
        "twilio",
        "twilio_voice",
        "facebook",
        "messenger",
        "telegram",
        "slack",
        "botframework",
        "mattermost",
        "rocketchat",
        "webexteams",
        "hangouts",
    }
)


def chat_can_receive(channel: Optional[str]) -> bool:
    """Whether a pro's reply can be delivered later on this chat channel."""
    return channel in PUSH_CHANNELS


def _decimal(value: Any) -> Optional[Decimal]:
    if value in (None, ""):
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        return None


def _years(value: Any) -> List[int]:
    return [int(year) for year in (value or []) if str(year).isdigit()]


def consent_from_record(record: Mapping[str, Any]) -> Consent:
    """The consent record kept in the ``consent_record`` slot, as a store record."""
    given_at = dt.datetime.fromisoformat(record["given_at"])
    return Consent(
        wording=record["wording"],
        given_at=given_at,
        channel=record["channel"],
        contact_method=record["contact_method"],
    )


def consent_record(wording: str, channel: Optional[str], method: str, now: dt.datetime) -> dict:
    """What the ``consent_record`` slot keeps: exact wording, UTC time, chat channel, contact method."""
    return {
        "wording": wording,
        "given_at": now.astimezone(dt.timezone.utc).isoformat(),
        "channel": channel or "unknown",
        "contact_method": method,
    }


def new_case(slots: Mapping[str, Any], channel: str, sender_id: str, triage: Triage) -> NewCase:
    """The case to store from the form's slots (call only after consent and confirmation)."""
    intake = Intake(
        full_name=slots["full_name"],
        consent=consent_from_record(slots["consent_record"]),
        preferred_channel=slots["preferred_channel"],
        phone=slots.get("phone") or None,
        email=slots.get("email") or None,
        us_state=slots.get("us_state") or None,
        notice_codes=list(slots.get("notice_codes") or []),
        notice_date=parse_iso(slots.get("notice_date")),
        tax_years=_years(slots.get("tax_years")),
        amount_owed=_decimal(slots.get("amount_owed")),
        levy_active=slots.get("levy_active") or None,
        unfiled_returns=slots.get("unfiled_returns") or None,
        joint_filing=slots.get("joint_filing") or None,
        contact_time=slots.get("contact_time") or None,
        language="es" if slots.get("language") == "es" else "en",
    )
    return NewCase(
        idempotency_key=f"{channel}:{sender_id}:{slots['intake_id']}",
        channel=channel,
        sender_id=sender_id,
        priority=triage.priority,
        priority_reasons=list(triage.reasons),
        deadline=triage.deadline,
        intake=intake,
        status=STATUS_NEW,
    )


@functools.lru_cache(maxsize=4)
def case_repository(database_url: str, prefix: str):  # -> CaseRepository
    """The process-wide case repository for ``database_url`` (migrated on first use)."""
    from store.cases import CaseRepository
    from store.db import get_database

    return CaseRepository(get_database(database_url), reference_prefix=prefix)


async def in_store(settings: Settings, operation: Callable[[Any], T]) -> T:
    """Run ``operation(repository)`` in a worker thread.

    Opening the store (and migrating it, the first time) happens in that thread too, so the action
    server's event loop never waits on the database.
    """
    return await asyncio.to_thread(
        lambda: operation(case_repository(settings.database_url, settings.case_reference_prefix))
    )


async def add_case_note(settings: Settings, reference: str, body: str) -> None:
    """Add a note from the taxpayer's conversation to their case's event log."""
    await in_store(settings, lambda cases: cases.add_event(reference, EVENT_NOTE, "taxpayer", body))


_NOTIFIERS: dict = {}


def notifier(settings: Settings):  # -> Notifier
    """The process-wide notifier that delivers queued webhooks and e-mails."""
    if settings.database_url not in _NOTIFIERS:
        from services.delivery import Notifier
        from store.db import get_database
        from store.outbox import Outbox

        _NOTIFIERS[settings.database_url] = Notifier(Outbox(get_database(settings.database_url)), settings)
    return _NOTIFIERS[settings.database_url]


def case_spool(settings: Settings) -> CaseSpool:
    """The spool that keeps intakes while the case store is down (see ``Settings.spool_path``)."""
    return CaseSpool(settings.spool_path)


@dataclass(frozen=True)
class Submitted:
    """The outcome of :func:`submit_case`: a stored case, or an intake kept in the spool."""

    case: Optional[Case]
    created: bool = False

    @property
    def spooled(self) -> bool:
        """True when the store was down and the intake waits in the spool."""
        return self.case is None


async def submit_case(settings: Settings, new: NewCase) -> Submitted:
    """Store ``new`` (idempotently), retrying briefly while the store is down, else spool it.

    Retries last ``settings.case_store_retry_s`` seconds in all (plus at most one attempt's
    :data:`MIN_ATTEMPT_S`); the spool is replayed by the desk's sweeper and after the next
    successful submit, so an outage of any length loses nothing.

    Raises:
        Exception: only when the spool cannot be written either.
    """
    deadline = time.monotonic() + settings.case_store_retry_s
    delay = FIRST_RETRY_DELAY_S
    while True:
        try:
            case, created = await asyncio.wait_for(
                in_store(settings, lambda cases: cases.create(new, settings.notification_kinds)),
                timeout=max(deadline - time.monotonic(), MIN_ATTEMPT_S),
            )
        except Exception as exc:  # noqa: BLE001 - whatever failed, the lead goes to the spool
            failure = exc
        else:
            replay_soon(settings)
            return Submitted(case, created)
        if not is_transient(failure) or time.monotonic() + delay >= deadline:
            break
        await asyncio.sleep(delay)
        delay = min(delay * 2, MAX_RETRY_DELAY_S)
    logger.error(
        "Storing intake %s failed (%s); keeping it in the spool", key_hash(new.idempotency_key), type(failure).__name__
    )
    await asyncio.to_thread(case_spool(settings).add, new)
    return Submitted(None)


_REPLAYS: Set[asyncio.Task] = set()


def replay_soon(settings: Settings) -> None:
    """Replay the spool in the background when something waits in it (the store just worked)."""
    spool = case_spool(settings)
    if not spool.has_pending():
        return

    async def run() -> None:
        repository = await asyncio.to_thread(case_repository, settings.database_url, settings.case_reference_prefix)
        result = await asyncio.to_thread(replay, spool, lambda new: repository.create(new, settings.notification_kinds))
        if result.created and settings.notification_kinds:
            notifier(settings).kick()

    task = asyncio.get_running_loop().create_task(run())
    _REPLAYS.add(task)  # keep a reference until it ends
    task.add_done_callback(_replayed)


def _replayed(task: asyncio.Task) -> None:
    _REPLAYS.discard(task)
    if not task.cancelled() and task.exception() is not None:
        logger.error("Replaying the case spool failed: %s", type(task.exception()).__name__)


async def sweep_spool(
    settings: Settings,
    repository: Any,
    stop: asyncio.Event,
    on_created: Callable[[], None] = lambda: None,
    interval_s: float = 2.0,
) -> None:
    """Replay the spool into ``repository`` (a CaseRepository) every ``interval_s`` until ``stop``.

    The agent desk runs this beside its notification sweeper; it never raises.
    """
    await replay_forever(
        case_spool(settings),
        lambda new: repository.create(new, settings.notification_kinds),
        interval_s=interval_s,
        stop=stop,
        on_created=on_created,
    )
