"""Decorators that protect routes: a browser session (with CSRF on POST) or an API bearer token."""

from __future__ import annotations

import asyncio
import datetime as dt
from functools import wraps
from typing import Any, Callable, Coroutine, Optional, Tuple

from sanic import Request
from sanic.response import HTTPResponse, json, redirect

from desk.auth import CSRF_FIELD, SESSION_COOKIE, bearer_token, digest, same_token
from desk.views import render
from store.records import Pro

# A Sanic route handler: an async function (Sanic's route decorators want a coroutine function).
Handler = Callable[..., Coroutine[Any, Any, HTTPResponse]]


def now_utc() -> dt.datetime:
    """The current time, timezone-aware UTC."""
    return dt.datetime.now(dt.timezone.utc)


def secure_request(request: Request) -> bool:
    """Whether responses get Secure cookies and HSTS: DESK_SECURE_COOKIES or an https request.

    Behind a TLS-terminating proxy the scheme is known only when DESK_PROXIES_COUNT trusts the
    proxy's X-Forwarded-Proto; set DESK_SECURE_COOKIES (true in production) to be sure.
    """
    return bool(request.app.ctx.settings.secure_cookies) or request.scheme == "https"


async def current_session(request: Request) -> Optional[Tuple[Pro, str]]:
    """The signed-in pro and the session's CSRF token, from the session cookie."""
    session_id = request.cookies.get(SESSION_COOKIE)
    if not session_id:
        return None
    return await asyncio.to_thread(request.app.ctx.pros.session, digest(session_id), now_utc())


def login_required(handler: Handler) -> Handler:
    """Pages: redirect to /login without a session; on POST, refuse a wrong CSRF token (403)."""

    @wraps(handler)
    async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        found = await current_session(request)
        if found is None:
            return redirect("/login", status=303)
        request.ctx.pro, request.ctx.csrf = found
        if request.method == "POST" and not same_token(found[1], request.form.get(CSRF_FIELD)):
            return render(
                request,
                "error.html",
                status=403,
                title="Form expired",
                message="This form is out of date or was not sent by the desk. Reload the page and try again.",
            )
        return await handler(request, *args, **kwargs)

    return wrapper


def token_required(handler: Handler) -> Handler:
    """API: require ``Authorization: Bearer <token>`` of a pro; else 401 with WWW-Authenticate."""

    @wraps(handler)
    async def wrapper(request: Request, *args: Any, **kwargs: Any) -> HTTPResponse:
        token = bearer_token(request.headers.get("authorization"))
        pros = request.app.ctx.pros
        pro = await asyncio.to_thread(pros.pro_for_token, digest(token)) if token else None
        if pro is None:
            error = "invalid_token" if token else None
            challenge = 'Bearer realm="agent-desk"' + (f', error="{error}"' if error else "")
            return json(
                {"error": "a valid API token is required (Authorization: Bearer <token>)"},
                status=401,
                headers={"WWW-Authenticate": challenge},
            )
        request.ctx.pro = pro
        return await handler(request, *args, **kwargs)

    return wrapper
