"""python -m desk.cli: desk users and API tokens."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from desk.auth import digest, verify_password
from desk.cli import CliError, read_password, run
from store.db import get_database
from store.pros import ProRepository
from tests.desk.conftest import ROOT_DIR

PASSWORD = "a long enough password"


@pytest.fixture
def repo(tmp_path: Path) -> ProRepository:
    return ProRepository(get_database(f"sqlite:///{tmp_path}/cli.db"))


def cli(repo: ProRepository, *argv: str, stdin: str = "") -> tuple:
    out = io.StringIO()
    status = run(list(argv), repo=repo, out=out, stdin=io.StringIO(stdin))
    return status, out.getvalue()


def test_add_pro_and_list(repo: ProRepository) -> None:
    status, out = cli(repo, "add-pro", "Maria", "--name", "Maria Lopez", "--password-stdin", stdin=PASSWORD + "\n")
    assert status == 0 and "Added maria" in out
    pro = repo.get("maria")
    assert pro.display_name == "Maria Lopez" and verify_password(PASSWORD, pro.password_hash)
    assert cli(repo, "list-pros") == (0, "maria\tMaria Lopez\tpassword set\n")


def test_add_pro_twice_fails(repo: ProRepository, capsys: pytest.CaptureFixture) -> None:
    cli(repo, "add-pro", "maria", "--name", "M", "--password-stdin", stdin=PASSWORD)
    status, _ = cli(repo, "add-pro", "maria", "--name", "M", "--password-stdin", stdin=PASSWORD)
    assert status == 1 and "already exists" in capsys.readouterr().err


def test_short_password_refused(repo: ProRepository, capsys: pytest.CaptureFixture) -> None:
    status, _ = cli(repo, "add-pro", "maria", "--name", "M", "--password-stdin", stdin="short\n")
    assert status == 1 and "at least 12" in capsys.readouterr().err
    assert repo.get("maria") is None


def test_bad_username_refused(repo: ProRepository) -> None:
    with pytest.raises(SystemExit):
        cli(repo, "add-pro", "no spaces!", "--name", "M", "--password-stdin", stdin=PASSWORD)


def test_set_password(repo: ProRepository, capsys: pytest.CaptureFixture) -> None:
    cli(repo, "add-pro", "maria", "--name", "M", "--password-stdin", stdin=PASSWORD)
    status, _ = cli(repo, "set-password", "maria", "--password-stdin", stdin="another fine password")
    assert status == 0
    assert verify_password("another fine password", repo.get("maria").password_hash)
    status, _ = cli(repo, "set-password", "nobody", "--password-stdin", stdin=PASSWORD)
    assert status == 1 and "no pro named nobody" in capsys.readouterr().err


def test_token_and_revoke(repo: ProRepository) -> None:
    cli(repo, "add-pro", "maria", "--name", "M", "--password-stdin", stdin=PASSWORD)
    status, out = cli(repo, "token", "maria", "--label", "crm-sync")
    token = out.strip()
    assert status == 0 and len(token) >= 43
    assert repo.pro_for_token(digest(token)).username == "maria"
    assert repo.pro_for_token(token) is None  # only the digest is stored
    assert cli(repo, "revoke-tokens", "maria") == (0, "Revoked 1 token of maria.\n")
    assert repo.pro_for_token(digest(token)) is None


def test_token_for_unknown_pro(repo: ProRepository) -> None:
    assert cli(repo, "token", "nobody", "--label", "x")[0] == 1


def test_read_password_twice() -> None:
    answers = iter([PASSWORD, PASSWORD])
    assert read_password(False, ask=lambda _: next(answers)) == PASSWORD
    answers = iter([PASSWORD, PASSWORD + "x"])
    with pytest.raises(CliError, match="differ"):
        read_password(False, ask=lambda _: next(answers))


def test_runs_as_a_module(tmp_path: Path) -> None:
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path}/m.db", "PYTHONPATH": str(ROOT_DIR)}
    add = subprocess.run(
        [sys.executable, "-m", "desk.cli", "add-pro", "maria", "--name", "Maria Lopez", "--password-stdin"],
        input=PASSWORD + "\n",
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert add.returncode == 0, add.stderr
    listed = subprocess.run(
        [sys.executable, "-m", "desk.cli", "list-pros"],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert listed.stdout == "maria\tMaria Lopez\tpassword set\n"
