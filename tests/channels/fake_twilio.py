"""A fake Twilio Messages API on a loopback port (aiohttp, inside the test's event loop)."""

from __future__ import annotations

import asyncio
import base64
import itertools
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Tuple

from aiohttp import web

from tests.integration.servers import free_port

ACCOUNT_SID = "AC" + "0" * 32
AUTH_TOKEN = "test-auth-token-" + "x" * 16
TWILIO_NUMBER = "+15125550100"


@dataclass
class Sent:
    """One message the channel asked Twilio to send (``account``/``password``: its basic auth)."""

    to: str
    from_: str
    body: str
    account: str
    password: str


@dataclass
class FakeTwilio:
    """Records ``POST /2010-04-01/Accounts/{sid}/Messages.json``.

    Every request counts as an attempt (``attempts``); only answered ones with 201 land in
    ``sent``. Queue statuses in ``statuses`` (e.g. ``[500, 500]``) to fail the next requests, and set
    ``delay_s`` to answer slowly.
    """

    port: int = field(default_factory=free_port)
    sent: List[Sent] = field(default_factory=list)
    attempts: List[Dict[str, str]] = field(default_factory=list)
    statuses: List[int] = field(default_factory=list)
    delay_s: float = 0.0
    _sids: itertools.count[int] = field(default_factory=itertools.count)
    # MMS media served at media_url(name) to requests with the account's basic auth: (bytes, type).
    media: Dict[str, Tuple[bytes, str]] = field(default_factory=dict)
    media_fetches: List[str] = field(default_factory=list)

    def media_url(self, name: str) -> str:
        """Where Twilio would serve the MMS media ``name`` (a key of ``media``)."""
        return f"{self.url}/2010-04-01/Accounts/{ACCOUNT_SID}/Messages/MM{'1' * 32}/Media/{name}"

    @property
    def url(self) -> str:
        """The API base URL (what ``api_base_url`` is set to)."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> FakeTwilio:
        """Serve on the loopback port."""
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._create)
        app.router.add_get("/2010-04-01/Accounts/{sid}/Messages/{message}/Media/{name}", self._media)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", self.port).start()
        return self

    async def stop(self) -> None:
        """Stop serving."""
        await self._runner.cleanup()

    def bodies(self, to: Optional[str] = None) -> List[str]:
        """The bodies sent (to ``to`` only, when given), in order."""
        return [item.body for item in self.sent if to is None or item.to == to]

    async def _media(self, request: web.Request) -> web.Response:
        expected = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
        if request.headers.get("Authorization") != expected:
            return web.Response(status=401)
        name = request.match_info["name"]
        self.media_fetches.append(name)
        if name not in self.media:
            return web.Response(status=404)
        data, content_type = self.media[name]
        return web.Response(body=data, content_type=content_type)

    async def _create(self, request: web.Request) -> web.Response:
        form = await request.post()
        self.attempts.append({key: str(value) for key, value in form.items()})
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        status = self.statuses.pop(0) if self.statuses else 201
        if status != 201:
            return web.json_response(
                {"code": 20500, "message": f"failed for {form.get('To')}", "status": status}, status=status
            )
        account, _, password = (
            base64.b64decode(request.headers.get("Authorization", "Basic ").split(" ", 1)[1] or b"")
            .decode()
            .partition(":")
        )
        self.sent.append(Sent(str(form["To"]), str(form["From"]), str(form["Body"]), account, password))
        return web.json_response({"sid": f"SM{next(self._sids):032x}", "status": "queued"}, status=201)
