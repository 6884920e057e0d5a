"""Synthetic benchmark runs for the report and target tests."""

from __future__ import annotations

from typing import Any, Dict, Optional

from bench.records import BenchRun, BotRun, LongRun, Scenario
from bench.stats import summarise

MACHINE = {
    "cpu": "Test CPU",
    "cores_logical": 2,
    "cores_physical": 1,
    "cores_usable": 2,
    "ram_gb": 8.0,
    "os": "Linux",
    "python": "3.10.13",
    "rasa": "3.6.21",
    "load_average": [0.1, 0.1, 0.1],
}


def scenario(
    concurrency: int,
    p_ms: float,
    errors: int = 0,
    rasa_mb: float = 900.0,
    actions_mb: Optional[float] = 150.0,
    messages: int = 20,
) -> Scenario:
    """A scenario whose every latency is ``p_ms`` (so every percentile is ``p_ms``), ``messages``
    answered in 2 s."""
    summary = summarise([p_ms] * messages, errors=errors, messages=messages + errors, elapsed_s=2.0)
    rss = {"rasa": rasa_mb, **({"actions": actions_mb} if actions_mb else {})}
    return Scenario(concurrency, summary, {"empty_reply": errors} if errors else {}, [], rss)


def long_run(early_ms: float = 40.0, late_ms: float = 44.0, errors: int = 0) -> LongRun:
    """A 1,000-message conversation of a 27-turn script whose first ten messages, and the same ten
    turns from message 973 on, took these p95s."""
    blocks = [[float(1 + 100 * i), float(100 + 100 * i), early_ms + (late_ms - early_ms) * i / 9] for i in range(10)]
    errors_by_kind = {"timeout": errors} if errors else {}
    return LongRun(1000, 10, early_ms, late_ms, 973, errors, errors_by_kind, [], blocks, 50.0)


def bot(name: str, p1: float, p10: float, **fields) -> BotRun:
    """A bot measured at 1 and 10 concurrent conversations (20 messages each, or ``messages``);
    ours also over one long conversation."""
    errors = fields.pop("errors", 0)
    messages = fields.pop("messages", 20)
    actions = None if name == "stock" else 150.0
    run = BotRun(
        name,
        f"{name} bot",
        training_s=fields.pop("training_s", 140.0),
        startup_s=fields.pop("startup_s", 20.0),
        rasa_peak_mb=fields.pop("rasa_peak_mb", 950.0),
        actions_peak_mb=150.0 if name != "stock" else None,
        scenarios=[
            scenario(1, p1, actions_mb=actions, messages=messages),
            scenario(10, p10, errors=errors, actions_mb=actions, messages=messages),
        ],
        long=fields.pop("long", long_run() if name == "ours" else None),
        **fields,
    )
    return run


PHOTOS = {
    "files": 49,
    "notices": 44,
    "photos": 30,
    "median_s": 1.26,
    "photo_median_s": 1.26,
    "photo_max_s": 2.37,
    "code_right": 0.9773,
    "notice_date_right": 0.9091,
    "amount_due_right": 0.9545,
}


def bench_run(*bots: BotRun, load: float = 0.1, photos: Optional[Dict[str, Any]] = PHOTOS) -> BenchRun:
    """A run of ``bots`` on a quiet (or busy) test machine, with the notice photos timed."""
    machine = {**MACHINE, "load_average": [load, load, load]}
    return BenchRun(
        date="2026-11-26 09:00 UTC",
        machine=machine,
        settings={"duration_s": 60.0, "max_messages": None, "concurrencies": [1, 10]},
        bots=list(bots),
        photos=photos,
    )
