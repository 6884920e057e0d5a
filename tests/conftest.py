"""Session-wide fixtures: the bot the integration and widget tests share (tests/integration/shared_bot.py)
and the PostgreSQL test database (tests/databases.py), and the trained model loaded in this process.

When the collected tests include one that uses ``shared_bot``, the bot starts in the background as
soon as collection ends (:class:`StartingSharedBot`), so its start-up overlaps with the unit tests
that run first; the fixture waits for it. The benchmark's smoke run (``quick_bench``,
tests/bench/quick_run.py) starts the same way, so its minute overlaps with the tests before it, and
so does the secret scan of every tracked file (``secret_scan``, tests/secret_scan.py), niced so it
only takes a core the tests leave idle; the tests that wait for the scan's findings run last
(:func:`pytest_collection_modifyitems`), so the scan has the whole run to finish instead of holding
up the third module (it waited 68 s there). The modules with servers of their own (faults, hand-off,
hostile input, scale-out) get them started one module ahead (tests/background.py).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Dict, Iterator, List, Type, TypeVar, Union

import pytest

from tests import background
from tests.bench.quick_run import QuickBench
from tests.databases import usable_postgres_url
from tests.integration.servers import MODEL, free_port
from tests.integration.shared_bot import SharedBot, StartingSharedBot
from tests.secret_scan import BackgroundScan

if TYPE_CHECKING:
    from rasa.core.agent import Agent


_DEMO_PORT = free_port()  # the widget demo website's port, fixed for the run: the shared bot allows its origin


def _start_shared_bot() -> StartingSharedBot:
    tmp = Path(tempfile.mkdtemp(prefix="pytest-shared-bot-"))
    return StartingSharedBot(tmp, f"http://127.0.0.1:{_DEMO_PORT}").start()


def _start_quick_bench() -> QuickBench:
    return QuickBench(Path(tempfile.mkdtemp(prefix="pytest-quick-bench-"))).start()


def _start_secret_scan() -> BackgroundScan:
    return BackgroundScan(Path(tempfile.mkdtemp(prefix="pytest-secret-scan-"))).start()


Background = Union[StartingSharedBot, QuickBench, BackgroundScan]
Run = TypeVar("Run", QuickBench, BackgroundScan)
# What starts in the background when collection ends, by the name of the fixture that waits for it.
_STARTERS: Dict[str, Callable[[], Background]] = {
    "shared_bot": _start_shared_bot,
    "quick_bench": _start_quick_bench,
    "secret_scan": _start_secret_scan,
}
_started: Dict[str, Background] = {}


# Fixtures whose background run the tests wait for: those tests go last, after everything else.
_WAIT_LAST = ("secret_scan",)


def pytest_collection_modifyitems(items: List[pytest.Item]) -> None:
    """Move the tests that wait for a background run's result to the end (otherwise in collection order)."""
    items.sort(key=lambda item: any(name in item.fixturenames for name in _WAIT_LAST))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the shared bot, the benchmark's smoke run and the secret scan in the background when a
    collected test uses them."""
    if session.config.option.collectonly:
        return
    for name, start in _STARTERS.items():
        if any(name in item.fixturenames for item in session.items):
            _started[name] = start()
    background.plan(_private_stacks(session.items), session.config._tmp_path_factory.mktemp)  # type: ignore[attr-defined]


def _private_stacks(items: List[pytest.Item]) -> List[background.Key]:
    """The private stacks (a module's ``BACKGROUND_STACK``) in the order the tests first use them."""
    order: List[background.Key] = []
    for item in items:
        starter = getattr(getattr(item, "module", None), "BACKGROUND_STACK", None)
        if starter is None:
            continue
        callspec = getattr(item, "callspec", None)
        key = (starter, callspec.params.get("stack") if callspec is not None else None)
        if key not in order:
            order.append(key)
    return order


def pytest_sessionfinish(session: pytest.Session) -> None:
    """Stop what was started and no fixture took over (e.g. after ``-x``)."""
    background.stop_all()
    for name in list(_started):
        running = _started.pop(name)
        if isinstance(running, StartingSharedBot):
            _stop_shared_bot(running)
        else:
            running.stop()


def _take(name: str) -> Background:
    """What was started for fixture ``name``; started now if its test was not collected (requested dynamically)."""
    return _started.pop(name, None) or _STARTERS[name]()


def _stop_shared_bot(starting: StartingSharedBot) -> None:
    starting.stop()  # raises when a channel secret is in the Rasa log
    shutil.rmtree(starting.tmp, ignore_errors=True)  # kept when the check fails


def _run_in_background(name: str, kind: Type[Run]) -> Iterator[Run]:
    """A fixture's body for a background run with an ``out`` directory: the run, stopped and removed after."""
    run = _take(name)
    assert isinstance(run, kind)
    yield run
    run.stop()
    shutil.rmtree(run.out, ignore_errors=True)


@pytest.fixture(scope="session")
def quick_bench() -> Iterator[QuickBench]:
    """The benchmark's smoke run (started after collection); the test waits for its result."""
    yield from _run_in_background("quick_bench", QuickBench)


@pytest.fixture(scope="session")
def secret_scan() -> Iterator[BackgroundScan]:
    """The secret scan of every tracked file (started after collection); the tests wait for its findings."""
    yield from _run_in_background("secret_scan", BackgroundScan)


@pytest.fixture(scope="session")
def demo_port() -> int:
    """The widget demo website's port, fixed for the session so the shared bot can allow its origin."""
    return _DEMO_PORT


@pytest.fixture(scope="session")
def shared_bot() -> Iterator[SharedBot]:
    """The bot every module that needs no special settings talks to (started after collection)."""
    starting = _take("shared_bot")
    assert isinstance(starting, StartingSharedBot)
    yield starting.wait()
    _stop_shared_bot(starting)  # fails the last test's teardown when a secret is in the log


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """The URL of the PostgreSQL test database, with whichever user can connect."""
    return usable_postgres_url()


@pytest.fixture(scope="session")
def trained_agent() -> Agent:
    """The trained model loaded once in the test process (about 5 s), for the tests that parse with it."""
    from rasa.core.agent import Agent

    assert MODEL.exists(), "train first: make train"
    return Agent.load(str(MODEL))
