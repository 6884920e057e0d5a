"""Summaries of a py-spy speedscope profile: self time, inclusive time, time per package."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, List, Tuple

from bench.paths import ROOT

Key = Tuple[str, str]  # (function name, file)
_STDLIB = re.compile(r"/lib/python3\.\d+/(?!site-packages/)(.+)$")


def short_file(path: str) -> str:
    """A file path without the virtual environment, standard library or project prefix."""
    if "site-packages/" in path:
        return path.split("site-packages/", 1)[1]
    if path.startswith(str(ROOT) + "/"):
        return path[len(str(ROOT)) + 1 :]
    match = _STDLIB.search(path)
    return match.group(1) if match else path


def package(path: str) -> str:
    """Where a frame's code comes from: a distribution (``tensorflow``), ``project:actions``, ``stdlib:asyncio``."""
    if "site-packages/" in path:
        top = path.split("site-packages/", 1)[1].split("/", 1)[0]
        return re.sub(r"(\.py|\.so|\.cpython.*)$", "", top)
    if path.startswith(str(ROOT) + "/"):
        return "project:" + path[len(str(ROOT)) + 1 :].split("/", 1)[0]
    match = _STDLIB.search(path)
    if match:
        return "stdlib:" + re.sub(r"\.py$", "", match.group(1).split("/", 1)[0])
    return path or "?"


@dataclass
class ProfileSummary:
    """Where the sampled (non-idle) time of one process went, in seconds."""

    role: str
    total_s: float
    recorded_s: float
    threads: Dict[str, float] = field(default_factory=dict)
    self_s: Counter = field(default_factory=Counter)
    inclusive_s: Counter = field(default_factory=Counter)
    packages_s: Counter = field(default_factory=Counter)


def summarise_speedscope(path: Path, role: str, recorded_s: float = 0.0) -> ProfileSummary:
    """Read a py-spy speedscope file (samples root-first, weights in seconds) into a summary."""
    data = json.loads(path.read_text(encoding="utf-8"))
    frames = [(f.get("name", "?"), f.get("file", "") or "") for f in data["shared"]["frames"]]
    summary = ProfileSummary(role=role, total_s=0.0, recorded_s=recorded_s)
    for profile in data.get("profiles", []):
        thread_s = 0.0
        for stack, weight in zip(profile.get("samples", []), profile.get("weights", []), strict=False):
            if not stack:
                continue
            thread_s += weight
            leaf = frames[stack[-1]]
            summary.self_s[leaf] += weight
            summary.packages_s[package(leaf[1])] += weight
            for key in {frames[i] for i in stack}:
                summary.inclusive_s[key] += weight
        summary.threads[profile.get("name", "?")] = thread_s
        summary.total_s += thread_s
    return summary


def _rows(counter: Counter, total: float, top: int, label=lambda k: f"{k[0]}  ({short_file(k[1])})") -> List[str]:
    return (
        [f"{value:8.2f} s {100 * value / total:5.1f}%  {label(key)}" for key, value in counter.most_common(top)]
        if total
        else []
    )


def format_summary(summary: ProfileSummary, top: int = 25) -> str:
    """The summary as plain text: threads, top self time, top inclusive, per package, our code."""
    total = summary.total_s
    lines = [f"## {summary.role}: {total:.1f} s of non-idle samples over {summary.recorded_s:.0f} s recorded"]
    lines += [
        f"  thread {name}: {seconds:.1f} s busy"
        for name, seconds in sorted(summary.threads.items(), key=lambda kv: -kv[1])[:8]
    ]
    lines += ["", f"Top {top} functions by self time:"] + _rows(summary.self_s, total, top)
    lines += ["", f"Top {top} functions by inclusive time:"] + _rows(summary.inclusive_s, total, top)
    lines += ["", "Self time by package:"] + _rows(summary.packages_s, total, 15, label=str)
    ours = Counter({k: v for k, v in summary.inclusive_s.items() if package(k[1]).startswith("project:")})
    lines += ["", "Project code by inclusive time:"] + (_rows(ours, total, 15) or ["  (none sampled)"])
    return "\n".join(lines)
