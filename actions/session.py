"""Start each conversation session; show the disclaimer once per conversation."""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import BaseAction, response_in
from nlp.language import locale_language

DISCLAIMER_SLOT = "disclaimer_shown"
# Empty values equal the domain's initial values: carrying them over would only add noise.
NOT_CARRIED: Tuple[Any, ...] = (None, [], {}, False)
# Per-turn state that must not outlive its session ("that's what I said just above" needs a "just").
NOT_CARRIED_SLOTS = ("requested_slot", "last_answer", "answer_more")
# The channel's hint of the taxpayer's language (the widget's browser language, Messenger's locale),
# sent as message metadata {"language": "es"}; Rasa hands the first message's metadata to this action.
METADATA_SLOT = "session_started_metadata"


def channel_language(tracker: Tracker) -> Optional[str]:
    """The language the channel reported for a new conversation ("es", "es-MX", "en_US"...): en, es or None."""
    metadata = tracker.get_slot(METADATA_SLOT) or {}
    return locale_language(metadata.get("language")) if isinstance(metadata, dict) else None


class ActionSessionStart(BaseAction):
    """Start a session, carry the slots over, and show the disclaimer if it was never shown."""

    def name(self) -> str:
        return "action_session_start"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        carried = [
            SlotSet(key, value)
            for key, value in tracker.current_slot_values().items()
            if value not in NOT_CARRIED and key not in NOT_CARRIED_SLOTS
        ]
        events: List[EventType] = [SessionStarted(), *carried]
        hinted = channel_language(tracker) if not tracker.get_slot(DISCLAIMER_SLOT) else None
        if hinted:  # a new conversation: the language the channel reports (browser, locale, first words)
            events.append(SlotSet("language", hinted))
        if not tracker.get_slot(DISCLAIMER_SLOT):
            text = (
                response_in(domain, "utter_disclaimer", hinted, tracker.get_latest_input_channel()) if hinted else None
            )
            if text:  # Rasa would render it with the slots from before this action: pick the variation here
                dispatcher.utter_message(text=text)
            else:
                dispatcher.utter_message(response="utter_disclaimer")
            events.append(SlotSet(DISCLAIMER_SLOT, True))
        events.append(ActionExecuted("action_listen"))
        return events
