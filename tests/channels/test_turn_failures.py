"""Noticing, per turn, that Rasa dropped a failed custom action."""

from __future__ import annotations

import asyncio
import inspect
import logging

from rasa.core import processor

from channels.turn_failures import FAILURE_MESSAGE, PROCESSOR_LOGGER, watching


def test_rasa_still_logs_a_dropped_action_with_these_words() -> None:
    source = inspect.getsource(processor.MessageProcessor._run_action)
    assert FAILURE_MESSAGE in source
    assert processor.logger.name == PROCESSOR_LOGGER


def _rasa_drops(action: str) -> None:
    try:
        raise ConnectionError("action server unreachable")
    except ConnectionError:
        logging.getLogger(PROCESSOR_LOGGER).exception(
            f"{FAILURE_MESSAGE} '{action}'.Bot will continue, but the actions events are lost."
        )


def test_a_failure_inside_a_watched_turn_is_recorded_with_the_action_name() -> None:
    with watching() as failures:
        _rasa_drops("action_session_start")
    assert failures == ["action_session_start"]


def test_failures_outside_a_turn_or_other_errors_are_ignored() -> None:
    _rasa_drops("action_answer_message")  # no turn watched: nothing to record, no error
    with watching() as failures:
        logging.getLogger(PROCESSOR_LOGGER).error("Some other problem")
    assert failures == []


async def test_concurrent_turns_only_see_their_own_failures() -> None:
    async def turn(fails: bool) -> list:
        with watching() as failures:
            await asyncio.sleep(0.01)
            if fails:
                _rasa_drops("action_submit_case")
            await asyncio.sleep(0.01)
            return list(failures)

    results = await asyncio.gather(turn(True), turn(False), turn(True))
    assert results == [["action_submit_case"], [], ["action_submit_case"]]
