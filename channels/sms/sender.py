"""Sends SMS through Twilio's Messages API in background tasks, in order, with retries.

``enqueue`` returns at once: the webhook never waits for Twilio and never fails because of it.
Messages to one number go out one after another in the order they were queued; failures are
retried with exponential backoff (network errors, HTTP 429 and 5xx only) and then logged, with the
phone number and message SID masked. The auth token is never logged.

Usage::

    sender = TwilioSender(account_sid, auth_token, "+15125550100", may_send=allowed)
    sender.enqueue("+15125550142", "Hello")
    await sender.drain(timeout_s=10)   # e.g. on shutdown
    await sender.aclose()
"""

from __future__ import annotations

import asyncio
import logging
from typing import Awaitable, Callable, Dict, Optional, Set

import aiohttp

from channels.sms.render import mask_phone

logger = logging.getLogger(__name__)

DEFAULT_API_BASE_URL = "https://api.twilio.com"
DEFAULT_ATTEMPTS = 3
DEFAULT_BACKOFF_S = 1.0
DEFAULT_TIMEOUT_S = 15.0


class SendFailed(Exception):
    """One attempt failed; ``retry`` says whether another attempt may succeed."""

    def __init__(self, detail: str, retry: bool) -> None:
        super().__init__(detail)
        self.retry = retry


def mask_sid(sid: str) -> str:
    """A message SID for logs: its prefix and last four characters (``SM…1f2e``)."""
    return f"{sid[:2]}…{sid[-4:]}" if len(sid) > 8 else "…"


class TwilioSender:
    """Queues and sends messages from one Twilio number."""

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        from_number: str,
        api_base_url: str = DEFAULT_API_BASE_URL,
        *,
        may_send: Optional[Callable[[str], Awaitable[bool]]] = None,
        attempts: int = DEFAULT_ATTEMPTS,
        backoff_s: float = DEFAULT_BACKOFF_S,
        timeout_s: float = DEFAULT_TIMEOUT_S,
    ) -> None:
        """Args:
        account_sid: the Twilio account (``AC…``).
        auth_token: its auth token (basic-auth password).
        from_number: the Twilio number messages come from (E.164).
        api_base_url: Twilio's API, or a local fake in tests.
        may_send: asked before every send unless forced; False drops the message.
        attempts: tries per message; the waits between them are backoff_s, 2 * backoff_s, …
        timeout_s: per HTTP request.
        """
        self._url = f"{api_base_url.rstrip('/')}/2010-04-01/Accounts/{account_sid}/Messages.json"
        self._auth = aiohttp.BasicAuth(account_sid, auth_token)
        self._from = from_number
        self._may_send = may_send
        self._attempts = max(1, attempts)
        self._backoff_s = backoff_s
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)
        self._session: Optional[aiohttp.ClientSession] = None
        self._tasks: Set[asyncio.Task[None]] = set()  # strong references until done
        self._tails: Dict[str, asyncio.Task[None]] = {}  # last queued task per number

    def enqueue(self, to: str, body: str, force: bool = False) -> asyncio.Task[None]:
        """Send ``body`` to ``to`` in the background, after anything queued for ``to`` before.

        Args:
            to: the recipient (E.164).
            body: the text, at most 1,600 characters (see ``channels.sms.render.split_message``).
            force: skip ``may_send`` (only for the confirmation of an opt-out).
        """
        previous = self._tails.get(to)
        task = asyncio.get_running_loop().create_task(self._deliver(previous, to, body, force))
        self._tasks.add(task)
        self._tails[to] = task
        task.add_done_callback(lambda done: self._forget(to, done))
        return task

    def _forget(self, to: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._tails.get(to) is task:
            del self._tails[to]

    @property
    def pending(self) -> int:
        """How many messages are queued or being sent."""
        return len(self._tasks)

    async def drain(self, timeout_s: Optional[float] = None) -> None:
        """Wait until every queued message is sent or has failed (at most ``timeout_s``)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout_s)

    async def aclose(self) -> None:
        """Close the HTTP session (queued messages still running will fail and be logged)."""
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _deliver(self, previous: Optional[asyncio.Task[None]], to: str, body: str, force: bool) -> None:
        if previous is not None:
            await asyncio.wait({previous})
        try:
            if not force and self._may_send is not None and not await self._may_send(to):
                logger.info("Dropped an SMS to %s: the number opted out", mask_phone(to))
                return
            await self._send_with_retries(to, body)
        except Exception:  # a background task must never die with an unlogged error
            logger.exception("Unexpected error sending an SMS to %s", mask_phone(to))

    async def _send_with_retries(self, to: str, body: str) -> None:
        for attempt in range(1, self._attempts + 1):
            try:
                sid = await self._post(to, body)
                logger.debug("Sent SMS %s to %s", mask_sid(sid), mask_phone(to))
                return
            except SendFailed as failure:
                if not failure.retry or attempt == self._attempts:
                    logger.error(
                        "Could not send an SMS to %s after %d attempt(s): %s", mask_phone(to), attempt, failure
                    )
                    return
                logger.warning("SMS to %s failed (%s), retrying", mask_phone(to), failure)
            await asyncio.sleep(self._backoff_s * 2 ** (attempt - 1))

    async def _post(self, to: str, body: str) -> str:
        """One POST to the Messages API; returns the message SID."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=self._timeout)
        form = {"To": to, "From": self._from, "Body": body}
        try:
            async with self._session.post(self._url, data=form, auth=self._auth) as response:
                payload = await _json(response)
                if response.status in (200, 201):
                    return str(payload.get("sid") or "")
                # Twilio's error body has "code" (e.g. 21610: the number opted out at Twilio) and a
                # "message" that may quote the phone number, so only the code is logged.
                detail = f"HTTP {response.status}, Twilio error {payload.get('code', 'unknown')}"
                raise SendFailed(detail, retry=response.status == 429 or response.status >= 500)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise SendFailed(type(error).__name__, retry=True) from None


async def _json(response: aiohttp.ClientResponse) -> dict:
    try:
        payload = await response.json(content_type=None)
    except (ValueError, aiohttp.ClientError):
        return {}
    return payload if isinstance(payload, dict) else {}
