"""A durable local spool for intakes the case store could not take, and its replay into the store.

When the database is down at submit time, ``action_submit_case`` keeps the taxpayer's lead here
instead of losing it. The spool is one JSON-lines file (default ``var/case-spool-<hash of
DATABASE_URL>.jsonl``, mode 600), rewritten atomically (temporary file, fsync, rename) under an
exclusive ``flock`` on a sidecar lock file, so the action server and the agent desk may both add and
replay on the same machine. Replay creates each case with the store's idempotent ``create`` (keyed
by the intake), so a case replayed twice, or one the store took after all, is stored exactly once.
An entry the store refuses for good (not a connection problem) moves to ``<name>.rejected.jsonl``
for a person to look at. Identifiers a taxpayer typed into a free-text answer (an SSN as the "name")
are masked before anything is written.

No Rasa imports; logs name a hash of the intake key and counts, never the taxpayer's details.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import datetime as dt
import fcntl
import hashlib
import json
import logging
import os
import tempfile
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Callable, Dict, Iterable, Iterator, List, Optional, Sequence, Tuple

from store.records import Case, Consent, Intake, NewCase

logger = logging.getLogger(__name__)

FORMAT_VERSION = 1
Create = Callable[[NewCase], Tuple[Case, bool]]


def key_hash(key: str) -> str:
    """A short, stable stand-in for an intake key in logs (the key contains the sender id)."""
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:12]


def case_to_record(new: NewCase) -> Dict[str, Any]:
    """A NewCase as a JSON-ready dict (dates as ISO strings, amounts as strings)."""

    def plain(value: Any) -> Any:
        if isinstance(value, (dt.date, dt.datetime)):
            return value.isoformat()
        if isinstance(value, Decimal):
            return str(value)
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    return plain(dataclasses.asdict(new))


def record_to_case(record: Dict[str, Any]) -> NewCase:
    """The NewCase a :func:`case_to_record` dict describes."""
    intake = dict(record["intake"])
    consent = dict(intake.pop("consent"))
    consent["given_at"] = dt.datetime.fromisoformat(consent["given_at"])
    if intake.get("notice_date"):
        intake["notice_date"] = dt.date.fromisoformat(intake["notice_date"])
    if intake.get("amount_owed") is not None:
        intake["amount_owed"] = Decimal(intake["amount_owed"])
    values = {**record, "intake": Intake(consent=Consent(**consent), **intake)}
    if values.get("deadline"):
        values["deadline"] = dt.date.fromisoformat(values["deadline"])
    return NewCase(**values)


def mask_free_text(new: NewCase) -> NewCase:
    """``new`` with identifiers (SSN, bank and card numbers) masked in the answers typed freely.

    The contact details a pro needs (phone, e-mail) are parsed values and stay as they are.
    """
    from services.pii import mask_pii

    intake = new.intake
    masked = dataclasses.replace(
        intake,
        full_name=mask_pii(intake.full_name).text,
        contact_time=mask_pii(intake.contact_time).text if intake.contact_time else intake.contact_time,
    )
    return new if masked == intake else dataclasses.replace(new, intake=masked)


def is_transient(exc: BaseException) -> bool:
    """Whether ``exc`` says the store is unreachable now (worth retrying), not that the data is bad."""
    from sqlalchemy import exc as sa_exc

    if isinstance(
        exc,
        (
            sa_exc.OperationalError,
            sa_exc.InterfaceError,
            sa_exc.DisconnectionError,
            asyncio.TimeoutError,
            TimeoutError,
            ConnectionError,
        ),
    ):
        return True
    if isinstance(exc, sa_exc.DBAPIError) and exc.connection_invalidated:
        return True
    return isinstance(exc, OSError)


class CaseSpool:
    """Intakes waiting for the case store, in a private JSON-lines file."""

    def __init__(self, path: Path, mask: Callable[[NewCase], NewCase] = mask_free_text) -> None:
        """Use the spool file at ``path`` (created on the first ``add``).

        Args:
            path: the spool file; its directory is created (mode 700) when missing.
            mask: applied to each case before it is written (default: :func:`mask_free_text`); it
                must keep the contact details a pro needs.
        """
        self.path = Path(path)
        self.rejected_path = self.path.with_name(self.path.stem + ".rejected" + self.path.suffix)
        self._lock_path = self.path.with_name(self.path.name + ".lock")
        self._mask = mask

    def add(self, new: NewCase) -> bool:
        """Keep ``new`` until the store takes it; False when its intake is already spooled."""
        record = {
            "v": FORMAT_VERSION,
            "spooled_at": dt.datetime.now(dt.timezone.utc).isoformat(),
            "case": case_to_record(self._mask(new)),
        }
        with self._locked():
            records = self._read(self.path)
            if any(item["case"]["idempotency_key"] == new.idempotency_key for item in records):
                return False
            self._write(self.path, records + [record])
        logger.warning(
            "Case store unavailable: intake %s kept in the spool (%d waiting)",
            key_hash(new.idempotency_key),
            len(records) + 1,
        )
        return True

    def pending(self) -> List[NewCase]:
        """The spooled cases, oldest first."""
        if not self.path.exists():
            return []
        with self._locked():
            return [record_to_case(item["case"]) for item in self._read(self.path)]

    def __len__(self) -> int:
        return len(self.pending())

    def has_pending(self) -> bool:
        """A cheap check (no lock) whether anything may be waiting."""
        try:
            return self.path.stat().st_size > 0
        except FileNotFoundError:
            return False

    def remove(self, keys: Iterable[str]) -> None:
        """Drop the entries of these intake keys (the store has them)."""
        self._move(set(keys), None)

    def reject(self, keys: Iterable[str]) -> None:
        """Move the entries of these intake keys to the rejected file (the store refuses them)."""
        self._move(set(keys), self.rejected_path)

    def _move(self, keys: set, target: Optional[Path]) -> None:
        if not keys:
            return
        with self._locked():
            records = self._read(self.path)
            leaving = [item for item in records if item["case"]["idempotency_key"] in keys]
            if target is not None and leaving:
                self._write(target, self._read(target) + leaving)
            self._write(self.path, [item for item in records if item not in leaving])

    @contextlib.contextmanager
    def _locked(self) -> Iterator[None]:
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        descriptor = os.open(self._lock_path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(descriptor, fcntl.LOCK_EX)
            yield
        finally:
            os.close(descriptor)  # closing releases the lock

    @staticmethod
    def _read(path: Path) -> List[Dict[str, Any]]:
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    @staticmethod
    def _write(path: Path, records: Sequence[Dict[str, Any]]) -> None:
        """Replace ``path`` with ``records`` atomically: readers see the old file or the new one."""
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
        try:
            with os.fdopen(descriptor, "w", encoding="utf-8") as handle:  # mkstemp: mode 600
                for record in records:
                    handle.write(json.dumps(record, sort_keys=True, separators=(",", ":")) + "\n")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(temporary, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temporary)
            raise
        directory = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(directory)  # the rename itself survives a crash
        finally:
            os.close(directory)


@dataclass(frozen=True)
class Replayed:
    """What one replay did."""

    created: int = 0  # cases the store created from the spool
    existing: int = 0  # cases the store already had (replayed before, or stored late)
    rejected: int = 0  # entries the store refused for good
    left: int = 0  # entries still waiting (the store is still unreachable)


def replay(spool: CaseSpool, create: Create) -> Replayed:
    """Store the spooled cases, oldest first, with ``create``; stop at the first connection error.

    Call from a thread (``asyncio.to_thread``) in async code: ``create`` talks to the database.
    """
    waiting = spool.pending()
    done: List[str] = []
    refused: List[str] = []
    created = existing = 0
    for new in waiting:
        try:
            _, was_created = create(new)
        except Exception as exc:  # noqa: BLE001 - classified below, never raised to the sweeper
            if is_transient(exc):
                logger.warning(
                    "The case store is unreachable (%s): %d spooled intakes wait for the next sweep",
                    type(exc).__name__,
                    len(waiting) - len(done) - len(refused),
                )
                break
            logger.error(
                "Spooled intake %s refused by the case store (%s): moved to %s",
                key_hash(new.idempotency_key),
                type(exc).__name__,
                spool.rejected_path.name,
            )
            refused.append(new.idempotency_key)
            continue
        done.append(new.idempotency_key)
        created, existing = created + was_created, existing + (not was_created)
    spool.remove(done)
    spool.reject(refused)
    result = Replayed(created, existing, len(refused), len(waiting) - len(done) - len(refused))
    if done:
        logger.info(
            "Replayed the case spool: %d created, %d already stored, %d waiting",
            result.created,
            result.existing,
            result.left,
        )
    return result


async def replay_forever(
    spool: CaseSpool,
    create: Create,
    interval_s: float = 2.0,
    stop: Optional[asyncio.Event] = None,
    on_created: Callable[[], None] = lambda: None,
) -> None:
    """Replay the spool every ``interval_s`` seconds until ``stop`` is set; never raises.

    ``on_created`` is called after a replay that created cases (e.g. to deliver their
    notifications at once).
    """
    stop = stop or asyncio.Event()
    while not stop.is_set():
        try:
            if spool.has_pending() and (await asyncio.to_thread(replay, spool, create)).created:
                on_created()
        except Exception as exc:  # noqa: BLE001 - the sweeper must keep going
            logger.error("Replaying the case spool failed: %s", type(exc).__name__)
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stop.wait(), timeout=interval_s)
