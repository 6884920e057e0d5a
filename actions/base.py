"""Shared base class and tracker helpers for the project's actions."""
from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.knowledge.store import Knowledge, cached_knowledge
from actions.settings import Settings, get_settings

NOTICE_ENTITY = "notice_code"
# Entities whose text must not be read as a date ("CP 2000" is not the year 2000).
NON_DATE_ENTITIES = ("notice_code", "amount", "form")

Button = Dict[str, str]


class BaseAction(Action, ABC):
    """An action of this project: every subclass names itself; shared resources load lazily."""

    @abstractmethod
    def name(self) -> str:
        """The action's name as listed in domain.yml."""

    @property
    def settings(self) -> Settings:
        """Deployment settings, read once."""
        return get_settings()

    @property
    def knowledge(self) -> Knowledge:
        """The validated knowledge base, loaded on first use."""
        return cached_knowledge(self.settings.knowledge_path)


def latest_entity_values(tracker: Tracker, entity: str) -> List[str]:
    """Values of ``entity`` in the latest user message, in order, without repeats."""
    values: List[str] = []
    for item in tracker.latest_message.get("entities", []) or []:
        value = item.get("value")
        if item.get("entity") == entity and isinstance(value, str) and value not in values:
            values.append(value)
    return values


def entity_spans(tracker: Tracker, entities: Tuple[str, ...] = NON_DATE_ENTITIES) -> List[Tuple[int, int]]:
    """Character spans of the given entities in the latest user message."""
    spans = []
    for item in tracker.latest_message.get("entities", []) or []:
        if item.get("entity") in entities and isinstance(item.get("start"), int) and isinstance(item.get("end"), int):
            spans.append((item["start"], item["end"]))
    return spans


def latest_text(tracker: Tracker) -> str:
    """The text of the latest user message ("" for a button payload)."""
    text = tracker.latest_message.get("text") or ""
    return "" if text.startswith("/") else text


def latest_intent(tracker: Tracker) -> Optional[str]:
    """The intent of the latest user message."""
    return (tracker.latest_message.get("intent") or {}).get("name")


def offer_next_step(dispatcher: CollectingDispatcher, tracker: Tracker) -> None:
    """Offer the options and a tax pro, unless the intake form is under way (it asks its own question)."""
    if tracker.active_loop_name != "intake_form":
        dispatcher.utter_message(response="utter_next_step")


def button(title: str, intent: str) -> Button:
    """A button that sends ``intent`` when clicked."""
    return {"title": title, "payload": f"/{intent}"}

