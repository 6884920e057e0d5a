"""Notice, within one user turn, that Rasa dropped a custom action because it failed.

When the action server is down, slow (beyond ``ACTION_TIMEOUT_S``) or answers with an error,
Rasa 3.6 logs "Encountered an exception while running action …" from ``rasa.core.processor``,
drops the action's events and carries on predicting. On a conversation's first message the
failed action is ``action_session_start`` and Rasa then answers ``utter_default`` ("I couldn't
follow that"), which misleads the taxpayer. The guard opens a :func:`watching` scope around each
turn; the log handler below records failures in that scope only (a context variable, so
concurrent turns of other conversations are not mixed up).
"""

from __future__ import annotations

import contextlib
import logging
from contextvars import ContextVar
from typing import Iterator, List, Optional

# The logger and the message start Rasa 3.6.21 uses (rasa/core/processor.py, _run_action);
# tests/channels/test_turn_failures.py fails if either changes.
PROCESSOR_LOGGER = "rasa.core.processor"
FAILURE_MESSAGE = "Encountered an exception while running action"

_failures: ContextVar[Optional[List[str]]] = ContextVar("turn_failures", default=None)


class _FailureHandler(logging.Handler):
    """Records a dropped action in the current turn's list (when a turn is being watched)."""

    def emit(self, record: logging.LogRecord) -> None:
        failures = _failures.get()
        if failures is None:
            return
        message = record.getMessage()
        if message.startswith(FAILURE_MESSAGE):
            failures.append(message[len(FAILURE_MESSAGE) :].strip(" '.").split("'")[0])


_HANDLER = _FailureHandler(level=logging.ERROR)


def install() -> None:
    """Attach the handler to Rasa's processor logger (idempotent)."""
    processor_logger = logging.getLogger(PROCESSOR_LOGGER)
    if _HANDLER not in processor_logger.handlers:
        processor_logger.addHandler(_HANDLER)


@contextlib.contextmanager
def watching() -> Iterator[List[str]]:
    """A turn's scope: yields the list that fills with the names of actions Rasa dropped."""
    install()
    failures: List[str] = []
    token = _failures.set(failures)
    try:
        yield failures
    finally:
        _failures.reset(token)
