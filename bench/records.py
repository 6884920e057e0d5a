"""What one benchmark run measured, as plain dataclasses that serialise to JSON."""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from bench.stats import Summary


@dataclass
class Scenario:
    """One load scenario of one bot (or one set of replicas).

    ``rss_mb`` is the peak RSS per process role during the scenario; roles are ``rasa`` and
    ``actions``, or ``rasa-1``, ``rasa-2``... for replicas (the table shows the largest).
    """

    concurrency: int
    summary: Summary
    errors_by_kind: Dict[str, int] = field(default_factory=dict)
    error_samples: List[Dict[str, Any]] = field(default_factory=list)
    rss_mb: Dict[str, float] = field(default_factory=dict)
    cpu_cores: Dict[str, float] = field(default_factory=dict)  # bench/cpu.py: cores used per role and machine

    def peak_mb(self, role: str) -> Optional[float]:
        """The largest RSS among processes whose role starts with ``role``."""
        values = [v for k, v in self.rss_mb.items() if k.split("-")[0] == role and v > 0]
        return max(values) if values else None


@dataclass
class LongRun:
    """One conversation of many messages (bench/long.py): latency early on against near the end.

    ``early_p95_ms`` is the p95 of messages 1 to ``window``, ``late_p95_ms`` that of the ``window``
    messages from message ``late_first`` on: the same turns of the script, its last full repetition
    of them (different turns cost different work, so only like is compared with like). ``blocks``
    holds ``[first message, last message, p95 ms]`` for consecutive blocks of the conversation, to
    show how latency grows with it; ``latencies_ms`` keeps every message's (``None``: failed).
    """

    messages: int
    window: int
    early_p95_ms: float
    late_p95_ms: float
    late_first: int = 0
    errors: int = 0
    errors_by_kind: Dict[str, int] = field(default_factory=dict)
    error_samples: List[Dict[str, Any]] = field(default_factory=list)
    blocks: List[List[float]] = field(default_factory=list)
    elapsed_s: float = 0.0
    latencies_ms: List[Optional[float]] = field(default_factory=list)  # every message's, in order

    @property
    def ratio(self) -> float:
        """The late window's p95 over the early window's (NaN when either is missing)."""
        if math.isnan(self.early_p95_ms) or math.isnan(self.late_p95_ms) or self.early_p95_ms <= 0:
            return math.nan
        return self.late_p95_ms / self.early_p95_ms


@dataclass
class BotRun:
    """Everything measured for one bot (a row group of the table)."""

    name: str
    description: str
    training_s: Optional[float] = None
    training_note: str = ""
    startup_s: Optional[float] = None
    actions_ready_s: Optional[float] = None
    rasa_peak_mb: Optional[float] = None
    actions_peak_mb: Optional[float] = None
    scenarios: List[Scenario] = field(default_factory=list)
    warmup_errors: int = 0
    nlu: Optional[Dict[str, Any]] = None
    failure: Optional[str] = None
    long: Optional[LongRun] = None

    def scenario(self, concurrency: int) -> Optional[Scenario]:
        """The scenario with this concurrency, if it ran."""
        return next((s for s in self.scenarios if s.concurrency == concurrency), None)

    @property
    def errors(self) -> int:
        """Errors over every measured scenario, the long conversation included."""
        return sum(s.summary.errors for s in self.scenarios) + (self.long.errors if self.long else 0)


@dataclass
class BenchRun:
    """One ``python -m bench`` run."""

    date: str
    machine: Dict[str, Any]
    settings: Dict[str, Any]
    bots: List[BotRun] = field(default_factory=list)
    phases: Dict[str, float] = field(default_factory=dict)
    photos: Optional[Dict[str, Any]] = None  # bench/photos.py: notice photos read, time and accuracy

    def bot(self, name: str) -> Optional[BotRun]:
        """The bot with this name, if it was part of the run."""
        return next((b for b in self.bots if b.name == name), None)

    def to_json(self) -> str:
        """The whole run as JSON (NaN written as null)."""
        return json.dumps(_clean(dataclasses.asdict(self)), indent=2)


def _clean(value: Any) -> Any:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value
