"""Peak resident memory (RSS) of process trees, sampled in a background thread with psutil."""

from __future__ import annotations

import threading
from typing import Dict, Mapping, Optional

from bench.processes import tree_sum

MB = 1_000_000  # decimal megabytes: the targets are in GB = 1000 MB


def tree_rss(pid: int) -> int:
    """Bytes resident in ``pid`` and all its child processes (0 when it is gone)."""
    return int(tree_sum(pid, lambda process: process.memory_info().rss))


class RssSampler:
    """Sample the RSS of named process trees every ``interval_s`` seconds.

    Keeps the peak over the sampler's whole life and over a window that ``reset_window`` starts,
    so one sampler started at process launch gives both the start-up peak and each scenario's.

    Usage::

        with RssSampler({"rasa": pid}) as sampler:
            sampler.reset_window(); run_scenario(); per_scenario = sampler.window_peaks_mb()
        overall = sampler.peaks_mb()
    """

    def __init__(self, pids: Mapping[str, int], interval_s: float = 0.2) -> None:
        self._pids = dict(pids)
        self._interval_s = interval_s
        self._peaks: Dict[str, int] = {name: 0 for name in self._pids}
        self._window: Dict[str, int] = dict(self._peaks)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: Optional[threading.Thread] = None

    def sample(self) -> None:
        """Take one sample now (the thread calls this; tests may too)."""
        for name, pid in self._pids.items():
            rss = tree_rss(pid)
            with self._lock:
                self._peaks[name] = max(self._peaks[name], rss)
                self._window[name] = max(self._window[name], rss)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self._interval_s)

    def start(self) -> RssSampler:
        """Start sampling in a daemon thread."""
        self._thread = threading.Thread(target=self._loop, name="rss-sampler", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Take a last sample and stop the thread."""
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
        self.sample()

    def __enter__(self) -> RssSampler:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def pids(self) -> Dict[str, int]:
        """The sampled process ids by role."""
        return dict(self._pids)

    def reset_window(self) -> None:
        """Start a new window (e.g. at the start of a scenario)."""
        self.sample()
        with self._lock:
            self._window = {name: 0 for name in self._pids}
        self.sample()

    def window_peaks_mb(self) -> Dict[str, float]:
        """Peak RSS per name, in MB, since the last ``reset_window``."""
        self.sample()
        with self._lock:
            return {name: value / MB for name, value in self._window.items()}

    def peaks_mb(self) -> Dict[str, float]:
        """Peak RSS per name, in MB, since the sampler started."""
        with self._lock:
            return {name: value / MB for name, value in self._peaks.items()}
