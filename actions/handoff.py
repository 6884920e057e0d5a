"""Submitting the intake as a case, handing the conversation to a pro, and "any update?"."""

from __future__ import annotations

import datetime as dt
import logging
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import ConversationPaused, EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswerMessage
from actions.base import BaseAction, conversation_language, latest_text
from actions.intake_controls import contact_suffix, new_intake_events
from services.business_hours import BusinessHours, describe_opening
from services.case_spool import key_hash
from services.casework import add_case_note, chat_can_receive, in_store, new_case, notifier, submit_case
from services.dates import long_date, short_date
from services.intake_context import current_triage
from services.intake_plan import method_label
from settings.assistant import Settings
from store.records import (
    STATUS_CLOSED,
    STATUS_IN_CONVERSATION,
    STATUS_NEW,
    STATUS_WAITING,
    Case,
)
from store.references import normalise_reference

logger = logging.getLogger(__name__)

STATUS_WORDS = {
    STATUS_NEW: "received, and a tax pro will contact you by {method}",
    STATUS_WAITING: "waiting for the next available tax pro",
    STATUS_IN_CONVERSATION: "with a tax pro",
    STATUS_CLOSED: 'closed. If you need more help, say "talk to a tax pro"',
}
STATUS_WORDS_ES = {
    STATUS_NEW: "registrado, y un profesional de impuestos se comunicará con usted por {method}",
    STATUS_WAITING: "en espera del próximo profesional de impuestos disponible",
    STATUS_IN_CONVERSATION: "en manos de un profesional de impuestos",
    STATUS_CLOSED: 'cerrado. Si necesita más ayuda, diga "hablar con un profesional de impuestos"',
}


def status_words(language: str = "en") -> Dict[str, str]:
    """How each case status reads after "Your case … is" / "Su caso … está", in ``language``."""
    return STATUS_WORDS_ES if language == "es" else STATUS_WORDS


def business_hours(settings: Settings) -> BusinessHours:
    """The firm's business hours from the settings."""
    return BusinessHours.parse(
        settings.business_days, settings.business_hours, settings.firm_timezone, settings.business_holidays
    )


def opened_on(case: Case, settings: Settings, language: str = "en") -> str:
    """The day a case was opened, in the firm's time zone ("November 26", "26 de noviembre")."""
    opened = case.created_at.astimezone(business_hours(settings).zone)
    if language == "es":
        return short_date(opened.date(), "es").rsplit(" de ", 1)[0]
    return f"{opened:%B} {opened.day}"


def opening_in(opening: dt.datetime, now: dt.datetime, language: str = "en") -> str:
    """When the pros are next on duty: "tomorrow at 9:00 AM EST" / "mañana a las 9:00 a. m. EST"."""
    if language != "es":
        return describe_opening(opening, now)
    local_now = now.astimezone(opening.tzinfo) if opening.tzinfo else now
    hour = opening.hour % 12 or 12
    clock = f"{hour}:{opening.minute:02d} {'a. m.' if opening.hour < 12 else 'p. m.'}"
    zone = opening.tzname() or ""
    days = (opening.date() - local_now.date()).days
    if days == 0:
        when = "hoy"
    elif days == 1:
        when = "mañana"
    else:
        when = "el " + long_date(opening.date(), "es").rsplit(" de ", 1)[0]  # "el lunes, 30 de noviembre"
    return f"{when} {'a la' if hour == 1 else 'a las'} {clock} {zone}".strip()


class ActionSubmitCase(BaseAction):
    """Store the confirmed intake as a case (once per intake), notify the firm, hand off."""

    def name(self) -> str:
        return "action_submit_case"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        language = conversation_language(tracker)
        if tracker.get_slot("contact_consent") is False:
            dispatcher.utter_message(
                response="utter_consent_declined",
                firm_name=self.settings.firm_name,
                contact=contact_suffix(self, language),
            )
            return [SlotSet("contact_consent", None), SlotSet("consent_record", None)]
        if tracker.get_slot("intake_confirmed") is not True:
            return []
        events: List[EventType] = list(new_intake_events(tracker))
        slots = {**tracker.slots, **{event["name"]: event["value"] for event in events}}
        channel = tracker.get_latest_input_channel() or "unknown"
        triage = current_triage(self.knowledge, self.settings, slots)
        try:
            new = new_case(slots, channel, tracker.sender_id, triage)
            submitted = await submit_case(self.settings, new)
        except Exception as exc:  # noqa: BLE001 - neither the store nor the spool: say so
            logger.error("Neither the case store nor the spool took an intake: %s", type(exc).__name__)
            dispatcher.utter_message(response="utter_case_unavailable", contact=contact_suffix(self, language))
            return events
        if submitted.case is None:
            method = method_label(new.intake.preferred_channel, language)
            dispatcher.utter_message(
                response="utter_case_received_later",
                name=new.intake.full_name.split()[0],
                method=method,
                contact=contact_suffix(self, language),
            )
            if triage.critical:
                dispatcher.utter_message(response="utter_case_priority_critical")
            return events
        case, created = submitted.case, submitted.created
        events.append(SlotSet("case_reference", case.reference))
        if created:
            if self.settings.notification_kinds:
                notifier(self.settings).kick()
            dispatcher.utter_message(
                response="utter_case_created", name=case.intake.full_name.split()[0], reference=case.reference
            )
            if triage.critical:
                dispatcher.utter_message(response="utter_case_priority_critical")
        elif case.status != STATUS_CLOSED:
            dispatcher.utter_message(response="utter_case_already_open", reference=case.reference)
            await add_case_note(self.settings, case.reference, "The taxpayer asked again to talk to a tax pro.")
        else:
            dispatcher.utter_message(
                response="utter_case_status",
                reference=case.reference,
                opened=opened_on(case, self.settings, language),
                status=status_words(language)[STATUS_CLOSED],
            )
        return events + await self._hand_off(dispatcher, case, channel, language)

    async def _hand_off(
        self, dispatcher: CollectingDispatcher, case: Case, channel: str, language: str = "en"
    ) -> List[EventType]:
        if case.status in (STATUS_CLOSED, STATUS_IN_CONVERSATION):
            return []
        method = method_label(case.intake.preferred_channel, language)
        now = dt.datetime.now(dt.timezone.utc)
        hours = business_hours(self.settings)
        if not hours.is_open(now):
            opening = opening_in(hours.next_opening(now), now, language)
            dispatcher.utter_message(response="utter_handoff_later", method=method, opening=opening)
            return []
        if case.status == STATUS_NEW:
            await in_store(
                self.settings,
                lambda cases: cases.set_status(
                    case.reference, STATUS_WAITING, "bot", "Handed off within business hours."
                ),
            )
        if chat_can_receive(channel):
            dispatcher.utter_message(response="utter_handoff_live")
            return [ConversationPaused()]
        dispatcher.utter_message(response="utter_handoff_contact", method=method)
        return []


class ActionCaseStatus(BaseAction):
    """Tell a returning user their case reference and status (only for this conversation's case)."""

    def name(self) -> str:
        return "action_case_status"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        language = conversation_language(tracker)
        asked = normalise_reference(latest_text(tracker), self.settings.case_reference_prefix)
        if not asked:  # "it's been seven weeks, can I still ask for the hearing?" is no status question
            answered = await ActionAnswerMessage().answer_instead(dispatcher, tracker)
            if answered is not None:
                return answered
        try:
            case: Optional[Case] = await in_store(
                self.settings, lambda cases: cases.latest_for_sender(tracker.sender_id)
            )
        except Exception:
            # The sender id may be a phone number: log its hash only.
            logger.exception("Looking up the case of conversation %s failed", key_hash(tracker.sender_id))
            dispatcher.utter_message(response="utter_case_unavailable", contact=contact_suffix(self, language))
            return []
        if case is None or (asked and asked != case.reference):
            if asked or case is not None:
                dispatcher.utter_message(response="utter_case_status_other", contact=contact_suffix(self, language))
            else:
                dispatcher.utter_message(response="utter_case_status_none")
            return []
        method = method_label(case.intake.preferred_channel, language)
        dispatcher.utter_message(
            response="utter_case_status",
            reference=case.reference,
            opened=opened_on(case, self.settings, language),
            status=status_words(language)[case.status].format(method=method),
        )
        return [SlotSet("case_reference", case.reference)]
