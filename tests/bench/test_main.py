"""The command line of python -m bench."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.__main__ import QUICK_DURATION_S, parse_args
from bench.paths import QUICK_RESULTS_DIR, RESULTS_DIR


def test_defaults_are_the_full_benchmark() -> None:
    args = parse_args([])
    assert (args.duration, args.concurrencies, args.out, args.skip_training) == (60.0, [1, 10], RESULTS_DIR, False)


def test_quick_is_short_skips_training_and_keeps_the_published_table() -> None:
    args = parse_args(["--quick"])
    assert (args.duration, args.skip_training, args.out) == (QUICK_DURATION_S, True, QUICK_RESULTS_DIR)


def test_the_long_conversation_is_a_thousand_messages_and_sixty_in_a_smoke_run() -> None:
    assert (parse_args([]).long_messages, parse_args([]).long_window) == (1000, 10)
    assert parse_args(["--quick"]).long_messages == 60
    assert parse_args(["--quick", "--long-messages", "0"]).long_messages == 0  # left out
    assert parse_args(["--long-messages", "400", "--long-window", "25"]).long_window == 25


@pytest.mark.parametrize("option", [["--long-messages", "-1"], ["--long-window", "0"]])
def test_bad_long_options_are_refused(option) -> None:
    with pytest.raises(SystemExit):
        parse_args(option)


def test_options(tmp_path: Path) -> None:
    args = parse_args(["--messages", "200", "--concurrency", "1,5,10", "--skip-stock", "--out", str(tmp_path)])
    assert (args.messages, args.duration, args.concurrencies, args.skip_stock, args.out) == (
        200,
        None,
        [1, 5, 10],
        True,
        tmp_path,
    )


@pytest.mark.parametrize("value", ["a,b", "0", ""])
def test_bad_concurrency_is_refused(value: str) -> None:
    with pytest.raises(SystemExit):
        parse_args(["--concurrency", value])


def test_the_two_replica_row_is_on_by_default_and_can_be_skipped() -> None:
    assert parse_args([]).skip_replicas is False
    assert parse_args(["--skip-replicas"]).skip_replicas is True
