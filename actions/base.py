"""Shared base class and tracker helpers for the project's actions."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Dict, List, Optional, Tuple

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from knowledge.loader import Knowledge, cached_knowledge
from knowledge.spanish import cached_spanish_knowledge
from settings.assistant import Settings, get_settings
from understanding.phrases import SPANISH, language_of

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
        """The validated (English) knowledge base, loaded on first use; it owns the codes and facts."""
        return cached_knowledge(self.settings.knowledge_path)

    def knowledge_in(self, language: str) -> Knowledge:
        """The knowledge base in the conversation's language (Spanish text never falls back to English)."""
        if language == SPANISH:
            return cached_spanish_knowledge(self.settings.knowledge_path)
        return self.knowledge


def response_in(domain: Dict, name: str, language: str, channel: Optional[str]) -> Optional[str]:
    """The text of domain response ``name`` as Rasa would pick it once the language slot is ``language``.

    Rasa renders an action's responses with the slots from before the action ran, so an action that
    sets the language itself (the session start, from the channel's hint) renders with this instead.
    """
    variations = (domain.get("responses") or {}).get(name) or []

    def speaks(variation: Dict) -> bool:
        conditions = variation.get("condition") or []
        wanted = [c.get("value") for c in conditions if c.get("name") == "language"]
        return wanted == [language] if conditions else False

    conditional = [v for v in variations if speaks(v)]
    default = [v for v in variations if not v.get("condition")]
    for group in (conditional, default):
        for variation in sorted(group, key=lambda v: v.get("channel") != channel):
            if variation.get("channel") in (None, channel):
                return variation.get("text")
    return None


def conversation_language(tracker: Tracker) -> str:
    """``es`` or ``en``: the conversation's language slot."""
    return language_of(tracker.get_slot("language"))


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
