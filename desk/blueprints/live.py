"""``GET /events``: server-sent events telling signed-in pros about new handoffs as they happen.

Only a browser session may listen (401 otherwise; an EventSource does not retry after that).
The stream sends a comment every HEARTBEAT_S seconds, which keeps proxies and Sanic's response
timeout from closing it, and ends when the session expires or the desk stops.
"""

from __future__ import annotations

from typing import Optional

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, text

from desk.access_control import current_session
from desk.hub import HubClosed, sse_frame

bp = Blueprint("live")

HEARTBEAT_S = 15.0
RETRY_MS = 5000


@bp.get("/events")
async def events(request: Request) -> Optional[HTTPResponse]:
    """Stream ``handoff`` events (JSON: reference, live, priority, status) to a signed-in pro.

    Returns None once streaming started (Sanic sends nothing more), else the refusal.
    """
    if await current_session(request) is None:
        return text("sign in first", status=401, headers={"Cache-Control": "no-store"})
    hub = request.app.ctx.hub
    if hub.closed:
        return text("the desk is stopping", status=503)
    try:
        async with hub.subscribe() as subscription:
            response = await request.respond(
                content_type="text/event-stream; charset=utf-8",
                headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
            )
            await response.send(f"retry: {RETRY_MS}\n: connected\n\n")
            while True:
                try:
                    notice = await subscription.next(HEARTBEAT_S)
                except HubClosed:
                    break
                if notice is not None:
                    await response.send(sse_frame("handoff", notice))
                elif await current_session(request) is None:
                    break  # signed out or expired: stop telling this browser anything
                else:
                    await response.send(": ping\n\n")
            await response.eof()
    except HubClosed:  # too many streams, or the desk began stopping meanwhile
        return text("the desk is busy or stopping", status=503)
    return None
