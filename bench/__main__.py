"""``python -m bench``: our bot against a stock ``rasa init`` bot, in one run.

Phases: build (or reuse) the stock bot; train our bot and the light config from scratch (timed);
score held-out NLU; then start the bots one by one (start-up timed), warm each up, and measure 1 and 10
concurrent conversations with the bots taking turns (``--rounds`` slices of each scenario per bot, so a
busy spell of the machine falls on all of them), then, for our bot, one long conversation
(bench/long.py); print the markdown table and the targets, and write them to ``<out>/latest.md`` and
``<out>/latest.json``.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

from bench import replicas, training
from bench.bots import ours_spec, server_commands
from bench.long import DEFAULT_MESSAGES, DEFAULT_WINDOW, QUICK_MESSAGES
from bench.machine import machine_info
from bench.mix import load_mixes
from bench.nlu import cached_score, evaluate
from bench.paths import BUILD_DIR, MODEL, QUICK_RESULTS_DIR, RESULTS_DIR, ROOT
from bench.photos import measure_photos
from bench.records import BenchRun, BotRun
from bench.report import render
from bench.runner import LoadOptions, run_in_turn
from bench.servers import BotSpec
from bench.targets import OURS, check_targets

QUICK_DURATION_S = 4.0
QUICK_PHOTOS = 4  # files read by --quick, spread across the generated set
DEFAULT_ROUNDS = 3  # a 60 s scenario as three 20 s turns per bot


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """The command line."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument(
        "--quick",
        action="store_true",
        help=f"smoke run: {QUICK_DURATION_S:g} s per scenario, no training, reuse models "
        f"and cached NLU scores; writes to {QUICK_RESULTS_DIR.relative_to(ROOT)} "
        "unless --out is given",
    )
    parser.add_argument(
        "--duration", type=float, default=None, help="seconds per scenario (default 60, --quick %g)" % QUICK_DURATION_S
    )
    parser.add_argument("--messages", type=int, default=None, help="messages per scenario instead of a duration")
    parser.add_argument(
        "--concurrency", default="1,10", help="comma-separated concurrent conversations per scenario (default 1,10)"
    )
    parser.add_argument(
        "--long-messages",
        type=int,
        default=None,
        help=f"messages of our bot's one long conversation (default {DEFAULT_MESSAGES}, --quick "
        f"{QUICK_MESSAGES}; 0 leaves it out)",
    )
    parser.add_argument(
        "--long-window",
        type=int,
        default=DEFAULT_WINDOW,
        help=f"messages at the start and at the end of the long conversation whose p95 are compared "
        f"(default {DEFAULT_WINDOW})",
    )
    parser.add_argument(
        "--rounds",
        type=int,
        default=None,
        help="turns the bots take per scenario, each playing its share of the duration in every turn "
        f"(default {DEFAULT_ROUNDS}, --quick 1)",
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="seconds before a message is an error")
    parser.add_argument("--skip-stock", action="store_true", help="do not build or run the stock bot")
    parser.add_argument("--skip-light", action="store_true", help="do not train, score or run the light config")
    parser.add_argument(
        "--skip-replicas",
        action="store_true",
        help="do not measure the production profile with one and two replicas (needs PostgreSQL, "
        "Redis and RabbitMQ on 127.0.0.1; started when down)",
    )
    parser.add_argument(
        "--skip-training", action="store_true", help="do not time training from scratch (implied by --quick)"
    )
    parser.add_argument("--skip-nlu", action="store_true", help="do not score held-out NLU quality")
    parser.add_argument(
        "--skip-photos", action="store_true", help="do not time the notice reader on the generated photo set"
    )
    parser.add_argument(
        "--rebuild-stock", action="store_true", help="rebuild the cached stock bot (and re-time its training)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    parser.add_argument(
        "--out",
        type=Path,
        default=None,
        help=f"directory for latest.md and latest.json (default {RESULTS_DIR.relative_to(ROOT)})",
    )
    args = parser.parse_args(argv)
    try:
        args.concurrencies = [int(x) for x in args.concurrency.split(",") if x.strip()]
    except ValueError:
        parser.error("--concurrency takes integers like 1,10")
    if not args.concurrencies or min(args.concurrencies) < 1:
        parser.error("--concurrency takes integers >= 1")
    if args.messages is None and args.duration is None:
        args.duration = QUICK_DURATION_S if args.quick else 60.0
    if args.rounds is None:
        args.rounds = 1 if args.quick else DEFAULT_ROUNDS
    if args.rounds < 1:
        parser.error("--rounds takes an integer >= 1")
    if args.long_messages is None:
        args.long_messages = QUICK_MESSAGES if args.quick else DEFAULT_MESSAGES
    if args.long_messages < 0 or args.long_window < 1:
        parser.error("--long-messages takes an integer >= 0 and --long-window one >= 1")
    args.out = args.out or (QUICK_RESULTS_DIR if args.quick else RESULTS_DIR)
    args.skip_training = args.skip_training or args.quick
    return args


@contextmanager
def phase(phases: Dict[str, float], name: str) -> Iterator[None]:
    """Time a phase and announce it."""
    print(f"==> {name}", flush=True)
    start = time.perf_counter()
    try:
        yield
    finally:
        phases[name] = round(time.perf_counter() - start, 1)
        print(f"    ({name}: {phases[name]:.1f} s)", flush=True)


def _shown(command: Tuple[str, ...]) -> str:
    """A command without the virtual environment's path, for the report."""
    return " ".join(Path(command[0]).name if i == 0 else part for i, part in enumerate(command))


def prepare(args: argparse.Namespace, run: BenchRun, workdir: Path) -> List[Tuple[BotRun, BotSpec, str]]:
    """Build and train what the run needs; return (BotRun, BotSpec, mix name) per bot to run."""
    if not MODEL.exists():
        raise SystemExit(f"{MODEL} is missing: run `make train` first")
    plan: List[Tuple[BotRun, BotSpec, str]] = []
    if not args.skip_stock:
        with phase(run.phases, "stock bot: rasa init --no-prompt (cached per Rasa version)"):
            stock = training.build_stock(rebuild=args.rebuild_stock, log_dir=workdir)
        assert stock.model is not None
        bot = BotRun(
            "stock",
            "`rasa init --no-prompt` template, its own `rasa run` (in-memory tracker store), no action server",
            training_s=stock.seconds,
            training_note=stock.note,
        )
        plan.append((bot, BotSpec("stock", stock.model.parents[1], stock.model), "stock"))
    rasa_command, actions_command = server_commands()
    ours = BotRun(
        "ours",
        "this project as `make run` starts it: config.yml, models/tax-assistant.tar.gz, "
        f"`{_shown(rasa_command)}` and `{_shown(actions_command)}`, "
        f"{os.environ.get('BOT_PROFILE') or 'embedded'} profile endpoints, project "
        "credentials, --enable-api with JWT",
    )
    if not args.skip_training:
        with phase(run.phases, "our bot: training from scratch (rasa train --force, empty cache)"):
            timed = training.train_from_scratch(
                ROOT / "config.yml", workdir / "models", "ours-scratch", workdir / "ours-train.log"
            )
        ours.training_s, ours.training_note = timed.seconds, timed.note
        shutil.rmtree(workdir / "models", ignore_errors=True)
    plan.append((ours, ours_spec("ours", MODEL, workdir), "ours"))
    if not args.skip_light:
        light = BotRun(
            "ours-light",
            "this project with bench/config-light.yml (DIET 50 epochs instead of 100, no TED), same servers",
        )
        model = training.cached_light()
        if not args.skip_training:
            with phase(run.phases, "light config: training from scratch"):
                timed = training.train_light(workdir / "light-train.log")
            model, light.training_s, light.training_note = timed.model, timed.seconds, timed.note
        if model is None:
            print(
                "    light model missing or older than config/domain/data: skipped (a run without --quick trains it)",
                flush=True,
            )
        else:
            plan.append((light, ours_spec("ours-light", model, workdir), "ours"))
    if not args.skip_nlu:
        with phase(run.phases, "held-out NLU quality"):
            for bot, spec, _ in plan:
                if bot.name == "stock":
                    continue
                log = workdir / f"{bot.name}-nlu.log"
                bot.nlu = cached_score(spec.model) if args.quick else evaluate(spec.model, log)
                if bot.nlu:
                    print(
                        f"    {bot.name}: intent accuracy {bot.nlu['intent_accuracy']:.3f}, "
                        f"entity F1 {bot.nlu['span_f1']:.3f}",
                        flush=True,
                    )
    return plan


def main(argv: Optional[List[str]] = None) -> int:
    """Run the benchmark; exit 0 unless a bot failed (or, with --strict, a target was missed)."""
    args = parse_args(argv)
    started = time.perf_counter()
    run = BenchRun(
        date=dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        machine=machine_info(),
        settings={
            "quick": args.quick,
            "duration_s": args.duration,
            "max_messages": args.messages,
            "concurrencies": args.concurrencies,
            "timeout_s": args.timeout,
            "long_messages": args.long_messages,
            "long_window": args.long_window,
            "rounds": args.rounds,
        },
    )
    workdir = BUILD_DIR / f"run-{dt.datetime.now():%Y%m%d-%H%M%S}"
    workdir.mkdir(parents=True, exist_ok=True)
    print(f"==> Logs in {workdir}", flush=True)
    mixes = load_mixes()
    options = LoadOptions(
        concurrencies=args.concurrencies,
        duration_s=args.duration,
        max_messages=args.messages,
        timeout_s=args.timeout,
        long_messages=args.long_messages,
        long_window=args.long_window,
        rounds=args.rounds,
    )
    if not args.skip_photos:
        with phase(run.phases, "notice photos: read the generated set"):
            run.photos = measure_photos(limit=QUICK_PHOTOS if args.quick else None)
            print(
                f"    {run.photos['files']} files: median {run.photos['median_s']} s, slowest photo "
                f"{run.photos['photo_max_s']} s, code right {run.photos['code_right']}",
                flush=True,
            )
    plan = [(bot, spec, mixes[mix]) for bot, spec, mix in prepare(args, run, workdir)]
    with phase(run.phases, " and ".join(bot.name for bot, _, _ in plan) + ": start-up and load, in turn"):
        run.bots.extend(run_in_turn(plan, options, workdir, long_for=OURS))
    if not args.skip_replicas:
        with phase(run.phases, f"{replicas.ONE_NAME} and {replicas.NAME}: start-up and load, in turn"):
            run.bots.extend(replicas.run_replicas(mixes["ours"], options, workdir))
    run.phases["total"] = round(time.perf_counter() - started, 1)
    checks = check_targets(run)
    report = render(run, checks)
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.md").write_text(report, encoding="utf-8")
    (args.out / "latest.json").write_text(run.to_json(), encoding="utf-8")
    print("\n" + report)
    print("\n".join(f"{c.status:4}  {c.target}: {c.measured} (target {c.limit})" for c in checks))
    print("\nPhases: " + "; ".join(f"{name} {seconds:.1f} s" for name, seconds in run.phases.items()))
    print(f"Wrote {args.out / 'latest.md'} and {args.out / 'latest.json'}")
    if any(bot.failure for bot in run.bots):
        return 1
    return 1 if args.strict and any(c.status == "MISS" for c in checks) else 0


if __name__ == "__main__":
    sys.exit(main())
