"""The benchmark's markdown report: machine, latency table, build/start table, targets."""

from __future__ import annotations

import math
from typing import Dict, Iterable, List, Optional, Sequence

from bench.machine import busy
from bench.records import BenchRun, BotRun
from bench.targets import Check

MISSING = "—"
LOAD_COLUMNS = (
    "bot",
    "concurrent",
    "messages",
    "p50 ms",
    "p95 ms",
    "p99 ms",
    "msg/s",
    "errors",
    "Rasa RSS MB",
    "actions RSS MB",
)
BUILD_COLUMNS = (
    "bot",
    "training from scratch s",
    "start-up to first answer s",
    "Rasa peak RSS MB",
    "actions peak RSS MB",
    "intent accuracy",
    "entity F1",
)
TARGET_COLUMNS = ("target", "limit", "measured", "result")


def fmt(value: Optional[float], digits: int = 1) -> str:
    """A number with ``digits`` decimals, or an em dash when missing or NaN."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING
    return f"{value:.{digits}f}"


def table(columns: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A GitHub markdown table; numeric-looking columns are right-aligned."""
    rows = [list(r) for r in rows]
    align = [
        "---" if i == 0 or columns[i] in ("target", "limit", "measured", "result") else "---:"
        for i in range(len(columns))
    ]
    lines = ["| " + " | ".join(columns) + " |", "| " + " | ".join(align) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def load_rows(bots: Sequence[BotRun]) -> List[List[str]]:
    """One row per bot and concurrency, bots side by side for each concurrency."""
    levels = sorted({s.concurrency for b in bots for s in b.scenarios})
    rows = []
    for level in levels:
        for bot in bots:
            scenario = bot.scenario(level)
            if scenario is None:
                continue
            s = scenario.summary
            rows.append(
                [
                    bot.name,
                    str(level),
                    str(s.messages),
                    fmt(s.p50_ms),
                    fmt(s.p95_ms),
                    fmt(s.p99_ms),
                    fmt(s.messages_per_s),
                    str(s.errors),
                    fmt(scenario.peak_mb("rasa"), 0),
                    fmt(scenario.peak_mb("actions"), 0),
                ]
            )
    return rows


def build_rows(bots: Sequence[BotRun]) -> List[List[str]]:
    """One row per bot: training, start-up, whole-run memory peaks, held-out NLU quality."""
    rows = []
    for bot in bots:
        nlu = bot.nlu or {}
        rows.append(
            [
                bot.name,
                fmt(bot.training_s),
                fmt(bot.startup_s),
                fmt(bot.rasa_peak_mb, 0),
                fmt(bot.actions_peak_mb, 0),
                fmt(nlu.get("intent_accuracy"), 3),
                fmt(nlu.get("span_f1"), 3),
            ]
        )
    return rows


def machine_line(run: BenchRun) -> str:
    """One sentence naming the machine, the software and the date."""
    m = run.machine
    cores = f"{m['cores_logical']} logical cores"
    if m.get("cores_usable") and m["cores_usable"] != m["cores_logical"]:
        cores += f" ({m['cores_usable']} usable)"
    return (
        f"Measured {run.date} on {m['cpu']}, {cores}, {m['ram_gb']} GB RAM, {m['os']}, "
        f"Python {m['python']}, Rasa {m['rasa']}; load average at the start "
        f"{' / '.join(f'{x:.2f}' for x in m['load_average'])}."
    )


def photo_line(run: BenchRun) -> List[str]:
    """One paragraph on the notice reader over the generated photo set, when it was measured."""
    p = run.photos
    if not p:
        return []

    def share(name: str) -> str:
        value = p.get(name)
        return MISSING if value is None else f"{value:.0%}"

    return [
        f"Notice photos (`bench/photos.py`): {p['files']} generated files ({p['photos']} phone "
        f"photos, {p['notices']} notices), read one at a time: median {fmt(p.get('median_s'), 2)} s per file, "
        f"photo median {fmt(p.get('photo_median_s'), 2)} s, slowest photo {fmt(p.get('photo_max_s'), 2)} s; "
        f"fields right on the notices: code {share('code_right')}, date {share('notice_date_right')}, "
        f"amount {share('amount_due_right')}.",
        "",
    ]


def long_line(run: BenchRun) -> List[str]:
    """One paragraph per bot on its long conversation (bench/long.py), when it ran."""
    lines = []
    for bot in run.bots:
        long = bot.long
        if long is None:
            continue
        blocks = ", ".join(f"{int(first)}-{int(last)}: {fmt(p95, 0)}" for first, last, p95 in long.blocks)
        lines += [
            f"Long conversation (`bench/long.py`, {bot.name}): one sender, {long.messages} messages one at a "
            f"time (the mix's turns over and over), {long.errors} errors, {fmt(long.elapsed_s, 0)} s; p95 of "
            f"messages 1-{long.window} {fmt(long.early_p95_ms)} ms, of messages {long.late_first}-"
            f"{long.late_first + long.window - 1} (the same turns) {fmt(long.late_p95_ms)} ms "
            f"({fmt(long.ratio, 2)}x); p95 ms per block of messages: {blocks}.",
            "",
        ]
    return lines


def notes(run: BenchRun) -> List[str]:
    """Footnotes: what each bot is, where numbers came from, failures and error kinds."""
    s = run.settings
    budget = f"{s['duration_s']:g} s" if s.get("duration_s") else f"{s['max_messages']} messages"
    rounds = int(s.get("rounds") or 1)
    turns = (
        f", played by the bots in turn in {rounds} rounds (each bot its share in every round, so a busy spell "
        "of the machine falls on all of them)"
        if rounds > 1
        else ""
    )
    lines = [
        f"- Each scenario: {budget} of scripted conversations over the REST channel "
        f"(bench/messages.yml){turns}, each conversation sending one message at a time; "
        "latency is from send to the full HTTP reply; RSS includes child processes "
        "(sampled every 0.2 s)."
    ]
    for bot in run.bots:
        extra = f" Training: {bot.training_note}." if bot.training_note else ""
        if bot.nlu:
            extra += " NLU: held-out set (tests/nlu/heldout.yml), entity F1 = notice-code spans."
        lines.append(f"- **{bot.name}**: {bot.description}.{extra}")
        if bot.failure:
            lines.append(f"  - FAILED: {bot.failure.splitlines()[0][:200]}")
        kinds: Dict[str, int] = {}
        for scenario in bot.scenarios:
            for kind, count in scenario.errors_by_kind.items():
                kinds[kind] = kinds.get(kind, 0) + count
        if kinds:
            lines.append("  - errors: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    if busy(run.machine):
        lines.append(
            "- **The machine was busy with other work during this run: the numbers are "
            "not comparable with a quiet machine's.**"
        )
    return lines


def render(run: BenchRun, checks: Sequence[Check]) -> str:
    """The whole markdown report."""
    target_rows = [
        [c.target, c.limit, c.measured, f"**{c.status}**" if c.status == "MISS" else c.status] for c in checks
    ]
    parts = [
        f"### Benchmark: our bot vs a stock `rasa init` bot (Rasa {run.machine['rasa']})",
        "",
        machine_line(run),
        "",
        table(LOAD_COLUMNS, load_rows(run.bots)),
        "",
        table(BUILD_COLUMNS, build_rows(run.bots)),
        "",
        *long_line(run),
        *photo_line(run),
        *notes(run),
        "",
        "Targets (issues 5, 16 and 17):",
        "",
        table(TARGET_COLUMNS, target_rows),
        "",
    ]
    return "\n".join(parts)
