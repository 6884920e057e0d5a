"""A fake Twilio Messages API on a loopback port (aiohttp, inside the test's event loop)."""
from __future__ import annotations

import asyncio
import base64
import itertools
from dataclasses import dataclass, field
from typing import Dict, List, Optional

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
    _sids: "itertools.count[int]" = field(default_factory=itertools.count)

    @property
    def url(self) -> str:
        """The API base URL (what ``api_base_url`` is set to)."""
        return f"http://127.0.0.1:{self.port}"

    async def start(self) -> "FakeTwilio":
        """Serve on the loopback port."""
        app = web.Application()
        app.router.add_post("/2010-04-01/Accounts/{sid}/Messages.json", self._create)
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

    async def _create(self, request: web.Request) -> web.Response:
        form = await request.post()
        self.attempts.append({key: str(value) for key, value in form.items()})
        if self.delay_s:
            await asyncio.sleep(self.delay_s)
        status = self.statuses.pop(0) if self.statuses else 201
        if status != 201:
            return web.json_response({"code": 20500, "message": f"failed for {form.get('To')}",
                                      "status": status}, status=status)
        account, _, password = base64.b64decode(
            request.headers.get("Authorization", "Basic ").split(" ", 1)[1] or b"").decode().partition(":")
        self.sent.append(Sent(str(form["To"]), str(form["From"]), str(form["Body"]), account, password))
        return web.json_response({"sid": f"SM{next(self._sids):032x}", "status": "queued"}, status=201)
