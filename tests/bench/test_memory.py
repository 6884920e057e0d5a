"""RSS sampling of process trees."""

from __future__ import annotations

import os
import subprocess
import sys
import time

from bench.memory import MB, RssSampler, tree_rss


def test_tree_rss_includes_children() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import time; b = bytearray(60_000_000); time.sleep(30)"])
    try:
        time.sleep(1.0)
        own = tree_rss(os.getpid())
        assert tree_rss(child.pid) > 50_000_000
        assert own >= tree_rss(child.pid)  # the child is ours, so it is in our tree
    finally:
        child.kill()
        child.wait()


def test_a_gone_process_has_no_rss() -> None:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    assert tree_rss(child.pid) == 0


def test_sampler_keeps_overall_and_window_peaks() -> None:
    with RssSampler({"me": os.getpid()}, interval_s=0.05) as sampler:
        time.sleep(0.2)
        block = bytearray(80_000_000)
        block[::4096] = b"x" * len(block[::4096])
        time.sleep(0.2)
        del block
        sampler.reset_window()
        window = sampler.window_peaks_mb()["me"]
    overall = sampler.peaks_mb()["me"]
    assert overall >= window + 50, (overall, window)
    assert overall > 80_000_000 / MB
