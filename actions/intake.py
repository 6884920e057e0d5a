"""The intake form's validation action: extract each answer, validate it, decide what to ask next.

Answers are read from the user's text for the question being asked. A message that is really a
question ("what's a levy?", "why do you need this?") is left alone so the form steps aside, the
question is answered by a rule, and the form asks again. So is a request for the other language
("en español", "English please"): it fills no slot, and the form asks the same question again in
the new language. Answers are read in the conversation's language (slot ``language``); a date in
figures that reads two ways in Spanish ("05/06/2026") is asked about, not guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Callable, Dict, List, Optional

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import FormValidationAction
from rasa_sdk.types import DomainDict

from actions.base import BaseAction, conversation_language, entity_spans, latest_entity_values
from actions.firm import contact_line
from knowledge.codes import display_code
from services import intake_values as values
from services.amounts import parse_amount
from services.casework import chat_can_receive, consent_record
from services.dates import ambiguous_notice_date, find_notice_date
from services.intake_context import consent_wording, current_triage, field_buttons
from services.intake_plan import (
    FORM_SLOTS,
    MAX_FAILURES_BEFORE_OFFER,
    can_skip,
    method_choices,
    questions_to_ask,
)

# Intents that are questions or commands, not answers: while one of these can't be read as an
# answer, the form lets a rule handle the message.
NOT_ANSWERS = frozenset(
    {
        "explain_notice",
        "got_letter",
        "ask_deadline",
        "ask_collection_process",
        "ask_levy",
        "ask_intent_to_levy",
        "ask_lien",
        "ask_lien_vs_levy",
        "ask_collection_statute",
        "ask_relief_options",
        "ask_installment_agreement",
        "ask_offer_in_compromise",
        "ask_cnc",
        "ask_innocent_spouse",
        "ask_penalty_relief",
        "ask_cdp_appeals",
        "ask_taxpayer_advocate",
        "ask_scam",
        "ask_firm_services",
        "bot_challenge",
        "request_human",
        "ask_why_needed",
        "skip_question",
        "cancel",
        "correct_intake",
        "ask_case_status",
    }
)
# Free-text answers can't be told apart from questions by parsing, so for them the intent decides.
FREE_TEXT = frozenset({"full_name", "contact_time"})
CONFIRM_CHANGE = re.compile(r"\b(change|edit|fix|wrong|no|nope|incorrect)\b", re.IGNORECASE)
# The same in Spanish ("no, cambie el teléfono", "está mal", "hay un error").
CONFIRM_CHANGE_ES = re.compile(
    r"\b(cambiar|cambie|cambia|cambio|corregir|corrija|corrige|editar|mal|error"
    r"|equivocad[oa]|incorrect[oa]|no|nop)\b",
    re.IGNORECASE,
)
# "yes, but …" is not a plain yes.
BUT = {
    "en": re.compile(r"\bbut\b", re.IGNORECASE),
    "es": re.compile(r"\b(?:but|pero|aunque|excepto|salvo)\b", re.IGNORECASE),
}
# A request for the other language: an intent of its own, and the NLU's `language` entity with role
# `requested` (that entity spans the whole message and is never an answer).
LANGUAGE_INTENT = "change_language"
LANGUAGE_ENTITY = "language"
LANGUAGE_REQUESTED = "requested"
CONTROL_INTENTS = frozenset({"correct_intake", "cancel", "skip_question", "ask_why_needed", "request_human"})
YES_NO_SLOTS = frozenset({"levy_active", "unfiled_returns", "joint_filing", "contact_consent", "intake_confirmed"})


def asks_for_language(tracker: Tracker) -> bool:
    """Whether the latest message asks to switch language ("en español", "English please")."""
    if (tracker.latest_message.get("intent") or {}).get("name") == LANGUAGE_INTENT:
        return True
    return any(
        isinstance(item, dict) and item.get("entity") == LANGUAGE_ENTITY and item.get("role") == LANGUAGE_REQUESTED
        for item in tracker.latest_message.get("entities") or []
    )


def _extractor(slot: str) -> Callable:
    async def extract(
        self: ValidateIntakeForm, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self.extract_answer(slot, tracker)

    extract.__doc__ = f"Read the answer to the {slot} question from the latest message."
    return extract


class ValidateIntakeForm(FormValidationAction, BaseAction):
    """Validation for ``intake_form``: one extractor and one validator per question."""

    def name(self) -> str:
        return "validate_intake_form"

    async def required_slots(
        self, domain_slots: List[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> List[str]:
        fast = (
            bool(tracker.get_slot("intake_fast_path"))
            or current_triage(self.knowledge, self.settings, tracker.slots).critical
        )
        return questions_to_ask(tracker.slots, fast)

    # -- extraction ---------------------------------------------------------------------------
    def extract_answer(self, slot: str, tracker: Tracker) -> Dict[str, Any]:
        """The raw answer for ``slot`` when it is the question being asked and the message answers it."""
        if tracker.get_slot("requested_slot") != slot:
            return {}
        text = (tracker.latest_message.get("text") or "").strip()
        if not text or text.startswith("/"):
            return {}
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if asks_for_language(tracker):
            return {}  # "en español" is no name: the form asks the same question again, in Spanish
        if intent in CONTROL_INTENTS and slot in YES_NO_SLOTS:
            return {}  # "yes, but my e-mail is wrong" is a correction, not a yes
        if intent in NOT_ANSWERS and (
            slot in FREE_TEXT
            or (self.parse(slot, text, tracker) is None and self.ambiguous_date(slot, text, tracker) is None)
        ):
            return {}
        return {slot: text}

    # -- parsing ------------------------------------------------------------------------------
    def parse(self, slot: str, value: Any, tracker: Tracker) -> Any:
        """The normalised value of an answer, or None when it can't be read."""
        if not isinstance(value, str):
            return value if slot in ("notice_codes", "tax_years", "contact_consent", "intake_confirmed") else None
        today = self.settings.today()
        language = conversation_language(tracker)
        if slot == "full_name":
            return values.parse_name(value, language)
        if slot == "phone":
            return values.parse_phone(value)
        if slot == "email":
            return values.parse_email(value)
        if slot == "preferred_channel":
            method = values.parse_contact_method(value, language)
            allowed = method_choices(tracker.slots, chat_can_receive(tracker.get_latest_input_channel()))
            return method if method in allowed else None
        if slot in ("levy_active", "unfiled_returns", "joint_filing"):
            return values.parse_yes_no(value, language)
        if slot == "notice_codes":
            return self._codes(value, tracker)
        if slot == "notice_date":
            found = find_notice_date(value, today, entity_spans(tracker), language)
            return found.isoformat() if found and found <= today else None
        if slot == "us_state":
            return values.parse_us_state(value, language)
        if slot == "tax_years":
            return values.parse_tax_years(value, today, language)
        if slot == "amount_owed":
            amount = parse_amount(value, language)
            return None if amount is None else f"{amount:.2f}"
        if slot == "contact_time":
            return values.parse_contact_time(value, language)
        if slot == "contact_consent":
            answer = values.parse_yes_no(value, language)
            return {"yes": True, "no": False}.get(answer or "")
        if slot == "intake_confirmed":
            answer = values.parse_yes_no(value, language)
            return True if answer == "yes" and not BUT[language].search(value) else None
        return None

    def ambiguous_date(self, slot: str, value: Any, tracker: Tracker) -> Any:
        """For the notice date in Spanish, a date in figures that reads two ways ("05/06/2026"), else None."""
        if slot != "notice_date" or not isinstance(value, str):
            return None
        return ambiguous_notice_date(
            value, self.settings.today(), entity_spans(tracker), conversation_language(tracker)
        )

    def _codes(self, text: str, tracker: Tracker) -> Optional[List[str]]:
        raw = latest_entity_values(tracker, "notice_code") if tracker.latest_message.get("text") == text else []
        codes = []
        for code in raw:
            notice = self.knowledge.find_notice(code)
            shown = notice.code if notice else display_code(code)
            if shown not in codes:
                codes.append(shown)
        return codes or None

    # -- validation ---------------------------------------------------------------------------
    def check(
        self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Keep a readable answer (and note what follows from it) or ask again with a hint."""
        parsed = self.parse(slot, value, tracker)
        if (parsed is None or slot in FREE_TEXT) and self._declined(slot, tracker):
            dispatcher.utter_message(response="utter_skipped")
            return {slot: None, "intake_skipped": list(tracker.get_slot("intake_skipped") or []) + [slot]}
        if parsed is None and slot == "phone" and isinstance(value, str):
            email = values.parse_email(value)
            if email is not None:  # an e-mail typed at the phone question is a contact too
                dispatcher.utter_message(response="utter_email_instead_of_phone", email=email)
                skipped = list(tracker.get_slot("intake_skipped") or []) + ["phone"]
                return {"phone": None, "email": email, "intake_skipped": skipped}
        if parsed is None and self.ambiguous_date(slot, value, tracker) is not None:
            return {slot: None}  # action_ask_notice_date asks which of the two dates it is
        if parsed is None:
            return self._rejected(slot, value, dispatcher, tracker)
        result: Dict[str, Any] = {slot: parsed}
        failures = dict(tracker.get_slot("intake_failures") or {})
        if failures.pop(slot, None) is not None:
            result["intake_failures"] = failures
        if slot == "contact_consent" and parsed is True:
            method = tracker.get_slot("preferred_channel")
            wording = consent_wording(self.settings, tracker.slots, domain)
            now = dt.datetime.now(dt.timezone.utc)
            result["consent_record"] = consent_record(wording, tracker.get_latest_input_channel(), method, now)
        result.update(self._fast_path_notice(dispatcher, tracker, result))
        return result

    @staticmethod
    def _declined(slot: str, tracker: Tracker) -> bool:
        """A "no" / "I'd rather not" to an optional question that isn't a yes-or-no question."""
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        return intent == "deny" and slot not in YES_NO_SLOTS and can_skip(slot, tracker.slots)

    def _rejected(self, slot: str, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker) -> Dict[str, Any]:
        change = CONFIRM_CHANGE_ES if conversation_language(tracker) == "es" else CONFIRM_CHANGE
        if slot == "intake_confirmed" and isinstance(value, str) and change.search(value):
            dispatcher.utter_message(response="utter_which_field", buttons=field_buttons(tracker.slots))
            return {slot: None}
        failures = dict(tracker.get_slot("intake_failures") or {})
        failures[slot] = failures.get(slot, 0) + 1
        dispatcher.utter_message(response=f"utter_invalid_{slot}")
        if failures[slot] >= MAX_FAILURES_BEFORE_OFFER:
            if slot == "phone" and can_skip(slot, tracker.slots):
                contact = contact_line(self.settings, conversation_language(tracker))
                dispatcher.utter_message(response="utter_offer_other_contact", contact=f" {contact}" if contact else "")
            elif can_skip(slot, tracker.slots):
                dispatcher.utter_message(response="utter_offer_skip")
            else:
                dispatcher.utter_message(response="utter_offer_human")
        return {slot: None, "intake_failures": failures}

    def _fast_path_notice(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, result: Dict[str, Any]
    ) -> Dict[str, Any]:
        if tracker.get_slot("intake_fast_path_told"):
            return {}
        merged = {**tracker.slots, **result}
        if current_triage(self.knowledge, self.settings, merged).critical:
            dispatcher.utter_message(response="utter_intake_fast_path")
            return {"intake_fast_path_told": True}
        return {}


def _validator(slot: str) -> Callable:
    async def validate(
        self: ValidateIntakeForm, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        return self.check(slot, value, dispatcher, tracker, domain)

    validate.__doc__ = f"Validate the answer to the {slot} question."
    return validate


# One extract_<slot> and one validate_<slot> per question: the SDK looks them up by name.
for _slot in FORM_SLOTS:
    setattr(ValidateIntakeForm, f"extract_{_slot}", _extractor(_slot))
    setattr(ValidateIntakeForm, f"validate_{_slot}", _validator(_slot))
