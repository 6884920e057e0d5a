"""A fake Rasa HTTP API on a loopback port: checks the desk's JWT, records calls, serves trackers."""

from __future__ import annotations

import asyncio
import socket
import time
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set

import jwt
from aiohttp import web


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Call:
    """One request the desk made."""

    method: str
    sender_id: str
    endpoint: str  # "tracker", "events" or "execute"
    query: Dict[str, str]
    body: Any


@dataclass
class FakeRasa:
    """Answers like Rasa 3.6 with ``--enable-api --jwt-secret … --jwt-method HS256``.

    Set ``fail_status`` to make every request fail with that HTTP status (``fail_events``: only
    posted events of these names), ``trackers[sender]``
    to a list of events to serve, and read ``calls`` to see what the desk did.
    """

    secret: str
    calls: List[Call] = field(default_factory=list)
    trackers: Dict[str, List[Dict[str, Any]]] = field(default_factory=dict)
    paused: Dict[str, bool] = field(default_factory=dict)
    fail_status: Optional[int] = None
    fail_events: Set[str] = field(default_factory=set)  # posted event names answered with 500
    auth_failures: int = 0
    delay_s: float = 0.0
    url: str = ""
    _runner: Optional[web.AppRunner] = None

    def _authorised(self, request: web.Request) -> bool:
        header = request.headers.get("Authorization", "")
        if not header.startswith("Bearer "):
            return False
        try:
            payload = jwt.decode(header[7:], self.secret, algorithms=["HS256"])
        except jwt.PyJWTError:
            return False
        user = payload.get("user") or {}
        return user.get("role") == "admin" and payload.get("exp", 0) > time.time()

    async def _handle(self, request: web.Request) -> web.Response:
        if not self._authorised(request):
            self.auth_failures += 1
            return web.json_response({"message": "unauthorised"}, status=401)
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        sender = request.match_info["sender"]
        endpoint = request.match_info.get("endpoint", "tracker")
        body = await request.json() if request.can_read_body else None
        self.calls.append(Call(request.method, sender, endpoint, dict(request.query), body))
        events = body if isinstance(body, list) else [body]
        if self.fail_status or (endpoint == "events" and any(e.get("event") in self.fail_events for e in events)):
            return web.json_response({"message": "failing on purpose"}, status=self.fail_status or 500)
        if endpoint == "events":
            for event in events:
                if event.get("event") in ("pause", "resume"):
                    self.paused[sender] = event["event"] == "pause"
                self.trackers.setdefault(sender, []).append({**event, "timestamp": time.time()})
        return web.json_response(self.tracker(sender))

    def tracker(self, sender: str) -> Dict[str, Any]:
        """The tracker as Rasa's API returns it."""
        return {
            "sender_id": sender,
            "paused": self.paused.get(sender, False),
            "events": self.trackers.get(sender, []),
            "slots": {},
            "latest_message": {},
        }

    def posted(self, endpoint: str, sender: Optional[str] = None) -> List[Call]:
        """The POST calls to ``endpoint`` (events or execute), optionally for one sender."""
        return [
            c
            for c in self.calls
            if c.method == "POST" and c.endpoint == endpoint and (sender is None or c.sender_id == sender)
        ]

    async def start(self) -> FakeRasa:
        """Listen on a free loopback port; ``url`` is set."""
        app = web.Application()
        app.router.add_get("/conversations/{sender}/tracker", self._handle)
        app.router.add_post("/conversations/{sender}/tracker/{endpoint:events}", self._handle)
        app.router.add_post("/conversations/{sender}/{endpoint:execute}", self._handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        port = free_port()
        await web.TCPSite(self._runner, "127.0.0.1", port).start()
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def stop(self) -> None:
        """Stop listening."""
        if self._runner is not None:
            await self._runner.cleanup()
