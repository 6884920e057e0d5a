"""Shared helpers for the action tests: the real domain, a fixed today, trackers built from events."""

from __future__ import annotations

import datetime as dt
import re
import types
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Tuple

import pytest
import yaml
from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.base
import actions.handoff
from settings.assistant import Settings
from store.cases import CaseRepository
from store.db import get_database

ROOT = Path(__file__).resolve().parents[2]
DOMAIN: Dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 11, 26)  # a Thursday
FIRM = "Acme Tax Relief"
_PLACEHOLDER = re.compile(r"{([a-z_]+)}")


def response_placeholders(name: str) -> set:
    """Every {placeholder} used by any variant of the domain response ``name``."""
    return {p for variant in DOMAIN["responses"][name] for p in _PLACEHOLDER.findall(variant.get("text", ""))}


def entity(text: str, value: str, name: str = "notice_code") -> Dict[str, Any]:
    """An extracted entity as Rasa reports it, with its character span in ``text``."""
    start = text.index(value)
    return {
        "entity": name,
        "value": value,
        "start": start,
        "end": start + len(value),
        "extractor": "SpacyEntityExtractor",
    }


def make_tracker(
    text: str = "",
    intent: str = "explain_notice",
    entities: Optional[List[Dict[str, Any]]] = None,
    slots: Optional[Dict[str, Any]] = None,
    intent_ranking: Optional[List[Dict[str, Any]]] = None,
    codes: Tuple[str, ...] = (),
) -> Tracker:
    """A tracker whose latest message is ``text``; ``codes`` adds notice_code entities found in the text."""
    all_slots = {name: spec.get("initial_value") for name, spec in DOMAIN["slots"].items()}
    all_slots.update(slots or {})
    ents = [entity(text, code) for code in codes] + list(entities or [])
    latest = {
        "text": text,
        "intent": {"name": intent, "confidence": 1.0},
        "entities": ents,
        "intent_ranking": intent_ranking or [{"name": intent, "confidence": 1.0}],
    }
    events: List[Dict[str, Any]] = [
        {"event": "action", "name": "action_session_start"},
        {"event": "session_started"},
        {"event": "action", "name": "action_listen"},
    ]
    events += [{"event": "slot", "name": k, "value": v} for k, v in (slots or {}).items()]
    events.append({"event": "user", "text": text, "parse_data": latest})
    return Tracker("test-user", all_slots, latest, events, False, None, {}, "action_listen")


def settings_with(**overrides: Any) -> Settings:
    values: Dict[str, Any] = dict(
        firm_name=FIRM,
        firm_phone=None,
        firm_email=None,
        firm_website=None,
        firm_hours=None,
        firm_timezone="America/New_York",
    )
    values.update(overrides)
    return Settings(_env_file=None, **values)


@pytest.fixture
def use_settings(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Settings]:
    """Install settings for the actions (get_settings is lru_cached, so replace it where actions look it up)."""

    def install(**overrides: Any) -> Settings:
        settings = settings_with(**overrides)
        monkeypatch.setattr(actions.base, "get_settings", lambda: settings)
        return settings

    return install


@pytest.fixture(autouse=True)
def fixed_today(monkeypatch: pytest.MonkeyPatch, use_settings: Callable[..., Settings]) -> dt.date:
    monkeypatch.setattr(Settings, "today", lambda self: TODAY)
    use_settings()
    return TODAY


async def run_action(action: Action, tracker: Tracker) -> Tuple[List[Dict[str, Any]], List[Dict[str, Any]]]:
    """Run ``action``; check that each response exists in the domain and gets all its template values."""
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, DOMAIN)
    for message in dispatcher.messages:
        name = message["response"]
        assert name in DOMAIN["responses"], f"{action.name()} sent {name!r}, which domain.yml lacks"
        missing = response_placeholders(name) - {k for k, v in message.items() if v is not None}
        assert not missing, f"{name} sent without {sorted(missing)}"
    return dispatcher.messages, events


def names(messages: List[Dict[str, Any]]) -> List[str]:
    return [m["response"] for m in messages]


def only(messages: List[Dict[str, Any]], response: str) -> Dict[str, Any]:
    found = [m for m in messages if m["response"] == response]
    assert len(found) == 1, f"expected one {response}, got {names(messages)}"
    return found[0]


# Thursday 2026-11-26 (the tests' today): 10:00 and 20:00 in New York.
ON_DUTY = dt.datetime(2026, 11, 26, 15, 0, tzinfo=dt.timezone.utc)
OFF_DUTY = dt.datetime(2026, 11, 27, 1, 0, tzinfo=dt.timezone.utc)


class Store:
    """The case store of one test, and a way to freeze the handoff's clock."""

    def __init__(self, url: str, install: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch) -> None:
        self.url = url
        self._install = install
        self._monkeypatch = monkeypatch
        self.settings = install(database_url=url)
        self.now(ON_DUTY)

    @property
    def repo(self) -> CaseRepository:
        return CaseRepository(get_database(self.url))

    def configure(self, **overrides: Any) -> Settings:
        self.settings = self._install(database_url=self.url, **overrides)
        return self.settings

    def now(self, moment: dt.datetime) -> None:
        class Frozen(dt.datetime):
            @classmethod
            def now(cls, tz: Optional[dt.tzinfo] = None) -> dt.datetime:  # type: ignore[override]
                return moment.astimezone(tz)

        clock = types.SimpleNamespace(**{name: getattr(dt, name) for name in dir(dt) if not name.startswith("_")})
        clock.datetime = Frozen
        self._monkeypatch.setattr(actions.handoff, "dt", clock)

    def cases(self):
        return self.repo.list()


@pytest.fixture
def store(tmp_path: Path, use_settings: Callable[..., Settings], monkeypatch: pytest.MonkeyPatch) -> Store:
    """A fresh SQLite case store, the actions' settings pointing at it, the clock at ON_DUTY."""
    return Store(f"sqlite:///{tmp_path}/cases.db", use_settings, monkeypatch)
