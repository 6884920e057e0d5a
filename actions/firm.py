"""What the firm does and how to reach a tax pro, from the deployment's settings."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswerMessage
from actions.base import BaseAction, conversation_language, offer_next_step
from settings.assistant import Settings

# The labels of the firm's contact details, per language (the details themselves are as configured).
CONTACT_LABELS: Dict[str, Dict[str, str]] = {
    "en": {"phone": "Phone", "email": "Email", "web": "Web", "hours": "Hours"},
    "es": {"phone": "Teléfono", "email": "Correo electrónico", "web": "Sitio web", "hours": "Horario"},
}


def contact_line(settings: Settings, language: str = "en") -> str:
    """The firm's configured contact details on one line ("" when none is configured)."""
    labels = CONTACT_LABELS["es" if language == "es" else "en"]
    parts = [
        (labels["phone"], settings.firm_phone),
        (labels["email"], settings.firm_email),
        (labels["web"], settings.firm_website),
        (labels["hours"], settings.firm_hours),
    ]
    return " · ".join(f"{label}: {value}" for label, value in parts if value)


class ActionFirmInfo(BaseAction):
    """Say what the firm does and what it costs."""

    def name(self) -> str:
        return "action_firm_info"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        answered = await ActionAnswerMessage().answer_instead(dispatcher, tracker)
        if answered is not None:  # "how much do you charge? I have a CP504 and ..." answers it all
            return answered
        firm = self.settings.firm_name
        dispatcher.utter_message(response="utter_firm_services", firm_name=firm)
        dispatcher.utter_message(response="utter_firm_fees", firm_name=firm)
        contact = contact_line(self.settings, conversation_language(tracker))
        if contact:
            dispatcher.utter_message(response="utter_firm_contact", firm_name=firm, contact=contact)
        offer_next_step(dispatcher, tracker)
        return []
