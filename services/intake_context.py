"""Intake helpers that need the knowledge base, the settings or the domain's wording (no Rasa imports)."""

from __future__ import annotations

from typing import Any, Dict, List, Mapping, Optional

from knowledge.loader import Knowledge
from services.amounts import parse_amount
from services.dates import parse_iso
from services.intake_plan import (
    FIELD_LABELS,
    METHOD_LABELS,
    SPANISH,
    contact_address,
    field_labels,
    method_label,
)
from services.triage import Triage, triage_case
from settings.assistant import Settings

CONSENT_RESPONSE = "utter_consent_wording"
# The consent question in Spanish, for a domain that has no Spanish variation of CONSENT_RESPONSE yet.
CONSENT_WORDING_ES = (
    "¿Puede {firm_name} comunicarse con usted por {method}{address} sobre su asunto con el "
    "IRS? Solo usamos estos datos para su caso."
)
# The consent question's Spanish pieces: no method chosen, and "al <number>" / "a <address>".
CONSENT_TEXT_ES = {"any_method": "el medio que eligió", "at_phone": " al {address}", "at": " a {address}"}


def slots_language(slots: Mapping[str, Any]) -> str:
    """``es`` or ``en``: the conversation's language as the ``language`` slot holds it."""
    return SPANISH if slots.get("language") == SPANISH else "en"


def response_text(domain: Mapping[str, Any], name: str, language: str) -> Optional[str]:
    """The text of domain response ``name`` in ``language``: its variation for that language, else the default.

    Responses translated for Spanish carry ``condition: [{type: slot, name: language, value: es}]``.
    """
    variations = [v for v in ((domain.get("responses") or {}).get(name) or []) if isinstance(v, dict)]

    def speaks(variation: Mapping[str, Any]) -> Optional[str]:
        wanted = [c.get("value") for c in variation.get("condition") or [] if c.get("name") == "language"]
        return wanted[0] if wanted else None

    for variation in variations:
        if language != "en" and speaks(variation) == language and not variation.get("channel"):
            return variation.get("text")
    for variation in variations:
        if not variation.get("condition") and not variation.get("channel"):
            return variation.get("text")
    return variations[0].get("text") if variations else None


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
    """The exact consent question shown to the user (recorded with their answer), in the slots' language."""
    language = slots_language(slots)
    method: str = slots.get("preferred_channel") or ""
    address = contact_address(method, slots)
    if language == SPANISH:
        template = response_text(domain, CONSENT_RESPONSE, SPANISH)
        if template is None or template == response_text(domain, CONSENT_RESPONSE, "en"):
            template = CONSENT_WORDING_ES  # the domain has no Spanish variation yet
        text = CONSENT_TEXT_ES
        at = text["at_phone"] if method in ("sms", "phone") else text["at"]
        return template.format(
            firm_name=settings.firm_name,
            method=method_label(method, SPANISH) if method in METHOD_LABELS else text["any_method"],
            address=at.format(address=address) if address else "",
        )
    template = response_text(domain, CONSENT_RESPONSE, "en") or domain["responses"][CONSENT_RESPONSE][0]["text"]
    return template.format(
        firm_name=settings.firm_name,
        method=METHOD_LABELS.get(method, "the channel you chose"),
        address=f" at {address}" if address else "",
    )


def field_buttons(slots: Mapping[str, Any]) -> List[Dict[str, str]]:
    """One button per answer given so far, to pick the one to change (titled in the slots' language)."""
    labels = field_labels(slots_language(slots))
    return [
        {"title": labels[field], "payload": f'/correct_intake{{"intake_field": "{field}"}}'}
        for field in FIELD_LABELS
        if slots.get(field) not in (None, "", [])
    ]
