"""Reuse HTTP connections for Rasa's outgoing calls (custom actions above all).

Rasa 3.6 opens a new ``aiohttp.ClientSession``, and so a new TCP connection, for every request an
``EndpointConfig`` makes: every custom action pays for a connect, a session set-up and a close.
On loopback that is about 1 ms of the Rasa server's CPU per action (measured with the action
server's reply shape), out of about 36 ms per message under 10 concurrent conversations.

:func:`install` makes ``EndpointConfig.session()`` hand out one shared session per event loop and
configuration, which keeps connections alive. An idle connection is dropped by this side after
:data:`IDLE_S` seconds, before the action server's own keep-alive limit (Sanic closes idle
connections after 5 s), so a request never goes out on a connection the server is closing.
``ops.serve`` installs it and closes the sessions when the server stops.

The shared sessions write request bodies with ujson (already installed with Sanic) instead of the
standard library's encoder: each custom action sends the conversation's tracker, and encoding it was
3.5 % of the Rasa server's CPU at one conversation (py-spy); the JSON is the same data.
"""

from __future__ import annotations

import asyncio
from types import TracebackType
from typing import Any, Dict, Hashable, Optional, Tuple, Type

import aiohttp
import ujson
from rasa.utils import endpoints
from rasa.utils.endpoints import EndpointConfig

IDLE_S = 2.0
MAX_CONNECTIONS = 100

_SessionKey = Tuple[int, Hashable, Hashable, float]
_sessions: Dict[_SessionKey, Tuple[asyncio.AbstractEventLoop, aiohttp.ClientSession]] = {}


class BorrowedSession:
    """``async with`` over a shared session that leaves it open afterwards."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(
        self, kind: Optional[Type[BaseException]], error: Optional[BaseException], trace: Optional[TracebackType]
    ) -> None:
        return None


def shared_session(config: EndpointConfig) -> BorrowedSession:
    """The open session for this loop and the endpoint's headers, auth and timeout."""
    loop = asyncio.get_running_loop()
    headers = tuple(sorted((config.headers or {}).items()))
    auth = tuple(sorted((config.basic_auth or {}).items()))
    timeout = float(endpoints.DEFAULT_REQUEST_TIMEOUT)
    key = (id(loop), headers, auth, timeout)
    owner, session = _sessions.get(key, (None, None))
    if session is None or session.closed or owner is not loop:
        basic = config.basic_auth
        session = aiohttp.ClientSession(
            headers=config.headers,
            auth=aiohttp.BasicAuth(basic["username"], basic["password"]) if basic else None,
            timeout=aiohttp.ClientTimeout(total=timeout),
            connector=aiohttp.TCPConnector(limit=MAX_CONNECTIONS, keepalive_timeout=IDLE_S),
            json_serialize=ujson.dumps,
        )
        _sessions[key] = (loop, session)
    return BorrowedSession(session)


async def close_sessions() -> int:
    """Close every shared session of the running loop; returns how many were closed."""
    loop = asyncio.get_running_loop()
    mine = [key for key, (owner, _) in _sessions.items() if owner is loop]
    for key in mine:
        await _sessions.pop(key)[1].close()
    return len(mine)


def install() -> None:
    """Make every ``EndpointConfig`` reuse connections (idempotent)."""
    EndpointConfig.session = shared_session  # type: ignore[assignment]


def installed() -> bool:
    """Whether :func:`install` has run in this process."""
    return EndpointConfig.session is shared_session  # type: ignore[comparison-overlap]


def close_with_rasa(close_resources: Any) -> Any:
    """Wrap Rasa's ``after_server_stop`` listener so it also closes the shared sessions."""

    async def close_all(app: Any, loop: Any) -> None:
        try:
            await close_resources(app, loop)
        finally:
            await close_sessions()

    return close_all
