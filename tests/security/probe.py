"""Small clients for the attacker-style suite (tests/security/attack.py): loopback only.

Every request goes through :class:`Probe`, which refuses any host that is not a loopback address
and counts the requests, so the suite's closing note can say how many it sent.
"""

from __future__ import annotations

import asyncio
import ipaddress
import json
import socket
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any, Dict, List, Optional, Tuple

import socketio


class NotLoopback(ValueError):
    """The suite only ever talks to this machine."""


def loopback_only(url: str) -> str:
    """``url`` when its host is a loopback address or ``localhost``; raises otherwise."""
    host = urllib.parse.urlsplit(url).hostname or ""
    if host != "localhost":
        try:
            if not ipaddress.ip_address(host).is_loopback:
                raise NotLoopback(url)
        except ValueError:
            raise NotLoopback(url) from None
    return url.rstrip("/")


@dataclass
class Reply:
    """An HTTP answer (status 0: the connection was dropped)."""

    status: int
    headers: Dict[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


class Probe:
    """Counts requests; HTTP with urllib, raw bytes with a socket, socket.io with python-socketio."""

    def __init__(self) -> None:
        self.requests = 0

    def http(
        self,
        url: str,
        body: Optional[bytes] = None,
        headers: Optional[Dict[str, str]] = None,
        method: Optional[str] = None,
    ) -> Reply:
        """One request; HTTP errors are answers too."""
        self.requests += 1
        request = urllib.request.Request(loopback_only(url), data=body, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return Reply(response.status, dict(response.headers), response.read())
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read())
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return Reply(0, {}, b"")

    def rest(self, rasa: str, sender: str, message: str, **extra: Any) -> Reply:
        """A REST channel message."""
        body = json.dumps({"sender": sender, "message": message, **extra}).encode()
        return self.http(f"{rasa}/webhooks/rest/webhook", body, {"Content-Type": "application/json"})

    def raw(self, url: str, request_head: bytes, body: bytes = b"") -> int:
        """Send raw request bytes (headers the HTTP libraries refuse to write); the status, 0 if dropped."""
        self.requests += 1
        parts = urllib.parse.urlsplit(loopback_only(url))
        with socket.create_connection((parts.hostname, parts.port or 80), timeout=30) as connection:
            connection.sendall(
                request_head + b"Content-Length: " + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body
            )
            try:
                first = connection.makefile("rb").readline()
            except OSError:
                return 0
        try:
            return int(first.split()[1])
        except (IndexError, ValueError):
            return 0


class Widget:
    """A socket.io client like the website widget: session_request, then user_uttered."""

    def __init__(self, probe: Probe, rasa: str) -> None:
        self.probe, self.url = probe, loopback_only(rasa)
        self.client = socketio.AsyncClient(reconnection=False)
        self.replies: List[Dict[str, Any]] = []
        self.tokens: List[Any] = []
        self.disconnected = asyncio.Event()
        self.client.on("bot_uttered", lambda payload: self.replies.append(payload))
        self.client.on("session_confirm", lambda token=None: self.tokens.append(token))
        self.client.on("disconnect", lambda *_: self.disconnected.set())

    async def __aenter__(self) -> Widget:
        self.probe.requests += 1
        await self.client.connect(self.url, socketio_path="/socket.io", transports=["websocket"], wait_timeout=10)
        return self

    async def __aexit__(self, *_: Any) -> None:
        await self.client.disconnect()

    async def session(self, data: Any) -> Any:
        """Ask for a session with ``data``; the token the server confirms (None if none came)."""
        self.probe.requests += 1
        count = len(self.tokens)
        await self.client.emit("session_request", data)
        for _ in range(50):
            if len(self.tokens) > count:
                return self.tokens[-1]
            await asyncio.sleep(0.1)
        return None

    async def say(self, data: Any, wait_s: float = 20.0) -> List[Dict[str, Any]]:
        """Emit user_uttered; the replies that arrive within ``wait_s`` (stops 1.5 s after the last)."""
        self.probe.requests += 1
        start = len(self.replies)
        await self.client.emit("user_uttered", data)
        waited, quiet = 0.0, 0.0
        while waited < wait_s and (len(self.replies) == start or quiet < 1.5):
            await asyncio.sleep(0.1)
            waited += 0.1
            quiet = quiet + 0.1 if len(self.replies) > start else 0.0
        return self.replies[start:]

    async def send_raw(self, packet_text: str) -> bool:
        """Send a hand-made socket.io packet; whether the server then dropped the connection."""
        self.probe.requests += 1
        await self.client.eio.send(packet_text)
        try:
            await asyncio.wait_for(self.disconnected.wait(), 5)
            return True
        except asyncio.TimeoutError:
            return False


def login_form(probe: Probe, desk: str) -> Tuple[str, str]:
    """The desk's sign-in form: its CSRF cookie and form token."""
    reply = probe.http(f"{desk}/login")
    cookie = reply.headers.get("Set-Cookie", "").split(";", 1)[0]
    marker = b'name="csrf_token" value="'
    start = reply.body.find(marker)
    token = reply.body[start + len(marker) : reply.body.find(b'"', start + len(marker))].decode() if start >= 0 else ""
    return cookie, token


def sign_in(probe: Probe, desk: str, username: str, password: str) -> int:
    """POST the sign-in form; the status (303 on success)."""
    cookie, token = login_form(probe, desk)
    body = urllib.parse.urlencode({"username": username, "password": password, "csrf_token": token}).encode()

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *_: Any) -> None:
            return None

    probe.requests += 1
    request = urllib.request.Request(
        f"{desk}/login", data=body, headers={"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    )
    try:
        with urllib.request.build_opener(NoRedirect).open(request, timeout=30) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
