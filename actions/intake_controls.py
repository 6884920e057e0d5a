"""Starting the intake, and what a user can say during it: why, skip, cancel, change an answer."""

from __future__ import annotations

import logging
import uuid
from typing import Any, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.events import ActiveLoop, EventType, FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswerMessage
from actions.base import BaseAction, conversation_language, latest_entity_values, latest_text
from actions.firm import contact_line
from actions.intake import FREE_TEXT, ValidateIntakeForm
from services.casework import add_case_note, in_store
from services.intake_context import current_triage, field_buttons, response_text
from services.intake_plan import (
    can_skip,
    display_value,
    field_for_correction,
    field_labels,
    slots_to_clear,
)
from store.records import STATUS_CLOSED

logger = logging.getLogger(__name__)

FORM = "intake_form"
ANSWERED_BEFORE = ("full_name", "phone", "email")


def requested_slot(tracker: Tracker) -> Optional[str]:
    """The question the form is waiting on, if the form is active."""
    return tracker.get_slot("requested_slot") if tracker.active_loop_name == FORM else None


def contact_suffix(action: BaseAction, language: str = "en") -> str:
    """ " Phone: … · Email: …" (" Teléfono: … · Correo electrónico: …") or "" when the firm configured none."""
    line = contact_line(action.settings, language)
    return f" {line}" if line else ""


def new_intake_events(tracker: Tracker) -> List[EventType]:
    """Give the intake an id (for idempotent submission) and prefill the notice being discussed."""
    events: List[EventType] = []
    if not tracker.get_slot("intake_id"):
        events.append(SlotSet("intake_id", uuid.uuid4().hex))
    if not tracker.get_slot("notice_codes") and tracker.get_slot("notice_code"):
        events.append(SlotSet("notice_codes", [tracker.get_slot("notice_code")]))
    return events


class ActionStartIntake(BaseAction):
    """Begin (or resume) collecting details for a tax pro; mid-form, switch to the short path."""

    def name(self) -> str:
        return "action_start_intake"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        if tracker.active_loop_name == FORM:
            if not tracker.get_slot("intake_fast_path_told"):
                dispatcher.utter_message(response="utter_intake_fast_path")
            return [SlotSet("intake_fast_path", True), SlotSet("intake_fast_path_told", True)]
        events: List[EventType] = []
        if tracker.get_slot("case_reference"):
            if not await self._case_closed(tracker.get_slot("case_reference")):
                return []  # the form completes at once and the submit step reports the open case
            # A closed case: start a new one, keeping the contact details but asking consent again.
            events = [
                SlotSet("intake_id", uuid.uuid4().hex),
                SlotSet("case_reference", None),
                SlotSet("intake_confirmed", None),
                SlotSet("contact_consent", None),
                SlotSet("consent_record", None),
                SlotSet("intake_skipped", []),
            ]
        else:
            events = new_intake_events(tracker)
        # "I want to talk to someone about my CP504, can they garnish my wages?": answer, then ask.
        answered = await ActionAnswerMessage().answer_instead(dispatcher, tracker, next_step=False) or []
        code = next((e["value"] for e in answered if e.get("name") == "notice_code" and e.get("value")), None)
        events += [e for e in answered if e.get("name") in ("notice_code", "notice_date", "situations", "levy_active")]
        if code and not tracker.get_slot("notice_codes"):
            events.append(SlotSet("notice_codes", [code]))
        if any(tracker.get_slot(slot) for slot in ANSWERED_BEFORE):
            dispatcher.utter_message(response="utter_intake_resume")
        else:
            dispatcher.utter_message(response="utter_intake_intro", firm_name=self.settings.firm_name)
        slots = {**tracker.slots, **{e["name"]: e["value"] for e in events}}
        if current_triage(self.knowledge, self.settings, slots).critical:
            dispatcher.utter_message(response="utter_intake_fast_path")
            events.append(SlotSet("intake_fast_path_told", True))
        return events

    async def _case_closed(self, reference: str) -> bool:
        try:
            case = await in_store(self.settings, lambda cases: cases.get(reference))
        except Exception:
            logger.exception("Looking up case %s failed", reference)
            return False
        return case is not None and case.status == STATUS_CLOSED


class ActionExplainWhy(BaseAction):
    """Say why the current question is asked."""

    def name(self) -> str:
        return "action_explain_why"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        slot = requested_slot(tracker)
        if slot is None:  # outside the intake "what if I can't pay at all?" can be read as "why": answer it
            answered = await ActionAnswerMessage().answer_instead(dispatcher, tracker)
            if answered is not None:
                return answered
        response = f"utter_why_{slot}"
        dispatcher.utter_message(
            response=response if slot and response in domain.get("responses", {}) else "utter_why_general"
        )
        return []


class ActionSkipQuestion(BaseAction):
    """Skip the current question when it is optional; otherwise say why it is needed."""

    def name(self) -> str:
        return "action_skip_question"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        slot = requested_slot(tracker)
        if slot is None:  # outside the intake "and can I sell the house with it on there" can read as a skip
            answered = await ActionAnswerMessage().answer_instead(dispatcher, tracker)
            if answered is not None:
                return answered
            dispatcher.utter_message(response="utter_nothing_to_skip")
            return []
        if not can_skip(slot, tracker.slots):
            why = response_text(domain, f"utter_why_{slot}", conversation_language(tracker)) or ""
            dispatcher.utter_message(response="utter_cannot_skip", reason=why)
            return []
        skipped = list(tracker.get_slot("intake_skipped") or [])
        failures = dict(tracker.get_slot("intake_failures") or {})
        failures.pop(slot, None)
        dispatcher.utter_message(response="utter_skipped")
        return [SlotSet("intake_skipped", skipped + [slot]), SlotSet("intake_failures", failures), SlotSet(slot, None)]


class ActionCancelIntake(BaseAction):
    """Stop the form without losing what was given (resumable by asking for a tax pro again)."""

    def name(self) -> str:
        return "action_cancel_intake"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        if tracker.active_loop_name != FORM:
            # outside the intake "how do I stop it?" is a question, not a cancel: answer what it asks
            answered = await ActionAnswerMessage().answer_instead(dispatcher, tracker)
            if answered is not None:
                return answered
            dispatcher.utter_message(response="utter_nothing_to_cancel")
            return []
        dispatcher.utter_message(
            response="utter_intake_cancelled", contact=contact_suffix(self, conversation_language(tracker))
        )
        return [ActiveLoop(None), SlotSet("requested_slot", None)]


class ActionCorrectIntake(BaseAction):
    """Change an earlier answer: take the new value from the message, or ask that question again."""

    def name(self) -> str:
        return "action_correct_intake"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        if tracker.get_slot("case_reference"):
            return await self._note_on_case(dispatcher, tracker)
        if tracker.active_loop_name != FORM and not tracker.get_slot("intake_id") and not field_buttons(tracker.slots):
            # nothing given yet, so nothing to correct: "I haven't filed 2022 yet, do I need to file those
            # first?" is a question; answer it, and listen instead of starting the form (the rule's next step)
            answered = await ActionAnswerMessage().answer_instead(dispatcher, tracker)
            if answered is not None:
                return [*answered, FollowupAction("action_listen")]
        events = new_intake_events(tracker)
        language = conversation_language(tracker)
        text = latest_text(tracker)
        hints = latest_entity_values(tracker, "intake_field")
        field = field_for_correction(text, hints[0] if hints else None, language)
        if field is None:
            dispatcher.utter_message(response="utter_change_which", buttons=field_buttons(tracker.slots))
            return events
        skipped = [slot for slot in (tracker.get_slot("intake_skipped") or []) if slot != field]
        events.append(SlotSet("intake_skipped", skipped))
        new_value = None
        if text and field not in FREE_TEXT and not hints:
            new_value = ValidateIntakeForm().parse(field, text, tracker)
        if new_value is None:
            return events + [SlotSet(slot, None) for slot in slots_to_clear(field)]
        dispatcher.utter_message(
            response="utter_updated",
            field=field_labels(language)[field],
            value=display_value(field, new_value, language),
        )
        cleared = [slot for slot in slots_to_clear(field) if slot != field]
        return events + [SlotSet(field, new_value)] + [SlotSet(slot, None) for slot in cleared]

    async def _note_on_case(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> List[EventType]:
        reference = tracker.get_slot("case_reference")
        await add_case_note(self.settings, reference, f"Correction from the taxpayer: {latest_text(tracker)}")
        dispatcher.utter_message(response="utter_correction_noted", reference=reference)
        return []
