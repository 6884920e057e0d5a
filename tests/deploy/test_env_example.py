""".env.example lists every environment variable the project reads (settings classes, os.environ,
${...} in YAML, ${...:-} in scripts, $(...) in the deployment values)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.deploy.env_names import ROOT, documented, read_names, settings_fields, tracked_files

# Read by tooling, never part of a deployment's configuration.
NOT_CONFIGURATION = {
    "PYTHON": "the Python 3.10 interpreter make run uses to create .venv (scripts/bootstrap.sh)",
    "PYENV_ROOT": "where scripts/bootstrap.sh looks for pyenv's Pythons",
    "CHROMIUM": "the browser of the widget's browser test",
}


def _project_files() -> list:
    deploy = [path for path in (ROOT / "deploy").rglob("*") if path.is_file()]
    return sorted(set(tracked_files()) | set(deploy))


def test_every_variable_the_project_reads_is_in_env_example() -> None:
    read = read_names(_project_files())
    missing = {
        name: sorted(files)
        for name, files in read.items()
        if name not in documented() and name not in NOT_CONFIGURATION
    }
    assert not missing, f"add these to .env.example (with their default): {missing}"


def test_the_scan_finds_what_it_should() -> None:
    read = read_names(_project_files())
    for name in (
        "FIRM_NAME",
        "DATABASE_URL",
        "RASA_JWT_SECRET",
        "TWILIO_AUTH_TOKEN",
        "DESK_SECURE_COOKIES",
        "RABBITMQ_URL",
        "RABBITMQ_QUEUE",
    ):
        assert name in read, name


def test_settings_fields_are_read_from_source() -> None:
    source = """
from typing import ClassVar
from pydantic import BaseSettings
import pydantic

class A(BaseSettings):
    firm_name: str = "x"
    _private: int = 1
    LIMIT: ClassVar[int] = 3

class B(pydantic.BaseSettings):
    desk_port: int = 5080

class C(EnvSettings):
    desk_host: str = "0.0.0.0"

class NotSettings:
    other: str = "y"
"""
    assert settings_fields(source) == {"FIRM_NAME", "DESK_PORT", "DESK_HOST"}


@pytest.mark.parametrize(
    "line, name", [("FIRM_NAME=x", "FIRM_NAME"), ("# SMTP_HOST=", "SMTP_HOST"), ("#DESK_PORT=5080", "DESK_PORT")]
)
def test_documented_reads_set_and_commented_lines(tmp_path: Path, line: str, name: str) -> None:
    example = tmp_path / ".env.example"
    example.write_text(f"# A comment with NAME in it\n{line}\n")
    assert documented(example) == {name}
