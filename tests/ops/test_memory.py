"""glibc memory tuning of the Rasa server (ops/memory.py)."""

from __future__ import annotations

import platform

import pytest

from ops import memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_glibc_accepts_the_arena_cap_and_the_trim() -> None:
    assert memory.limit_arenas() is True
    assert isinstance(memory.trim(), bool)  # False only when nothing was free to return


def test_without_glibc_both_do_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_glibc", lambda: None)
    assert memory.limit_arenas() is False and memory.trim() is False
