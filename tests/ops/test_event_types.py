"""Event classes found by name from a table behave exactly like Rasa's own lookup."""

from __future__ import annotations

import pytest
from rasa.shared.core.events import ActionExecuted, BotUttered, Event, SlotSet, UserUttered

from ops import event_types

RASAS = Event.__dict__["resolve_by_type"].__func__
RASAS = getattr(RASAS, "__wrapped__", RASAS)


@pytest.fixture
def resolve():
    return event_types.cached(RASAS)


@pytest.mark.parametrize(
    "name, cls", [("user", UserUttered), ("bot", BotUttered), ("slot", SlotSet), ("action", ActionExecuted)]
)
def test_known_names_give_rasas_class_twice(resolve, name: str, cls: type) -> None:
    assert resolve(name) is cls is RASAS(name)
    assert resolve(name) is cls


def test_unknown_names_topic_and_defaults_behave_as_in_rasa(resolve) -> None:
    with pytest.raises(ValueError, match="Unknown event name"):
        resolve("no-such-event")
    assert resolve("topic") is None
    assert resolve("no-such-event", SlotSet) is SlotSet
    with pytest.raises(ValueError):
        resolve("no-such-event")  # the default was not kept for the name


def test_the_table_skips_rasas_walk_after_the_first_lookup(resolve, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list = []

    def counted(name: str, default=None):
        calls.append(name)
        return RASAS(name, default)

    resolve = event_types.cached(counted)
    for _ in range(3):
        resolve("user")
    assert calls == ["user"]


def test_install_is_idempotent_and_events_still_deserialise(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Event, "resolve_by_type", staticmethod(RASAS))
    event_types.install()
    installed = Event.__dict__["resolve_by_type"].__func__
    event_types.install()
    assert Event.__dict__["resolve_by_type"].__func__ is installed
    event = Event.from_parameters({"event": "slot", "name": "language", "value": "es"})
    assert isinstance(event, SlotSet) and event.value == "es"
