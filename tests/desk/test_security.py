"""Desk hardening: security headers, HSTS and Secure cookies over HTTPS, request size limit, and
taxpayer input (HTML, JavaScript, SQL) stored verbatim and shown escaped."""

from __future__ import annotations

import contextlib
import dataclasses
from pathlib import Path
from typing import AsyncIterator

import aiohttp
import pytest
from markupsafe import escape

from desk.app import HSTS, MAX_REQUEST_BYTES, create_app
from settings.assistant import Settings
from settings.desk import load_settings
from store.cases import CaseRepository
from store.pros import ProRepository
from store.records import NewCase
from tests.desk.conftest import JWT_SECRET, Desk, desk_settings, make_case, start_desk, stop_desk
from tests.desk.fake_rasa import FakeRasa

SCRIPT_NAME = "<script>alert(1)</script>"
SQL_NAME = "Robert'); DROP TABLE cases;--"
ATTRIBUTE_BREAKER = '"><img src=x onerror=alert(2)>'


async def test_security_headers_and_no_hsts_over_plain_http(desk: Desk) -> None:
    response = await desk.page("/login")
    headers = response.headers
    assert headers["X-Content-Type-Options"] == "nosniff" and headers["X-Frame-Options"] == "DENY"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]
    assert "script-src" not in headers["Content-Security-Policy"]  # no inline script allowed
    assert "Strict-Transport-Security" not in headers
    assert headers["Cache-Control"] == "no-store"


@contextlib.asynccontextmanager
async def _served(tmp_path: Path, core: Settings, rasa: FakeRasa, **overrides: object) -> AsyncIterator[str]:
    app = create_app(desk_settings(tmp_path, rasa.url, **overrides), core, sweeper=False)
    server = await start_desk(app)
    try:
        yield app.ctx.test_url
    finally:
        await stop_desk(server)


async def _login_page_headers(url: str, **headers: str) -> aiohttp.typedefs.LooseHeaders:
    async with aiohttp.ClientSession() as http:
        async with http.get(f"{url}/login", headers=headers) as response:
            return response.headers


async def test_hsts_and_secure_cookies_when_configured(
    tmp_path: Path, core: Settings, pros: ProRepository, rasa: FakeRasa
) -> None:
    async with _served(tmp_path, core, rasa, desk_secure_cookies=True) as url:
        headers = await _login_page_headers(url)
        assert headers["Strict-Transport-Security"] == HSTS
        cookie = headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Strict" in cookie


async def test_https_behind_a_trusted_proxy(
    tmp_path: Path, core: Settings, pros: ProRepository, rasa: FakeRasa
) -> None:
    forwarded = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"}
    async with _served(tmp_path, core, rasa, desk_proxies_count=1) as url:
        headers = await _login_page_headers(url, **forwarded)
        assert headers["Strict-Transport-Security"] == HSTS and "Secure" in headers["Set-Cookie"]
        plain = await _login_page_headers(url)
        assert "Strict-Transport-Security" not in plain and "Secure" not in plain["Set-Cookie"]


async def test_forwarded_proto_is_ignored_without_a_trusted_proxy(
    tmp_path: Path, core: Settings, pros: ProRepository, rasa: FakeRasa
) -> None:
    async with _served(tmp_path, core, rasa) as url:
        headers = await _login_page_headers(url, **{"X-Forwarded-Proto": "https"})
        assert "Strict-Transport-Security" not in headers and "Secure" not in headers["Set-Cookie"]


@pytest.mark.parametrize(
    "env, expected",
    [
        ({}, False),
        ({"BOT_PROFILE": "production"}, True),
        ({"DESK_ENV": "production"}, True),
        ({"BOT_PROFILE": "production", "DESK_SECURE_COOKIES": "false"}, False),
        ({"DESK_PUBLIC_URL": "https://desk.example.com"}, True),
        ({"DESK_PUBLIC_URL": "http://localhost:5080"}, False),
    ],
)
def test_secure_cookie_defaults(monkeypatch: pytest.MonkeyPatch, env: dict, expected: bool) -> None:
    for name in ("BOT_PROFILE", "DESK_ENV", "DESK_SECURE_COOKIES", "DESK_PUBLIC_URL"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    settings = load_settings(_env_file=None, rasa_jwt_secret=JWT_SECRET)
    assert settings.secure_cookies is expected
    assert settings.production is (env.get("BOT_PROFILE") == "production" or env.get("DESK_ENV") == "production")


async def test_request_size_is_limited(desk: Desk) -> None:
    body = {"username": "jane", "password": "x" * (MAX_REQUEST_BYTES + 1)}
    response = await desk.http.post(f"{desk.url}/login", data=body, allow_redirects=False)
    assert response.status == 413
    api = await desk.http.post(
        f"{desk.url}/api/cases/MTS-AAAAA/notes",
        data=b"{" + b" " * MAX_REQUEST_BYTES + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert api.status == 413


def _escaped_once(text: str) -> str:
    """The text as the autoescaping templates print it (markupsafe: &lt; &#34; &#39; ...)."""
    return str(escape(text))


async def test_hostile_intake_answers_are_shown_escaped(signed_in: Desk, cases: CaseRepository, rasa: FakeRasa) -> None:
    base = make_case(cases, name=SQL_NAME)
    hostile = dataclasses.replace(
        base.intake, full_name=SCRIPT_NAME, contact_time=ATTRIBUTE_BREAKER, email='x"onmouseover="alert(3)@example.com'
    )
    new = NewCase(
        idempotency_key="hostile-1",
        channel="socketio",
        sender_id="s-hostile",
        priority="high",
        priority_reasons=[SCRIPT_NAME],
        deadline=None,
        intake=hostile,
    )
    script_case, _ = cases.create(new)
    sql_case = base
    rasa.trackers[script_case.sender_id] = [{"event": "user", "text": SQL_NAME, "timestamp": 1.0}]
    listing = await (await signed_in.page("/cases")).text()
    script_page = await (await signed_in.page(f"/cases/{script_case.reference}")).text()
    sql_page = await (await signed_in.page(f"/cases/{sql_case.reference}")).text()
    for page in (listing, script_page):
        assert SCRIPT_NAME not in page and _escaped_once(SCRIPT_NAME) in page
    assert "<img" not in script_page and _escaped_once(ATTRIBUTE_BREAKER) in script_page
    assert 'onmouseover="alert' not in script_page
    for page in (listing, sql_page, script_page):  # the transcript line too
        assert SQL_NAME not in page and _escaped_once(SQL_NAME) in page
    # Stored verbatim through bound parameters: the table is still there, the name searchable.
    assert cases.get(sql_case.reference).intake.full_name == SQL_NAME
    found = await (await signed_in.page("/cases?q=Robert%27%29%3B+DROP")).text()
    assert sql_case.reference in found and script_case.reference not in found
    assert len(cases.list(None, None, None, 10)) == 2
