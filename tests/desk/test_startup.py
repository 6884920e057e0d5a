"""Start-up: no default password, production refuses to start without desk users."""

from __future__ import annotations

import asyncio
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from desk.app import create_app
from desk.auth import verify_password
from desk.bootstrap import NO_PROS_MESSAGE, DeskStartupError
from settings.assistant import Settings
from store.db import get_database
from store.pros import ProRepository
from store.records import NewCase
from tests.desk.conftest import ROOT_DIR, desk_settings, start_desk, stop_desk
from tests.desk.fake_rasa import FakeRasa


async def test_production_refuses_to_start_without_pros(tmp_path: Path, core: Settings, rasa: FakeRasa) -> None:
    app = create_app(desk_settings(tmp_path, rasa.url, desk_env="production"), core, sweeper=False)
    with pytest.raises(DeskStartupError, match=r"python -m desk\.cli add-pro"):
        await start_desk(app)
    assert not (tmp_path / "var" / "admin.txt").exists()
    assert ProRepository(get_database(core.database_url)).list() == []


async def test_production_starts_with_a_pro(
    tmp_path: Path, core: Settings, pros: ProRepository, rasa: FakeRasa
) -> None:
    app = create_app(desk_settings(tmp_path, rasa.url, desk_env="production"), core, sweeper=False)
    server = await start_desk(app)
    await stop_desk(server)


async def test_development_creates_admin_with_a_private_password_file(
    tmp_path: Path, core: Settings, rasa: FakeRasa, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(desk_settings(tmp_path, rasa.url), core, sweeper=False)
    server = await start_desk(app)
    await stop_desk(server)
    path = tmp_path / "var" / "admin.txt"
    password = path.read_text().strip()
    assert len(password) == 20
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    admin = ProRepository(get_database(core.database_url)).get("admin")
    assert admin is not None and verify_password(password, admin.password_hash)
    assert str(path) in caplog.text and password not in caplog.text
    # A second start keeps the existing user and file.
    app = create_app(desk_settings(tmp_path, rasa.url), core, sweeper=False)
    await stop_desk(await start_desk(app))
    assert path.read_text().strip() == password


def _run_desk(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DESK_", "RASA_"))}
    clean.update(DATABASE_URL=f"sqlite:///{tmp_path}/cli.db", DESK_PORT="0", **env)
    return subprocess.run(
        [sys.executable, "-m", "desk"], cwd=tmp_path, env=clean, capture_output=True, text=True, timeout=60
    )


def test_python_m_desk_without_secret_fails_fast(tmp_path: Path) -> None:
    result = _run_desk(tmp_path, PYTHONPATH=str(ROOT_DIR))
    assert result.returncode == 2
    assert "RASA_JWT_SECRET is not set" in result.stderr


def test_python_m_desk_in_production_without_pros_fails(tmp_path: Path) -> None:
    result = _run_desk(tmp_path, PYTHONPATH=str(ROOT_DIR), RASA_JWT_SECRET="x" * 32, DESK_ENV="production")
    assert result.returncode == 2, result.stderr[-2000:]
    assert NO_PROS_MESSAGE in result.stderr


async def test_sweeper_runs_while_the_desk_serves(
    tmp_path: Path, core: Settings, pros: ProRepository, cases, rasa: FakeRasa
) -> None:
    from store.outbox import Outbox
    from tests.desk.conftest import make_case

    case = make_case(cases)
    new = NewCase(
        idempotency_key="sweep-1",
        channel="socketio",
        sender_id="s-sweep",
        priority="high",
        priority_reasons=[],
        deadline=None,
        intake=case.intake,
    )
    cases.create(new, notify=["webhook"])
    app = create_app(desk_settings(tmp_path, rasa.url), core, sweeper=True)
    server = await start_desk(app)
    try:
        outbox = Outbox(get_database(core.database_url))
        for _ in range(50):  # the first sweep runs at start; no webhook is configured
            if outbox.pending()[0].last_error:
                break
            await asyncio.sleep(0.05)
        assert outbox.pending()[0].last_error == "not configured"
    finally:
        await stop_desk(server)
    assert app.ctx.sweeper_task.done()
