"""Intake helpers that need the knowledge base, the settings or the domain's wording (no Rasa imports)."""
from __future__ import annotations

from typing import Any, Dict, List, Mapping

from actions.knowledge.store import Knowledge
from actions.services.amounts import parse_amount
from actions.services.dates import parse_iso
from actions.services.intake_plan import FIELD_LABELS, METHOD_LABELS, contact_address
from actions.services.triage import Triage, triage_case
from actions.settings import Settings

CONSENT_RESPONSE = "utter_consent_wording"


def case_notices(knowledge: Knowledge, slots: Mapping[str, Any]) -> List:
    """The known notices of the case: the form's codes, else the notice explained in the conversation."""
    codes = list(slots.get("notice_codes") or []) or ([slots["notice_code"]] if slots.get("notice_code") else [])
    notices = []
    for code in codes:
        notice = knowledge.find_notice(str(code))
        if notice is not None and notice not in notices:
            notices.append(notice)
    return notices


def current_triage(knowledge: Knowledge, settings: Settings, slots: Mapping[str, Any]) -> Triage:
    """The case's priority from what is known so far."""
    amount = slots.get("amount_owed")
    return triage_case(
        case_notices(knowledge, slots),
        parse_iso(slots.get("notice_date")),
        settings.today(),
        levy_active=slots.get("levy_active"),
        amount_owed=parse_amount(str(amount)) if amount else None,
    )


def consent_wording(settings: Settings, slots: Mapping[str, Any], domain: Mapping[str, Any]) -> str:
    """The exact consent question shown to the user (recorded with their answer)."""
    template = domain["responses"][CONSENT_RESPONSE][0]["text"]
    method = slots.get("preferred_channel")
    address = contact_address(method, slots)
    return template.format(
        firm_name=settings.firm_name,
        method=METHOD_LABELS.get(method, "the channel you chose"),
        address=f" at {address}" if address else "",
    )


def field_buttons(slots: Mapping[str, Any]) -> List[Dict[str, str]]:
    """One button per answer given so far, to pick the one to change."""
    return [
        {"title": label, "payload": f'/correct_intake{{"intake_field": "{field}"}}'}
        for field, label in FIELD_LABELS.items()
        if slots.get(field) not in (None, "", [])
    ]
