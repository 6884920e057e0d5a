"""Servers started in the background, so that their start-up overlaps with the tests before them.

A Rasa server takes 12-30 s to start on 2 cores, most of it on one core while the tests before it
leave the other idle (they wait on a server of their own, or run in the one pytest process). So:

- :class:`InBackground` enters a context manager (one that starts servers and stops them on exit)
  in a thread of its own; :meth:`InBackground.wait` gives what it yielded.
- The modules whose settings no other module shares start a stack of their own; they name it with
  a module-level ``BACKGROUND_STACK``: a function ``(tmp_dir, param) -> context manager`` (``param``
  is the module's parametrized ``stack`` fixture's parameter, else None). tests/conftest.py hands
  :func:`plan` the order in which the collected tests first use each stack and starts the first;
  when a module takes its stack (:func:`take`), the next one starts, so at most two private stacks
  run beside the shared bot. A module whose tests time its servers closely (the fault tests: a 6 s
  action timeout, a restarted action server's first answer) sets ``BACKGROUND_QUIET = True``: the
  next stack starts only once its own has stopped. What was started and not taken is stopped when
  the session ends.

Usage in a test module::

    @contextmanager
    def start_stack(tmp: Path, param: Optional[str]) -> Iterator[Stack]: ...

    BACKGROUND_STACK = start_stack

    @pytest.fixture(scope="module")
    def stack() -> Iterator[Stack]:
        yield from background.take(start_stack)
"""

from __future__ import annotations

import sys
import tempfile
import threading
from contextlib import AbstractContextManager, ExitStack
from pathlib import Path
from typing import Callable, Dict, Generic, Iterator, List, Optional, Tuple, TypeVar

T = TypeVar("T")
StackStarter = Callable[[Path, Optional[str]], AbstractContextManager]
Key = Tuple[StackStarter, Optional[str]]


class InBackground(Generic[T]):
    """A context manager entered in a background thread.

    Usage::

        running = InBackground(lambda: running_bot(tmp)).start()
        bot = running.wait()  # what the context manager yielded, or its start-up's error raised
        running.stop()  # exits it; raises what the exit raised
    """

    def __init__(self, enter: Callable[[], AbstractContextManager[T]], name: str = "background-start") -> None:
        self._enter = enter
        self._running = ExitStack()
        self._value: Optional[T] = None
        self._error: Optional[BaseException] = None
        self._thread = threading.Thread(target=self._start, name=name, daemon=True)

    def start(self) -> InBackground[T]:
        """Begin entering the context manager; returns at once."""
        self._thread.start()
        return self

    def _start(self) -> None:
        try:
            self._value = self._running.enter_context(self._enter())
        except Exception as error:  # noqa: BLE001 - any start-up failure is raised in the test that waits
            self._error = error

    def wait(self) -> T:
        """What the context manager yielded, once it has; raises what made its start fail."""
        if self._thread.ident is None:
            self.start()  # never started: start it now
        self._thread.join()
        if self._error is not None:
            raise self._error
        assert self._value is not None
        return self._value

    def stop(self) -> None:
        """Exit the context manager (after its start has finished); safe to call more than once."""
        if self._thread.ident is not None:
            self._thread.join()
        self._running.close()


class _Stack:
    """A private stack started in the background, with the temporary directory it runs in."""

    def __init__(self, key: Key) -> None:
        starter, param = key
        self.tmp = _make_tmp(f"{starter.__module__.rpartition('.')[2]}-{param or 'stack'}")
        self.running: InBackground = InBackground(lambda: starter(self.tmp, param), name=f"start-{self.tmp.name}")

    def stop(self) -> None:
        """Stop it; its directory (logs) stays with pytest's other temporary directories."""
        self.running.stop()


_order: List[Key] = []
_stacks: Dict[Key, _Stack] = {}


def _make_tmp(name: str) -> Path:
    return Path(tempfile.mkdtemp(prefix=f"pytest-{name}-"))


def plan(order: List[Key], make_tmp: Optional[Callable[[str], Path]] = None) -> None:
    """The order in which the collected tests first use each private stack; the first starts now.

    ``make_tmp`` makes a stack's directory from a name (e.g. pytest's ``tmp_path_factory.mktemp``).
    """
    global _make_tmp  # set once per session, before any stack starts
    if make_tmp is not None:
        _make_tmp = make_tmp
    _order[:] = order
    if order:
        _start(order[0])


def _start(key: Key) -> _Stack:
    if key not in _stacks:
        _stacks[key] = _Stack(key)
        _stacks[key].running.start()
    return _stacks[key]


def take(starter: StackStarter, param: Optional[str] = None) -> Iterator:
    """A module fixture's body: its stack (started earlier, or now), and the next stack starting.

    Yields what the stack's context manager yields; stops the stack when the fixture is torn down.
    """
    key = (starter, param)
    stack = _start(key)
    quiet = getattr(sys.modules.get(starter.__module__), "BACKGROUND_QUIET", False)
    if not quiet:
        _start_next(key)
    try:
        yield stack.running.wait()
    finally:
        _stacks.pop(key, None)
        stack.stop()
        if quiet:
            _start_next(key)


def _start_next(key: Key) -> None:
    if key in _order and _order.index(key) + 1 < len(_order):
        _start(_order[_order.index(key) + 1])


def stop_all() -> None:
    """Stop every stack started and not taken (e.g. after ``-x`` or ``-k``)."""
    while _stacks:
        _stacks.popitem()[1].stop()
