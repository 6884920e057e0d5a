"""Delivering queued new-case notifications: a signed webhook to the firm's CRM and/or an e-mail.

The action server calls ``Notifier.kick()`` right after creating a case, so the firm hears at once;
the agent desk process runs ``Notifier.run()`` as the sweeper that retries failures. Delivery is
at-least-once: a receiver may see a notification twice and should drop duplicates by the
``X-Handoff-Delivery`` header (see ``services.signing`` for the whole webhook contract).
Failed notifications are retried with exponential backoff capped at RETRY_MAX_S, forever; they are
never dropped. Logs name the case reference and attempt, never the secret or the taxpayer's data.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import random
from typing import Callable, Optional, Set

import aiohttp

from services.mailer import send_case_email
from services.signing import signature_headers
from settings.assistant import Settings
from store.outbox import Outbox
from store.records import NOTIFY_EMAIL, NOTIFY_WEBHOOK, Notification
from store.tables import utcnow

logger = logging.getLogger(__name__)

LEASE = dt.timedelta(seconds=60)
BATCH_SIZE = 20
JITTER = 0.10
NOT_CONFIGURED = "not configured"
NOT_CONFIGURED_RETRY_S = 60.0
MAX_ERROR_CHARS = 500


def backoff_s(attempts: int, base_s: float, max_s: float, jitter: float = JITTER) -> float:
    """Seconds to wait after a failure, given how many attempts had failed before it.

    ``min(base_s * 2 ** attempts, max_s)`` plus up to ``jitter`` of that, so workers spread out.
    """
    delay = min(base_s * 2 ** min(attempts, 40), max_s)
    return delay * (1 + jitter * random.random())


def _describe(exc: BaseException) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return text[:MAX_ERROR_CHARS]


class Notifier:
    """Sends due notifications from the outbox, retrying failures with backoff."""

    def __init__(
        self,
        outbox: Outbox,
        settings: Settings,
        session: Optional[aiohttp.ClientSession] = None,
        clock: Callable[[], dt.datetime] = utcnow,
    ) -> None:
        """Set up a notifier.

        Args:
            outbox: where notifications are queued.
            settings: webhook, SMTP and retry settings.
            session: an HTTP session to reuse; when None one is created on first use and closed
                by ``close()``.
            clock: the current time, timezone-aware (tests pass a fake one).
        """
        self._outbox = outbox
        self._settings = settings
        self._session = session
        self._owns_session = session is None
        self._clock = clock
        self._tasks: Set[asyncio.Task] = set()

    async def deliver_due(self) -> int:
        """Claim the notifications that are due and deliver them; returns how many were delivered."""
        batch = await asyncio.to_thread(self._outbox.claim_due, self._clock(), self._lease(), BATCH_SIZE)
        if not batch:
            return 0
        results = await asyncio.gather(*(self._deliver(item) for item in batch), return_exceptions=True)
        for item, result in zip(batch, results, strict=True):
            if isinstance(result, BaseException):
                # Most likely the database; the lease expires and the row is claimed again.
                logger.error("Notification %d: could not record the outcome: %s", item.id, _describe(result))
        return sum(1 for result in results if result is True)

    async def run(self, interval_s: float = 2.0, stop: Optional[asyncio.Event] = None) -> None:
        """Deliver due notifications every ``interval_s`` seconds until ``stop`` is set; never raises."""
        stop = stop or asyncio.Event()
        while not stop.is_set():
            try:
                await self.deliver_due()
            except Exception as exc:  # noqa: BLE001 - the sweeper must keep going
                logger.error("Delivering notifications failed (retrying in %.1f s): %s", interval_s, _describe(exc))
            try:
                await asyncio.wait_for(stop.wait(), timeout=interval_s)
            except asyncio.TimeoutError:
                pass

    def kick(self) -> None:
        """Deliver due notifications now, in the background of the running event loop."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            logger.warning("Notifier.kick() called without a running event loop; the sweeper will deliver")
            return
        task = loop.create_task(self.deliver_due())
        self._tasks.add(task)  # keep a reference, or the task may be garbage-collected mid-flight
        task.add_done_callback(self._kicked_done)

    async def close(self) -> None:
        """Wait for kicked deliveries, then close the HTTP session if this notifier created it."""
        if self._tasks:
            await asyncio.gather(*list(self._tasks), return_exceptions=True)
        if self._owns_session and self._session is not None and not self._session.closed:
            await self._session.close()
        if self._owns_session:
            self._session = None

    def _kicked_done(self, task: asyncio.Task) -> None:
        self._tasks.discard(task)
        error = None if task.cancelled() else task.exception()
        if error is not None:
            logger.error("Background delivery failed: %s", _describe(error))

    def _lease(self) -> dt.timedelta:
        # The lease must outlast the slowest delivery, or another worker could send it again.
        return max(LEASE, dt.timedelta(seconds=2 * self._settings.webhook_timeout_s + 10))

    def _configured(self, kind: str) -> bool:
        settings = self._settings
        if kind == NOTIFY_WEBHOOK:
            return bool(
                settings.handoff_webhook_url
                and settings.handoff_webhook_secret
                and settings.handoff_webhook_secret.get_secret_value()
            )
        if kind == NOTIFY_EMAIL:
            return bool(settings.smtp_host and settings.smtp_from and settings.onduty_email)
        return False

    async def _deliver(self, item: Notification) -> bool:
        reference = item.payload.get("reference", "?")
        if not self._configured(item.kind):
            wait_s = min(NOT_CONFIGURED_RETRY_S, self._settings.retry_max_s)
            retry_at = self._clock() + dt.timedelta(seconds=wait_s)
            await asyncio.to_thread(self._outbox.postpone, item.id, NOT_CONFIGURED, retry_at)
            logger.warning(
                "%s notification %d for case %s: %s; kept for later", item.kind, item.id, reference, NOT_CONFIGURED
            )
            return False
        try:
            if item.kind == NOTIFY_WEBHOOK:
                error = await self._post(item)
            else:
                await asyncio.to_thread(send_case_email, self._settings, item.payload)
                error = None
        except Exception as exc:  # noqa: BLE001 - any failure is retried
            error = _describe(exc)
        attempt = item.attempts + 1
        if error is None:
            await asyncio.to_thread(self._outbox.mark_delivered, item.id, self._clock())
            logger.info("Delivered %s notification %d for case %s (attempt %d)", item.kind, item.id, reference, attempt)
            return True
        delay = backoff_s(item.attempts, self._settings.retry_base_s, self._settings.retry_max_s)
        retry_at = self._clock() + dt.timedelta(seconds=delay)
        await asyncio.to_thread(self._outbox.mark_failed, item.id, error, retry_at)
        logger.warning(
            "%s notification %d for case %s failed (attempt %d), retrying in %.0f s: %s",
            item.kind,
            item.id,
            reference,
            attempt,
            delay,
            error,
        )
        return False

    async def _post(self, item: Notification) -> Optional[str]:
        """POST a signed webhook; returns None when delivered, else what went wrong."""
        settings = self._settings
        assert settings.handoff_webhook_url and settings.handoff_webhook_secret  # checked by _configured
        body = json.dumps(item.payload, separators=(",", ":"), sort_keys=True).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "X-Handoff-Delivery": str(item.id),
            "X-Handoff-Event": str(item.payload.get("event", "")),
            **signature_headers(settings.handoff_webhook_secret.get_secret_value(), body, self._clock().timestamp()),
        }
        if self._session is None:
            self._session = aiohttp.ClientSession()
        timeout = aiohttp.ClientTimeout(total=settings.webhook_timeout_s)
        async with self._session.post(
            str(settings.handoff_webhook_url), data=body, headers=headers, timeout=timeout, allow_redirects=False
        ) as response:
            if response.status // 100 == 2:
                return None
            return f"HTTP {response.status}"
