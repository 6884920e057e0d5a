"""Finding or installing Chromium for the browser test (apt-get faked)."""

from __future__ import annotations

import stat
from pathlib import Path
from typing import List

import pytest

from tests.widget import browser
from tests.widget.browser import BrowserUnavailable, ensure_chromium


def executable(path: Path, body: str) -> Path:
    path.write_text(f"#!/bin/sh\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR)
    return path


@pytest.fixture
def system(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A pretend system: Chromium's path in tmp_path, running as root, no CHROMIUM override."""
    target = tmp_path / "chromium"
    monkeypatch.setattr(browser, "DEBIAN_CHROMIUM", target)
    monkeypatch.delenv("CHROMIUM", raising=False)
    monkeypatch.setattr(browser.os, "geteuid", lambda: 0)
    return target


def fake_apt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, target: Path, install_works_after_update: bool) -> Path:
    calls = tmp_path / "calls"
    apt = executable(
        tmp_path / "apt-get",
        f"""
echo "$@" >> {calls}
if [ "$1" = update ]; then touch {tmp_path}/updated; exit 0; fi
if [ -f {tmp_path}/updated ] && [ {str(install_works_after_update).lower()} = true ]; then
  printf '#!/bin/sh\\necho Chromium 1.0\\n' > {target}; chmod +x {target}; exit 0
fi
echo "E: Unable to locate package chromium" >&2; exit 100""",
    )
    monkeypatch.setattr(browser.shutil, "which", lambda name: str(apt) if name == "apt-get" else None)
    return calls


def calls_made(calls: Path) -> List[str]:
    return calls.read_text().splitlines() if calls.exists() else []


def test_an_installed_chromium_is_used_as_is(system: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    executable(system, "echo Chromium")
    calls = fake_apt(tmp_path, monkeypatch, system, install_works_after_update=True)
    assert ensure_chromium() == system
    assert calls_made(calls) == []


def test_a_missing_chromium_is_installed_after_refreshing_package_lists(
    system: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = fake_apt(tmp_path, monkeypatch, system, install_works_after_update=True)
    assert ensure_chromium() == system
    assert calls_made(calls) == ["install -y chromium", "update", "install -y chromium"]


def test_a_failed_install_says_why(system: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_apt(tmp_path, monkeypatch, system, install_works_after_update=False)
    with pytest.raises(BrowserUnavailable, match="Unable to locate package chromium"):
        ensure_chromium()


def test_without_apt_get(system: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(browser.shutil, "which", lambda name: None)
    with pytest.raises(BrowserUnavailable, match="set CHROMIUM="):
        ensure_chromium()


def test_not_root(system: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fake_apt(tmp_path, monkeypatch, system, install_works_after_update=True)
    monkeypatch.setattr(browser.os, "geteuid", lambda: 1000)
    with pytest.raises(BrowserUnavailable, match="sudo apt-get install -y chromium"):
        ensure_chromium()


def test_a_chromium_override_is_never_installed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CHROMIUM", str(tmp_path / "missing"))
    with pytest.raises(BrowserUnavailable, match="is not an executable file"):
        ensure_chromium()
