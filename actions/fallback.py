"""The first stage of the two-stage fallback: "Did you mean …?" with buttons for the likeliest intents."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import BaseAction, Button, button, conversation_language

# Intents never offered as a guess: offering them would not help the user.
NOT_OFFERED = {
    "nlu_fallback",
    "out_of_scope",
    "nonsense",
    "affirm",
    "deny",
    "greet",
    "goodbye",
    "thanks",
    "inform",
    "ask_why_needed",
    "skip_question",
    "cancel",
    "correct_intake",
    "ask_more",
    "change_language",
}
MAX_GUESSES = 3
# Rasa's two-stage fallback asks the user to rephrase when they answer the guesses with this intent.
REPHRASE_INTENT = "out_of_scope"
MIN_CONFIDENCE = 0.05
# The "something else" button when the knowledge base has no label for it, per language.
SOMETHING_ELSE = {"en": "Something else", "es": "Otra cosa"}


class ActionDidYouMean(BaseAction):
    """Offer the likeliest intents as buttons, plus "something else" (which asks to rephrase)."""

    def name(self) -> str:
        return "action_default_ask_affirmation"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        buttons = did_you_mean_buttons(tracker, self.knowledge_in(conversation_language(tracker)).base.intent_labels)
        if not buttons:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons)
        return []


def did_you_mean_buttons(tracker: Tracker, labels: Dict[str, str]) -> List[Button]:
    """Buttons for the likeliest intents plus "something else"; empty when no guess is worth offering."""
    buttons: List[Button] = []
    for ranked in tracker.latest_message.get("intent_ranking", []) or []:
        name = ranked.get("name")
        if name in NOT_OFFERED or name not in labels or (ranked.get("confidence") or 0) < MIN_CONFIDENCE:
            continue
        buttons.append(button(labels[name], name))
        if len(buttons) == MAX_GUESSES:
            break
    if buttons:
        fallback = SOMETHING_ELSE[conversation_language(tracker)]
        buttons.append(button(labels.get(REPHRASE_INTENT, fallback), REPHRASE_INTENT))
    return buttons
