"""Start each conversation session; show the disclaimer once per conversation."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import ActionExecuted, EventType, SessionStarted, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import BaseAction

DISCLAIMER_SLOT = "disclaimer_shown"
# Empty values equal the domain's initial values: carrying them over would only add noise.
NOT_CARRIED = (None, [], {}, False)
# Per-turn state that must not outlive its session ("that's what I said just above" needs a "just").
NOT_CARRIED_SLOTS = ("requested_slot", "last_answer")


class ActionSessionStart(BaseAction):
    """Start a session, carry the slots over, and show the disclaimer if it was never shown."""

    def name(self) -> Text:
        return "action_session_start"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        carried = [SlotSet(key, value) for key, value in tracker.current_slot_values().items()
                   if value not in NOT_CARRIED and key not in NOT_CARRIED_SLOTS]
        events: List[EventType] = [SessionStarted(), *carried]
        if not tracker.get_slot(DISCLAIMER_SLOT):
            dispatcher.utter_message(response="utter_disclaimer")
            events.append(SlotSet(DISCLAIMER_SLOT, True))
        events.append(ActionExecuted("action_listen"))
        return events
