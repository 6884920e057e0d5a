"""Medium 10-12 and Low 13-14: sign-in throttling across usernames and addresses, private data
files, the JWT secret off the command line, the bootstrap password gone after first use."""

from __future__ import annotations

import os
import sqlite3
import stat
import uuid
from pathlib import Path
from types import SimpleNamespace

import pytest

from desk.auth import LoginThrottle
from desk.bootstrap import ensure_pros, forget_bootstrap_password
from ops.api_guard import SecretOnCommandLine, jwt_arguments
from ops.files import secure_data_dir

ROOT = Path(__file__).resolve().parents[2]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_password_spraying_from_one_address_is_throttled() -> None:
    throttle = LoginThrottle(clock=Clock())
    for n in range(20):  # one password tried against 20 usernames: no pair reaches its limit
        assert throttle.locked_for(f"user{n}", "203.0.113.9") == 0
        throttle.failed(f"user{n}", "203.0.113.9")
    assert throttle.locked_for("someone-else", "203.0.113.9") > 0
    assert throttle.locked_for("someone-else", "198.51.100.1") == 0  # other addresses may still sign in


def test_spraying_from_many_addresses_is_throttled_overall() -> None:
    throttle = LoginThrottle(clock=Clock(), global_max_failures=50)
    for n in range(50):
        throttle.failed(f"user{n}", f"198.51.100.{n}")
    assert throttle.locked_for("user-new", "192.0.2.77") > 0


def test_a_locked_username_gets_no_fresh_tries_from_another_address() -> None:
    throttle = LoginThrottle(clock=Clock())
    for n in range(10):
        throttle.failed("jane", f"198.51.100.{n // 4}")  # at most 4 per address: no pair is locked
    assert throttle.locked_for("jane", "192.0.2.200") > 0


def test_data_files_are_0600_in_a_0700_folder(tmp_path: Path) -> None:
    data = tmp_path / "var"
    data.mkdir(mode=0o755)
    old = os.umask(0o022)
    try:
        (data / "cases.db").write_text("x")
        os.chmod(data / "cases.db", 0o644)
        secure_data_dir(data)
        sqlite3.connect(data / "tracker.db").execute("create table t (x)").connection.commit()  # created later
    finally:
        os.umask(old)
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    for name in ("cases.db", "tracker.db"):
        assert stat.S_IMODE((data / name).stat().st_mode) == 0o600, name


def test_the_jwt_secret_never_goes_on_the_command_line(tmp_path: Path) -> None:
    value = uuid.uuid4().hex  # a random stand-in, never a real secret
    with pytest.raises(SecretOnCommandLine):
        jwt_arguments(["--enable-api", "--jwt-secret", value], {})
    assert jwt_arguments(["--enable-api"], {"RASA_JWT_SECRET": value}) == [f"--jwt-secret={value}"]
    (tmp_path / "jwt").write_text("from-a-file\n")
    assert jwt_arguments([], {"RASA_JWT_SECRET_FILE": str(tmp_path / "jwt")}) == ["--jwt-secret=from-a-file"]
    run = (ROOT / "scripts" / "run.sh").read_text()
    assert "--jwt-secret" not in run


def test_the_bootstrap_password_file_is_removed_after_the_first_sign_in(tmp_path: Path) -> None:
    class Pros:
        def __init__(self) -> None:
            self.added = []

        def list(self):  # type: ignore[no-untyped-def]
            return self.added

        def add(self, username, name, password_hash):  # type: ignore[no-untyped-def]
            self.added.append(username)

    settings = SimpleNamespace(production=False, desk_admin_password_file=tmp_path / "desk-admin-password.txt")
    path = ensure_pros(Pros(), settings)  # type: ignore[arg-type]
    assert path is not None and path.exists()
    assert not forget_bootstrap_password(settings, "jane") and path.exists()  # type: ignore[arg-type]
    assert forget_bootstrap_password(settings, "admin")  # type: ignore[arg-type]
    assert not path.exists()


def test_a_jwt_secret_that_starts_with_a_dash_reaches_rasa_whole() -> None:
    from rasa.__main__ import create_argument_parser

    args = jwt_arguments(["--enable-api"], {"RASA_JWT_SECRET": "-starts-with-a-dash"})
    parsed = create_argument_parser().parse_args(["run", "--enable-api", *args])
    assert parsed.jwt_secret == "-starts-with-a-dash"
