"""Intake questions whose wording or buttons depend on earlier answers."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import BaseAction
from actions.services.casework import chat_can_receive
from actions.services.intake_context import consent_wording
from actions.services.intake_plan import method_choices, summary_lines

METHOD_TITLES = {"sms": "Text me", "phone": "Call me", "email": "E-mail me", "chat": "Reply in this chat"}


class ActionAskEmail(BaseAction):
    """Ask for an e-mail address: optional when a phone number was given, needed otherwise."""

    def name(self) -> Text:
        return "action_ask_email"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        response = "utter_ask_email" if tracker.get_slot("phone") else "utter_ask_email_required"
        dispatcher.utter_message(response=response)
        return []


class ActionAskPreferredChannel(BaseAction):
    """Offer only the contact methods the user's answers and chat channel allow."""

    def name(self) -> Text:
        return "action_ask_preferred_channel"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        choices = method_choices(tracker.slots, chat_can_receive(tracker.get_latest_input_channel()))
        buttons = [{"title": METHOD_TITLES[choice], "payload": choice} for choice in choices]
        dispatcher.utter_message(response="utter_ask_preferred_channel", buttons=buttons)
        return []


class ActionAskContactConsent(BaseAction):
    """Ask for consent to be contacted, naming the method and the number or address."""

    def name(self) -> Text:
        return "action_ask_contact_consent"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        wording = consent_wording(self.settings, tracker.slots, domain)
        dispatcher.utter_message(response="utter_ask_contact_consent", consent_wording=wording)
        return []


class ActionAskIntakeConfirmed(BaseAction):
    """Show everything that will be sent and ask for confirmation."""

    def name(self) -> Text:
        return "action_ask_intake_confirmed"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_intake_summary", summary=summary_lines(tracker.slots))
        return []




class ActionAskNoticeDate(BaseAction):
    """Ask for the date printed on the notice, naming the notice when it is known."""

    def name(self) -> Text:
        return "action_ask_notice_date"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]) -> List[EventType]:
        codes = tracker.get_slot("notice_codes") or []
        dispatcher.utter_message(response="utter_ask_notice_date", code=codes[0] if codes else "notice")
        dispatcher.utter_message(response="utter_skip_hint")
        return []
