"""The smoke run of the benchmark (``python -m bench --quick``), started in the background.

It takes about a minute, most of it the bot's start-up and the notice photos on one core, so
tests/conftest.py starts it as soon as collection ends when the smoke test is collected, and
the test waits for its result while the tests before it run on the other core.

Usage::

    run = QuickBench(out_dir).start()
    done = run.wait(timeout_s=300)  # returncode, stdout, stderr
    run.stop()  # kills it when it is still running (e.g. after -x)
"""

from __future__ import annotations

import os
import signal
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import List, Optional

from bench.paths import PYTHON, ROOT
from bench.training import cached_stock

# Each load scenario runs this long: enough for a few dozen measured messages, which is all the table needs.
SCENARIO_S = 1


@dataclass(frozen=True)
class Finished:
    """What the benchmark run printed and how it exited."""

    returncode: int
    stdout: str
    stderr: str


class QuickBench:
    """``python -m bench --quick`` writing its report to ``out``; the stock bot only when it is built."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.with_stock = cached_stock() is not None  # never trains: the stock bot is run only when built
        self._process: Optional[subprocess.Popen] = None
        self._finished: Optional[Finished] = None

    def command(self) -> List[str]:
        """The command line of the run."""
        command = [str(PYTHON), "-m", "bench", "--quick", "--duration", str(SCENARIO_S)]
        command += ["--skip-light", "--skip-replicas", "--out", str(self.out)]
        return command + ([] if self.with_stock else ["--skip-stock"])

    def start(self) -> QuickBench:
        """Start the run; returns at once. Its output goes to files (a pipe nobody reads could fill up)."""
        self.out.mkdir(parents=True, exist_ok=True)
        with (self.out / "stdout.txt").open("wb") as stdout, (self.out / "stderr.txt").open("wb") as stderr:
            self._process = subprocess.Popen(
                self.command(), cwd=ROOT, stdout=stdout, stderr=stderr, start_new_session=True
            )
        return self

    def wait(self, timeout_s: float) -> Finished:
        """The run's result once it has ended (started now if it was not); raises on ``timeout_s``."""
        if self._finished is None:
            if self._process is None:
                self.start()
            assert self._process is not None
            returncode = self._process.wait(timeout=timeout_s)
            self._finished = Finished(returncode, self._read("stdout.txt"), self._read("stderr.txt"))
        return self._finished

    def _read(self, name: str) -> str:
        return (self.out / name).read_text(errors="replace")

    def stop(self) -> None:
        """Stop the run and the servers it started if it is still going (e.g. after ``-x``)."""
        if self._process is not None and self._process.poll() is None:
            os.killpg(self._process.pid, signal.SIGTERM)  # its own session: the bench and its servers
            try:
                self._process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self._process.pid, signal.SIGKILL)
                self._process.wait()
