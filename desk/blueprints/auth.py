"""Signing in and out of the desk with a username and password (browser sessions)."""

from __future__ import annotations

import asyncio
import datetime as dt
import functools
import math

from sanic import Blueprint, Request
from sanic.response import HTTPResponse, redirect

from desk.access_control import current_session, login_required, now_utc, secure_request
from desk.auth import (
    CSRF_FIELD,
    LOGIN_CSRF_COOKIE,
    SESSION_COOKIE,
    digest,
    hash_password,
    new_token,
    same_token,
    verify_password,
)
from desk.bootstrap import forget_bootstrap_password
from desk.views import render

bp = Blueprint("auth")

WRONG_CREDENTIALS = "Wrong username or password."
MAX_USERNAME_CHARS = 64
MAX_PASSWORD_CHARS = 1024


@functools.lru_cache(maxsize=1)
def _dummy_hash() -> str:
    # Checked when the username is unknown, so both failures take the same time.
    return hash_password(new_token())


def _client_ip(request: Request) -> str:
    return request.remote_addr or request.ip or "unknown"


def _set_cookie(request: Request, response: HTTPResponse, name: str, value: str, max_age: int) -> None:
    response.cookies[name] = value
    cookie = response.cookies[name]
    cookie["httponly"] = True
    cookie["samesite"] = "Strict"
    cookie["path"] = "/"
    cookie["max-age"] = max_age
    if secure_request(request):
        cookie["secure"] = True


def _login_page(request: Request, status: int = 200, error: str = "", username: str = "") -> HTTPResponse:
    # A login CSRF token (double-submit cookie): another site can't sign a browser in as someone else.
    token = new_token()
    response = render(request, "login.html", status=status, error=error or None, username=username, login_csrf=token)
    _set_cookie(request, response, LOGIN_CSRF_COOKIE, token, max_age=3600)
    return response


@bp.get("/login")
async def login_form(request: Request) -> HTTPResponse:
    """The sign-in form (or the case list when already signed in)."""
    if await current_session(request):
        return redirect("/cases", status=303)
    return _login_page(request)


@bp.post("/login")
async def login(request: Request) -> HTTPResponse:
    """Check the password, throttle failures, and start a session on success."""
    ctx = request.app.ctx
    if not same_token(request.cookies.get(LOGIN_CSRF_COOKIE), request.form.get(CSRF_FIELD)):
        return _login_page(request, 403, "The sign-in form expired. Please try again.")
    username = (request.form.get("username") or "").strip()[:MAX_USERNAME_CHARS]
    password = (request.form.get("password") or "")[:MAX_PASSWORD_CHARS]
    ip = _client_ip(request)
    locked = ctx.throttle.locked_for(username, ip)
    if locked:
        minutes = math.ceil(locked / 60)
        return _login_page(
            request,
            429,
            f"Too many failed sign-ins. Try again in {minutes} minute{'s' if minutes != 1 else ''}.",
            username,
        )
    pro = await asyncio.to_thread(ctx.pros.get, username) if username else None
    stored = pro.password_hash if pro and pro.password_hash else _dummy_hash()
    matches = await asyncio.to_thread(verify_password, password, stored)
    if not (matches and pro and pro.password_hash):
        ctx.throttle.failed(username, ip)
        return _login_page(request, 401, WRONG_CREDENTIALS, username)
    ctx.throttle.succeeded(username, ip)
    await asyncio.to_thread(forget_bootstrap_password, ctx.settings, pro.username)
    session_id, csrf = new_token(), new_token()
    hours = ctx.settings.desk_session_hours
    now = now_utc()
    await asyncio.to_thread(ctx.pros.delete_expired_sessions, now)  # keeps the table small
    await asyncio.to_thread(
        ctx.pros.create_session, digest(session_id), pro.username, csrf, now + dt.timedelta(hours=hours)
    )
    response = redirect("/cases", status=303)
    _set_cookie(request, response, SESSION_COOKIE, session_id, max_age=int(hours * 3600))
    _set_cookie(request, response, LOGIN_CSRF_COOKIE, "", max_age=0)
    return response


@bp.post("/logout")
@login_required
async def logout(request: Request) -> HTTPResponse:
    """End the session (the form carries the CSRF token)."""
    await asyncio.to_thread(request.app.ctx.pros.delete_session, digest(request.cookies.get(SESSION_COOKIE, "")))
    response = redirect("/login", status=303)
    _set_cookie(request, response, SESSION_COOKIE, "", max_age=0)
    return response
