"""Background delivery of Messenger Send API requests, in order per recipient, with retries.

``submit`` returns at once: the requests go out from a task on the running event loop, so neither
a webhook nor Rasa's turn waits for (or fails because of) Facebook. Requests to one recipient keep
their order. A request that fails with a network error, a timeout, 429 or 5xx is retried (3
attempts, exponential backoff); a failure is logged with its Graph error but never with the page
access token, and the rest of that reply is dropped so the user never sees it out of order.

Use::

    graph = GraphSender(token, "https://graph.facebook.com/v18.0")
    graph.submit("PSID", [request_body(...), ...])   # inside the event loop
    await graph.close()                              # at shutdown: waits for pending sends
"""

from __future__ import annotations

import asyncio
import logging
from functools import partial
from typing import Any, Dict, List, Optional, Set, Tuple

import aiohttp

logger = logging.getLogger(__name__)

DEFAULT_GRAPH_API_BASE = "https://graph.facebook.com/v18.0"


class GraphSender:
    """Sends ``POST {api_base}/me/messages`` requests for one Facebook page."""

    def __init__(
        self,
        page_access_token: str,
        api_base: str = DEFAULT_GRAPH_API_BASE,
        attempts: int = 3,
        backoff_s: float = 0.5,
        timeout_s: float = 10.0,
    ) -> None:
        self._token = page_access_token
        self.url = f"{api_base.rstrip('/')}/me/messages"
        self.attempts, self.backoff_s, self.timeout_s = max(1, attempts), backoff_s, timeout_s
        self._session: Optional[aiohttp.ClientSession] = None
        self._tasks: Set[asyncio.Task[None]] = set()
        self._tails: Dict[str, asyncio.Task[None]] = {}

    def submit(self, recipient_id: str, bodies: List[Dict[str, Any]]) -> None:
        """Send ``bodies`` to ``recipient_id`` in the background, after earlier ones to them.

        Must be called from a coroutine (it needs the running event loop).
        """
        if not bodies:
            return
        previous = self._tails.get(recipient_id)
        task = asyncio.get_running_loop().create_task(self._deliver(recipient_id, bodies, previous))
        self._tails[recipient_id] = task
        self._tasks.add(task)
        task.add_done_callback(partial(self._finished, recipient_id))

    async def drain(self, timeout_s: Optional[float] = None) -> None:
        """Wait until every submitted request is sent or given up (or ``timeout_s`` passes)."""
        loop = asyncio.get_running_loop()
        deadline = None if timeout_s is None else loop.time() + timeout_s
        while self._tasks:
            remaining = None if deadline is None else deadline - loop.time()
            if remaining is not None and remaining <= 0:
                logger.warning("facebook: %d Messenger sends still pending", len(self._tasks))
                return
            await asyncio.wait(set(self._tasks), timeout=remaining)

    async def close(self, timeout_s: float = 10.0) -> None:
        """Finish pending sends (up to ``timeout_s``), then close the HTTP session."""
        await self.drain(timeout_s)
        if self._session is not None:
            await self._session.close()
            self._session = None

    def _finished(self, recipient_id: str, task: asyncio.Task[None]) -> None:
        self._tasks.discard(task)
        if self._tails.get(recipient_id) is task:
            del self._tails[recipient_id]

    async def _deliver(
        self, recipient_id: str, bodies: List[Dict[str, Any]], previous: Optional[asyncio.Task[None]]
    ) -> None:
        if previous is not None:
            await asyncio.wait({previous})  # order only: its outcome does not matter here
        for index, body in enumerate(bodies):
            if not await self._send_with_retry(recipient_id, body):
                if index + 1 < len(bodies):
                    logger.error(
                        "facebook: dropped the %d remaining part(s) of this reply to %s",
                        len(bodies) - index - 1,
                        _masked(recipient_id),
                    )
                return

    async def _send_with_retry(self, recipient_id: str, body: Dict[str, Any]) -> bool:
        for attempt in range(1, self.attempts + 1):
            ok, retryable, detail = await self._post(body)
            if ok:
                return True
            if not retryable or attempt == self.attempts:
                logger.error(
                    "facebook: Messenger send to %s failed after %d attempt(s): %s",
                    _masked(recipient_id),
                    attempt,
                    detail,
                )
                return False
            delay = self.backoff_s * 2 ** (attempt - 1)
            logger.warning(
                "facebook: Messenger send to %s failed (%s); retrying in %.2f s", _masked(recipient_id), detail, delay
            )
            await asyncio.sleep(delay)
        return False

    async def _post(self, body: Dict[str, Any]) -> Tuple[bool, bool, str]:
        """One attempt: (sent, worth retrying, what went wrong)."""
        try:
            async with self._http().post(self.url, params={"access_token": self._token}, json=body) as response:
                if response.status == 200:
                    return True, False, ""
                detail = await _graph_error(response)
                return False, response.status == 429 or response.status >= 500, detail
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            # aiohttp errors can quote the URL, which holds the token: log the type only.
            return False, True, type(error).__name__

    def _http(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=self.timeout_s))
        return self._session


async def _graph_error(response: aiohttp.ClientResponse) -> str:
    """``HTTP 400, Graph error 10/2018278: message`` from a failed Send API response."""
    try:
        error = (await response.json(content_type=None) or {}).get("error") or {}
    except (ValueError, AttributeError, aiohttp.ClientError):
        error = {}
    if not isinstance(error, dict) or not error:
        return f"HTTP {response.status}"
    code = "/".join(str(error[key]) for key in ("code", "error_subcode") if error.get(key))
    return f"HTTP {response.status}, Graph error {code}: {str(error.get('message', ''))[:200]}"


def _masked(psid: str) -> str:
    """A PSID for logs: its last four characters only (SMS numbers are masked the same way)."""
    return "…" + psid[-4:] if len(psid) > 4 else "…"
