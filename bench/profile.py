"""``python -m bench.profile``: profile our running bot with py-spy under concurrent load.

Starts our bot as the benchmark does, warms it up, then records the Rasa server (and the action
server) with ``py-spy record --format speedscope`` while ``--concurrency`` conversations play the
benchmark's mix, and prints the functions with the most self time, the most inclusive time, and
self time per package. The speedscope files (open them at https://www.speedscope.app) stay in
``--out``.

Usage: python -m bench.profile [--duration 20] [--concurrency 10] [--targets rasa actions]
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import subprocess
import sys
from pathlib import Path
from typing import Dict, List, Optional

from bench.bots import ours_spec
from bench.load import drive
from bench.mix import load_mixes
from bench.paths import BUILD_DIR, MODEL, PY_SPY
from bench.profile_report import ProfileSummary, format_summary, summarise_speedscope
from bench.runner import LoadOptions, warm_up
from bench.servers import running


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=20.0, help="seconds to record (default 20)")
    parser.add_argument("--concurrency", type=int, default=10, help="concurrent conversations (default 10)")
    parser.add_argument(
        "--targets",
        nargs="+",
        choices=("rasa", "actions"),
        default=["rasa", "actions"],
        help="processes to record (default both)",
    )
    parser.add_argument("--rate", type=int, default=100, help="py-spy samples per second (default 100)")
    parser.add_argument("--top", type=int, default=25, help="rows per table (default 25)")
    parser.add_argument(
        "--nonblocking",
        action="store_true",
        help="do not pause the process while sampling (less overhead, less accurate)",
    )
    parser.add_argument("--native", action="store_true", help="include native (C/C++) frames")
    parser.add_argument("--model", type=Path, default=MODEL, help="model to serve (default: ours)")
    parser.add_argument("--out", type=Path, default=None, help="directory for speedscope files and logs")
    return parser.parse_args(argv)


def py_spy_command(pid: int, out: Path, args: argparse.Namespace) -> List[str]:
    """The py-spy command line that records ``pid`` for ``args.duration`` seconds."""
    command = [
        str(PY_SPY),
        "record",
        "--pid",
        str(pid),
        "--rate",
        str(args.rate),
        "--duration",
        str(round(args.duration)),
        "--format",
        "speedscope",
        "-o",
        str(out),
        "--subprocesses",
    ]
    if args.nonblocking:
        command.append("--nonblocking")
    if args.native:
        command.append("--native")
    return command


def record(pids: Dict[str, int], base_url: str, workdir: Path, args: argparse.Namespace) -> Dict[str, Path]:
    """Record every target with py-spy while the load runs; return the speedscope files."""
    mix = load_mixes()["ours"]
    outputs = {role: workdir / f"{role}.speedscope.json" for role in args.targets}
    spies = {}
    for role in args.targets:
        log = (workdir / f"py-spy-{role}.log").open("wb")
        spies[role] = (
            subprocess.Popen(py_spy_command(pids[role], outputs[role], args), stdout=log, stderr=subprocess.STDOUT),
            log,
        )
    # Keep the load on a little longer than the recording so every sample sees a busy server.
    result = asyncio.run(
        drive([base_url], mix.conversations, args.concurrency, duration_s=args.duration + 2, timeout_s=60)
    )
    print(f"    load: {result.sent} messages in {result.elapsed_s:.1f} s, {result.error_count} errors", flush=True)
    for role, (process, log) in spies.items():
        try:
            process.wait(timeout=args.duration + 120)
        finally:
            log.close()
        if process.returncode != 0 or not outputs[role].exists():
            text = (workdir / f"py-spy-{role}.log").read_text(errors="replace")
            raise RuntimeError(f"py-spy failed for {role} ({process.returncode}):\n{text[-2000:]}")
    return outputs


def main(argv: Optional[List[str]] = None) -> int:
    """Start our bot, profile it under load, print the summaries."""
    args = parse_args(argv)
    if not PY_SPY.exists():
        print(f"py-spy is not installed at {PY_SPY} (pip install py-spy)", file=sys.stderr)
        return 2
    workdir = args.out or BUILD_DIR / f"profile-{dt.datetime.now():%Y%m%d-%H%M%S}"
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"==> Starting our bot (logs and profiles in {workdir})", flush=True)
    with running(ours_spec("ours", args.model.resolve(), workdir), workdir, load_mixes()["ours"].startup) as bot:
        print(f"    answering after {bot.startup_s:.1f} s; warming up", flush=True)
        warm_up([bot.url], load_mixes()["ours"], LoadOptions())
        print(
            f"==> Recording {', '.join(args.targets)} for {args.duration:g} s at "
            f"{args.concurrency} concurrent conversations",
            flush=True,
        )
        outputs = record(bot.pids, bot.url, workdir, args)
    summaries: List[ProfileSummary] = []
    for role, path in outputs.items():
        summary = summarise_speedscope(path, role, args.duration)
        summaries.append(summary)
        text = format_summary(summary, args.top)
        (workdir / f"{role}-top.txt").write_text(text, encoding="utf-8")
        print("\n" + text)
    print(f"\nSpeedscope files: {', '.join(str(p) for p in outputs.values())} (https://www.speedscope.app)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
