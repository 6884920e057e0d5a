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

    def peak_mb(self, role: str) -> Optional[float]:
        """The largest RSS among processes whose role starts with ``role``."""
        values = [v for k, v in self.rss_mb.items() if k.split("-")[0] == role and v > 0]
        return max(values) if values else None


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

    def scenario(self, concurrency: int) -> Optional[Scenario]:
        """The scenario with this concurrency, if it ran."""
        return next((s for s in self.scenarios if s.concurrency == concurrency), None)

    @property
    def errors(self) -> int:
        """Errors over every measured scenario."""
        return sum(s.summary.errors for s in self.scenarios)


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
