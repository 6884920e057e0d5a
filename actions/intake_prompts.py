"""Intake questions whose wording or buttons depend on earlier answers."""

from __future__ import annotations

from typing import Any, Dict, List

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import BaseAction, conversation_language, entity_spans, latest_intent, latest_text
from services.casework import chat_can_receive
from services.dates import ambiguous_notice_date, short_date
from services.intake_context import consent_wording
from services.intake_plan import method_choices, summary_lines

METHOD_TITLES = {"sms": "Text me", "phone": "Call me", "email": "E-mail me", "chat": "Reply in this chat"}
METHOD_TITLES_ES = {
    "sms": "Envíenme un texto",
    "phone": "Llámenme",
    "email": "Envíenme un correo",
    "chat": "Respondan en este chat",
}
# The words the notice-date question needs besides the domain's response: the notice when no code is
# known, and the question about a date in figures that reads two ways ("05/06/2026").
NOTICE_DATE_TEXT: Dict[str, Dict[str, str]] = {
    "en": {"notice": "notice", "which_date": "Is the date {typed} {first} or {second}?"},
    "es": {"notice": "aviso", "which_date": "¿La fecha {typed} es el {first} o el {second}?"},
}


class ActionAskEmail(BaseAction):
    """Ask for an e-mail address: optional when a phone number was given, needed otherwise."""

    def name(self) -> str:
        return "action_ask_email"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        response = "utter_ask_email" if tracker.get_slot("phone") else "utter_ask_email_required"
        dispatcher.utter_message(response=response)
        return []


class ActionAskPreferredChannel(BaseAction):
    """Offer only the contact methods the user's answers and chat channel allow."""

    def name(self) -> str:
        return "action_ask_preferred_channel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        choices = method_choices(tracker.slots, chat_can_receive(tracker.get_latest_input_channel()))
        titles = METHOD_TITLES_ES if conversation_language(tracker) == "es" else METHOD_TITLES
        buttons = [{"title": titles[choice], "payload": choice} for choice in choices]
        dispatcher.utter_message(response="utter_ask_preferred_channel", buttons=buttons)
        return []


class ActionAskContactConsent(BaseAction):
    """Ask for consent to be contacted, naming the method and the number or address."""

    def name(self) -> str:
        return "action_ask_contact_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        wording = consent_wording(self.settings, tracker.slots, domain)
        dispatcher.utter_message(response="utter_ask_contact_consent", consent_wording=wording)
        return []


class ActionAskIntakeConfirmed(BaseAction):
    """Show everything that will be sent and ask for confirmation."""

    def name(self) -> str:
        return "action_ask_intake_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        summary = summary_lines(tracker.slots, language=conversation_language(tracker))
        dispatcher.utter_message(response="utter_intake_summary", summary=summary)
        return []


class ActionAskNoticeDate(BaseAction):
    """Ask for the date printed on the notice, naming the notice when it is known.

    When the answer just given was a date in figures that reads two ways in Spanish ("05/06/2026":
    5 June or 6 May), ask which one it is instead, with one button per reading.
    """

    def name(self) -> str:
        return "action_ask_notice_date"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        language = conversation_language(tracker)
        text = NOTICE_DATE_TEXT[language]
        ambiguous = self._ambiguous_answer(tracker, language)
        if ambiguous is not None:
            readings = [short_date(ambiguous.day_first, language), short_date(ambiguous.month_first, language)]
            dispatcher.utter_message(
                text=text["which_date"].format(typed=ambiguous.typed, first=readings[0], second=readings[1]),
                buttons=[{"title": reading, "payload": reading} for reading in readings],
            )
            return []
        codes = tracker.get_slot("notice_codes") or []
        dispatcher.utter_message(response="utter_ask_notice_date", code=codes[0] if codes else text["notice"])
        dispatcher.utter_message(response="utter_skip_hint")
        return []

    def _ambiguous_answer(self, tracker: Tracker, language: str) -> Any:
        """The ambiguous date the user just gave for the notice date (answer or correction), else None."""
        if tracker.get_slot("requested_slot") != "notice_date" and latest_intent(tracker) != "correct_intake":
            return None
        return ambiguous_notice_date(latest_text(tracker), self.settings.today(), entity_spans(tracker), language)
