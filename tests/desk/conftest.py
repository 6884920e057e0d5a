"""Shared fixtures of the desk tests: a real SQLite store, a fake Rasa and a running desk."""

from __future__ import annotations

import datetime as dt
import itertools
import re
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, AsyncIterator, Dict, Optional

import aiohttp
import pytest
from sanic import Sanic

from desk.app import create_app
from desk.auth import digest, hash_password, new_token
from settings.assistant import Settings
from settings.desk import DeskSettings, load_settings
from store.cases import CaseRepository
from store.db import get_database
from store.pros import ProRepository
from store.records import Case, Consent, Intake, NewCase
from tests.desk.fake_rasa import FakeRasa
from tests.sanic_app import start_app, stop_app

ROOT_DIR = Path(__file__).resolve().parents[2]
JWT_SECRET = "test-secret-" + "x" * 32
PASSWORD = "correct horse battery"
_keys = itertools.count()


@pytest.fixture(autouse=True)
def _sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test may create an app named "agent_desk": Sanic allows that only in test mode."""
    monkeypatch.setattr(Sanic, "test_mode", True)


@pytest.fixture
def core(tmp_path: Path) -> Settings:
    """Firm and store settings on a fresh SQLite file."""
    return Settings(
        _env_file=None,
        database_url=f"sqlite:///{tmp_path}/desk.db",
        firm_timezone="America/New_York",
        handoff_webhook_url=None,
        smtp_host=None,
    )


@pytest.fixture
def cases(core: Settings) -> CaseRepository:
    """The case repository of the test database."""
    return CaseRepository(get_database(core.database_url), core.case_reference_prefix)


@pytest.fixture
def pros(core: Settings) -> ProRepository:
    """The pro repository of the test database, with ``jane`` (password :data:`PASSWORD`)."""
    repo = ProRepository(get_database(core.database_url))
    repo.add("jane", "Jane Pro", hash_password(PASSWORD))
    return repo


@pytest.fixture
async def rasa() -> AsyncIterator[FakeRasa]:
    """A fake Rasa checking the desk's JWT."""
    fake = await FakeRasa(JWT_SECRET).start()
    yield fake
    await fake.stop()


def desk_settings(tmp_path: Path, rasa_url: str, **overrides: Any) -> DeskSettings:
    """Desk settings for a test (development, no .env file)."""
    values: Dict[str, Any] = dict(
        _env_file=None,
        rasa_url=rasa_url,
        rasa_jwt_secret=JWT_SECRET,
        desk_env="development",
        bot_profile="embedded",
        rabbitmq_url=None,
        desk_secure_cookies=None,
        desk_admin_password_file=tmp_path / "var" / "admin.txt",
    )
    values.update(overrides)
    return load_settings(**values)


def make_case(
    repo: CaseRepository,
    name: str = "Jane Doe",
    channel: str = "socketio",
    priority: str = "normal",
    deadline: Optional[dt.date] = None,
    codes: tuple = ("CP504",),
    status: str = "new",
    sender_id: Optional[str] = None,
    phone: Optional[str] = "+15125550142",
    language: str = "en",
) -> Case:
    """Store a case through the real repository."""
    key = next(_keys)
    consent = Consent(
        wording="You may contact me about my tax notice.",
        given_at=dt.datetime(2026, 11, 26, 15, 4, tzinfo=dt.timezone.utc),
        channel=channel,
        contact_method="sms",
    )
    intake = Intake(
        full_name=name,
        consent=consent,
        preferred_channel="sms",
        phone=phone,
        email="jane@example.com",
        us_state="TX",
        notice_codes=list(codes),
        notice_date=dt.date(2026, 11, 20),
        tax_years=[2022, 2023],
        amount_owed=Decimal("12500.00"),
        levy_active="no",
        unfiled_returns="no",
        joint_filing="unsure",
        contact_time="mornings",
        language=language,
    )
    new = NewCase(
        idempotency_key=f"test-{key}",
        channel=channel,
        sender_id=sender_id or f"sender-{key}",
        priority=priority,
        priority_reasons=[f"{priority} because of a test"],
        deadline=deadline,
        intake=intake,
        status=status,
    )
    case, _ = repo.create(new)
    return case


@dataclass
class Desk:
    """A running desk: its URL, app and an HTTP session with a cookie jar."""

    url: str
    app: Sanic
    http: aiohttp.ClientSession

    async def login(self, username: str = "jane", password: str = PASSWORD) -> aiohttp.ClientResponse:
        """Sign in through the form like a browser (GET for the CSRF cookie, then POST)."""
        async with self.http.get(f"{self.url}/login") as response:
            token = csrf_from(await response.text())
        response = await self.http.post(
            f"{self.url}/login",
            allow_redirects=False,
            data={"username": username, "password": password, "csrf_token": token},
        )
        await response.read()
        return response

    async def page(self, path: str) -> aiohttp.ClientResponse:
        """GET a page (not following redirects); the body is read."""
        response = await self.http.get(f"{self.url}{path}", allow_redirects=False)
        await response.read()
        return response

    async def form(self, path: str, data: Dict[str, str], csrf: Optional[str] = "page") -> aiohttp.ClientResponse:
        """POST a form with the session's CSRF token (read from /cases unless given)."""
        if csrf == "page":
            csrf = csrf_from(await (await self.page("/cases")).text())
        body = dict(data)
        if csrf is not None:
            body["csrf_token"] = csrf
        response = await self.http.post(f"{self.url}{path}", data=body, allow_redirects=False)
        await response.read()
        return response

    async def api(
        self, method: str, path: str, token: Optional[str], json: Any = None, data: Any = None
    ) -> aiohttp.ClientResponse:
        """Call the JSON API with a bearer token (None: no header); the body is read."""
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = await self.http.request(method, f"{self.url}/api{path}", headers=headers, json=json, data=data)
        await response.read()
        return response


def csrf_from(page: str) -> str:
    """The CSRF token of the first form on a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', page)
    assert match, "no CSRF token on the page"
    return match.group(1)


def api_token(repo: ProRepository, username: str = "jane") -> str:
    """A new API token of ``username``."""
    token = new_token()
    repo.add_token(username, digest(token), "tests")
    return token


async def start_desk(app: Sanic) -> Any:
    """Serve ``app`` on a free loopback port inside the running loop; returns the server."""
    server, app.ctx.test_url = await start_app(app)
    return server


async def stop_desk(server: Any) -> None:
    """Stop a server started by :func:`start_desk`."""
    await stop_app(server)


@pytest.fixture
async def desk(tmp_path: Path, core: Settings, pros: ProRepository, rasa: FakeRasa) -> AsyncIterator[Desk]:
    """The desk on a free port, talking to the fake Rasa, with jane as its only pro."""
    app = create_app(desk_settings(tmp_path, rasa.url), core, sweeper=False)
    server = await start_desk(app)
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1
    async with aiohttp.ClientSession(cookie_jar=jar) as http:
        yield Desk(app.ctx.test_url, app, http)
    await stop_desk(server)


@pytest.fixture
async def signed_in(desk: Desk) -> Desk:
    """The desk with jane signed in."""
    response = await desk.login()
    assert response.status == 303
    return desk
