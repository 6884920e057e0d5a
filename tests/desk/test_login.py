"""Signing in and out through the HTML forms: cookies, CSRF and the failed-login throttle."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import aiohttp

from desk.app import create_app
from desk.auth import digest
from settings.assistant import Settings
from store.pros import ProRepository
from tests.desk.conftest import PASSWORD, Desk, csrf_from, desk_settings, start_desk, stop_desk
from tests.desk.fake_rasa import FakeRasa


async def test_pages_need_a_session(desk: Desk) -> None:
    for path in ("/cases", "/cases/MTS-AAAAA"):
        response = await desk.page(path)
        assert response.status == 303 and response.headers["Location"] == "/login"
    response = await desk.http.post(f"{desk.url}/cases/MTS-AAAAA/notes", data={"text": "x"}, allow_redirects=False)
    assert response.status == 303


async def test_home_redirects_to_cases(desk: Desk) -> None:
    response = await desk.page("/")
    assert response.status == 302 and response.headers["Location"] == "/cases"


async def test_login_sets_a_strict_http_only_cookie(desk: Desk) -> None:
    response = await desk.login()
    assert response.status == 303 and response.headers["Location"] == "/cases"
    cookie = next(v for v in response.headers.getall("Set-Cookie") if v.startswith("desk_session="))
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    assert "Secure" not in cookie  # development default
    page = await desk.page("/cases")
    assert page.status == 200 and "Jane Pro" in await page.text()


async def test_session_id_is_stored_only_as_a_hash(desk: Desk, pros: ProRepository) -> None:
    await desk.login()
    session_id = next(c.value for c in desk.http.cookie_jar if c.key == "desk_session")
    now = dt.datetime.now(dt.timezone.utc)
    assert pros.session(digest(session_id), now) is not None
    assert pros.session(session_id, now) is None


async def test_secure_cookie_when_configured(
    tmp_path: Path, core: Settings, pros: ProRepository, rasa: FakeRasa
) -> None:
    app = create_app(desk_settings(tmp_path, rasa.url, desk_secure_cookies=True), core, sweeper=False)
    server = await start_desk(app)
    try:
        # A client only sends Secure cookies over HTTPS: send the login cookie by hand.
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
            async with http.get(f"{app.ctx.test_url}/login") as response:
                token = csrf_from(await response.text())
                login_cookie = response.headers["Set-Cookie"]
            async with http.post(
                f"{app.ctx.test_url}/login",
                allow_redirects=False,
                headers={"Cookie": f"desk_login_csrf={token}"},
                data={"username": "jane", "password": PASSWORD, "csrf_token": token},
            ) as response:
                assert response.status == 303
                cookies = response.headers.getall("Set-Cookie")
        assert "Secure" in login_cookie
        assert any(c.startswith("desk_session=") and "Secure" in c for c in cookies)
    finally:
        await stop_desk(server)


async def test_wrong_password_and_unknown_user_get_the_same_message(desk: Desk) -> None:
    wrong = await desk.login(password="not the password")
    unknown = await desk.login(username="nobody", password="not the password")
    for response in (wrong, unknown):
        assert response.status == 401
        assert "Wrong username or password." in await response.text()
    assert (await desk.page("/cases")).status == 303


async def test_login_form_needs_its_csrf_token(desk: Desk) -> None:
    await desk.page("/login")
    for token in (None, "forged"):
        data = {"username": "jane", "password": PASSWORD}
        if token:
            data["csrf_token"] = token
        response = await desk.http.post(f"{desk.url}/login", data=data, allow_redirects=False)
        assert response.status == 403
    assert (await desk.page("/cases")).status == 303


async def test_posts_need_the_session_csrf_token(signed_in: Desk, cases) -> None:
    from tests.desk.conftest import make_case

    case = make_case(cases)
    for token in (None, "wrong-token"):
        response = await signed_in.form(f"/cases/{case.reference}/notes", {"text": "hi"}, csrf=token)
        assert response.status == 403
        assert "out of date" in await response.text()
    assert [e.kind for e in cases.events(case.reference)] == ["created"]
    response = await signed_in.form("/logout", {}, csrf="wrong-token")
    assert response.status == 403


async def test_logout_ends_the_session(signed_in: Desk, pros: ProRepository) -> None:
    session_id = next(c.value for c in signed_in.http.cookie_jar if c.key == "desk_session")
    response = await signed_in.form("/logout", {})
    assert response.status == 303 and response.headers["Location"] == "/login"
    now = dt.datetime.now(dt.timezone.utc)
    assert pros.session(digest(session_id), now) is None
    # Even a replayed cookie no longer works.
    signed_in.http.cookie_jar.update_cookies({"desk_session": session_id})
    assert (await signed_in.page("/cases")).status == 303


async def test_expired_session_is_refused(desk: Desk, pros: ProRepository) -> None:
    past = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=1)
    pros.create_session(digest("old-session"), "jane", "csrf", past)
    desk.http.cookie_jar.update_cookies({"desk_session": "old-session"})
    assert (await desk.page("/cases")).status == 303


async def test_five_failures_lock_the_username_out(desk: Desk) -> None:
    for _ in range(5):
        assert (await desk.login(password="wrong password!")).status == 401
    locked = await desk.login()  # even the right password
    assert locked.status == 429
    assert "Too many failed sign-ins" in await locked.text() and "15 minutes" in await locked.text()
    assert (await desk.page("/cases")).status == 303
    # Another username from the same address is not locked.
    assert (await desk.login(username="bob", password="wrong password!")).status == 401


async def test_signed_in_user_skips_the_login_form(signed_in: Desk) -> None:
    response = await signed_in.page("/login")
    assert response.status == 303 and response.headers["Location"] == "/cases"
