"""glibc memory tuning of the Rasa server (ops/memory.py)."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from ops import memory


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc only")
def test_glibc_accepts_the_arena_cap_and_the_trim() -> None:
    assert memory.limit_arenas() is True
    assert isinstance(memory.trim(), bool)  # False only when nothing was free to return


def test_without_glibc_they_do_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(memory, "_glibc", lambda: None)
    assert memory.limit_arenas() is False and memory.trim() is False and memory.fix_mmap_threshold() is False


# 200 freed blocks of 1 MB with small live blocks between them (no heap top to trim): with glibc's
# moving threshold (raised by the first 1 MB block freed) they stay resident; with it fixed, they
# are unmapped at once.
CHILD = """
import ctypes, sys, psutil
from ops import memory
if sys.argv[1] == "fixed":
    assert memory.fix_mmap_threshold()
libc = ctypes.CDLL("libc.so.6")
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
first = libc.malloc(1 << 20); ctypes.memset(first, 1, 1 << 20); libc.free(first)
blocks, small = [libc.malloc(1 << 20) for _ in range(200)], []
for block in blocks:
    ctypes.memset(block, 1, 1 << 20); small.append(libc.malloc(4096))
before = psutil.Process().memory_info().rss
for block in blocks:
    libc.free(block)
print((before - psutil.Process().memory_info().rss) // 1_000_000)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="glibc only")
@pytest.mark.parametrize("mode, least, most", [("fixed", 180, 10_000), ("moving", -10_000, 20)])
def test_a_fixed_mmap_threshold_returns_freed_large_blocks(mode: str, least: int, most: int) -> None:
    child = subprocess.run([sys.executable, "-c", CHILD, mode], capture_output=True, text=True, check=True)
    returned_mb = int(child.stdout)
    assert least <= returned_mb <= most
