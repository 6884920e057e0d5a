"""Which intake questions to ask, in which order, and how the answers read back to the user.

Pure logic, no Rasa imports: the form's validation action and the intake control actions call it.
Labels and answers read back in the conversation's language ("en" or "es"); the English tables
keep their names (the agent desk shows them).
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, Iterable, List, Mapping, Optional

from services.dates import parse_iso, short_date

SPANISH = "es"

# Every question of the form, in the order they are asked (domain.yml lists the same).
FORM_SLOTS = (
    "full_name",
    "phone",
    "email",
    "preferred_channel",
    "levy_active",
    "notice_codes",
    "notice_date",
    "us_state",
    "tax_years",
    "amount_owed",
    "unfiled_returns",
    "joint_filing",
    "contact_time",
    "contact_consent",
    "intake_confirmed",
)
# Questions a user may skip; on the fast path they are not asked at all.
OPTIONAL_SLOTS = frozenset(
    {
        "notice_codes",
        "notice_date",
        "us_state",
        "tax_years",
        "amount_owed",
        "unfiled_returns",
        "joint_filing",
        "contact_time",
    }
)
CONTACT_SLOTS = ("phone", "email")
# Answers that the consent wording and the summary depend on: changing one asks for both again.
CONSENT_INPUTS = frozenset({"phone", "email", "preferred_channel"})
MAX_FAILURES_BEFORE_OFFER = 2

FIELD_LABELS: Dict[str, str] = {
    "full_name": "Name",
    "phone": "Phone",
    "email": "E-mail",
    "preferred_channel": "Contact by",
    "levy_active": "Levy or garnishment now",
    "notice_codes": "Notices",
    "notice_date": "Notice date",
    "us_state": "State",
    "tax_years": "Tax years",
    "amount_owed": "Amount owed",
    "unfiled_returns": "Unfiled returns",
    "joint_filing": "Filed jointly",
    "contact_time": "Best time",
}
METHOD_LABELS = {"sms": "text message", "phone": "phone call", "email": "e-mail", "chat": "this chat"}
ANSWER_LABELS = {"yes": "Yes", "no": "No", "unsure": "Not sure"}

FIELD_LABELS_ES: Dict[str, str] = {
    "full_name": "Nombre",
    "phone": "Teléfono",
    "email": "Correo electrónico",
    "preferred_channel": "Contacto por",
    "levy_active": "Embargo o retención de sueldo ahora",
    "notice_codes": "Avisos",
    "notice_date": "Fecha del aviso",
    "us_state": "Estado",
    "tax_years": "Años fiscales",
    "amount_owed": "Cantidad que debe",
    "unfiled_returns": "Declaraciones sin presentar",
    "joint_filing": "Declaración conjunta",
    "contact_time": "Mejor horario",
}
METHOD_LABELS_ES = {
    "sms": "mensaje de texto",
    "phone": "llamada telefónica",
    "email": "correo electrónico",
    "chat": "este chat",
}
ANSWER_LABELS_ES = {"yes": "Sí", "no": "No", "unsure": "No sabe con certeza"}
# The contact-time answers the parser normalises, as read back in Spanish.
CONTACT_TIME_LABELS_ES = {
    "morning": "por la mañana",
    "afternoon": "por la tarde",
    "evening": "por la noche",
    "any time": "a cualquier hora",
}


def field_labels(language: str = "en") -> Dict[str, str]:
    """The field labels (summary lines, buttons) in ``language``."""
    return FIELD_LABELS_ES if language == SPANISH else FIELD_LABELS


def method_label(method: Any, language: str = "en") -> Any:
    """How a contact method reads in a sentence: "text message" / "mensaje de texto" (else as given)."""
    labels = METHOD_LABELS_ES if language == SPANISH else METHOD_LABELS
    return labels.get(method, method)


# Words in a correction request that name the field to change ("my email is wrong"), matched as
# whole words, most specific field first ("the notice number" is the notice, not the phone).
FIELD_KEYWORDS: Dict[str, tuple] = {
    "email": ("email", "e-mail", "mail", "address"),
    "notice_date": ("date", "dated"),
    "notice_codes": ("notice", "notices", "code", "letter"),
    "tax_years": ("year", "years"),
    "amount_owed": ("amount", "owe", "owed", "balance", "debt"),
    "levy_active": ("levy", "levied", "levies", "garnish", "garnished", "garnishment", "garnishing"),
    "unfiled_returns": ("unfiled", "returns"),
    "joint_filing": ("joint", "jointly", "spouse", "husband", "wife"),
    "contact_time": ("time", "morning", "mornings", "afternoon", "evening", "evenings"),
    "preferred_channel": (
        "contact me",
        "contact by",
        "contact method",
        "reach me",
        "channel",
        "text me",
        "call me",
        "by text",
    ),
    "us_state": ("state",),
    "phone": ("phone", "number", "cell", "mobile"),
    "full_name": ("name", "spelled", "spelling"),
}
# The same in Spanish, matched on lower-case text without accents ("mi correo está mal").
FIELD_KEYWORDS_ES: Dict[str, tuple] = {
    "email": ("correo", "correo electronico", "email", "e-mail", "mail", "direccion de correo"),
    "notice_date": ("fecha", "fechado", "fechada"),
    "notice_codes": ("aviso", "avisos", "codigo", "carta", "cartas"),
    "tax_years": ("ano", "anos", "year"),
    "amount_owed": ("cantidad", "monto", "deuda", "saldo", "adeudo", "adeudado"),
    "levy_active": ("embargo", "embargos", "embargado", "embargada", "embargaron", "retencion", "retienen", "garnish"),
    "unfiled_returns": ("sin presentar", "declaraciones", "no presentadas"),
    "joint_filing": ("conjunta", "conjuntamente", "conyuge", "esposo", "esposa", "pareja"),
    "contact_time": ("hora", "horario", "manana", "mananas", "tarde", "tardes", "noche", "noches"),
    "preferred_channel": (
        "contactarme",
        "contacten",
        "contactenme",
        "comunicarse",
        "medio de contacto",
        "forma de contacto",
        "mensaje de texto",
        "llamenme",
        "por texto",
    ),
    "us_state": ("estado",),
    "phone": ("telefono", "numero", "celular", "movil"),
    "full_name": ("nombre", "apellido", "escrito", "deletreado"),
}


def _patterns(keywords: Dict[str, tuple]) -> Dict[str, re.Pattern[str]]:
    return {
        field: re.compile(r"\b(?:" + "|".join(re.escape(word) for word in words) + r")\b")
        for field, words in keywords.items()
    }


_FIELD_PATTERNS = _patterns(FIELD_KEYWORDS)
_FIELD_PATTERNS_ES = _patterns(FIELD_KEYWORDS_ES)


def _fold(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in folded if not unicodedata.combining(ch))


def _filled(value: Any) -> bool:
    return value is not None and value != [] and value != ""


def contact_given(slots: Mapping[str, Any]) -> bool:
    """Whether the user gave at least one way to reach them."""
    return any(_filled(slots.get(name)) for name in CONTACT_SLOTS)


def can_skip(slot: str, slots: Mapping[str, Any]) -> bool:
    """Whether the user may skip ``slot`` now (one of phone or e-mail is always needed)."""
    if slot in OPTIONAL_SLOTS:
        return True
    skipped = set(slots.get("intake_skipped") or [])
    if slot == "phone":
        return "email" not in skipped
    if slot == "email":
        return _filled(slots.get("phone"))
    return False


def questions_to_ask(slots: Mapping[str, Any], fast_path: bool) -> List[str]:
    """The form's required slots now: skipped ones and, on the fast path, optional ones dropped."""
    skipped = set(slots.get("intake_skipped") or [])
    wanted: List[str] = []
    for slot in FORM_SLOTS:
        if slot in skipped:
            continue
        if fast_path and slot in OPTIONAL_SLOTS and not _filled(slots.get(slot)):
            continue
        if slot == "email" and fast_path and _filled(slots.get("phone")):
            continue
        if slot == "intake_confirmed" and slots.get("contact_consent") is False:
            continue  # no consent: the form ends and nothing is sent
        wanted.append(slot)
    return wanted


def field_for_correction(text: str, hint: Optional[str] = None, language: str = "en") -> Optional[str]:
    """The form field a correction request is about, from a button's hint or the words used."""
    if hint in FIELD_LABELS:
        return hint
    lowered = text.lower()
    if language == SPANISH:
        folded = _fold(text)
        for field, pattern in _FIELD_PATTERNS_ES.items():
            if pattern.search(folded):
                return field
    for field, pattern in _FIELD_PATTERNS.items():
        if pattern.search(lowered):
            return field
    return None


def slots_to_clear(field: str) -> List[str]:
    """Slots to empty so the form asks ``field`` again (and re-confirms what depends on it)."""
    cleared = [field, "intake_confirmed"]
    if field in CONSENT_INPUTS:
        cleared += ["contact_consent", "consent_record"]
    if field in CONTACT_SLOTS:
        cleared.append("preferred_channel")
    return list(dict.fromkeys(cleared))


def format_amount(value: Any) -> str:
    """An amount slot ("12500.00") as "$12,500"."""
    try:
        amount = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    return f"${amount:,.2f}".replace(".00", "")


def display_value(field: str, value: Any, language: str = "en") -> str:
    """How one answer reads back in the summary (amounts stay "$12,500": dollars, as a US notice prints them)."""
    spanish = language == SPANISH
    if field == "preferred_channel":
        return (METHOD_LABELS_ES if spanish else METHOD_LABELS).get(value, str(value))
    if field in ("levy_active", "unfiled_returns", "joint_filing"):
        return (ANSWER_LABELS_ES if spanish else ANSWER_LABELS).get(value, str(value))
    if field == "amount_owed":
        return format_amount(value)
    if field == "notice_date":
        day = parse_iso(value)
        if day and spanish:
            return short_date(day, SPANISH)
        return f"{day:%B} {day.day}, {day.year}" if day else str(value)
    if field == "contact_time" and spanish:
        return CONTACT_TIME_LABELS_ES.get(value, str(value))
    if isinstance(value, (list, tuple)):
        return ", ".join(str(item) for item in value)
    return str(value)


def summary_lines(slots: Mapping[str, Any], fields: Iterable[str] = FIELD_LABELS, language: str = "en") -> str:
    """The answers given so far, one "Label: value" line each."""
    labels = field_labels(language)
    lines = []
    for field in fields:
        value = slots.get(field)
        if _filled(value):
            lines.append(f"• {labels[field]}: {display_value(field, value, language)}")
    return "\n".join(lines)


def contact_address(method: Optional[str], slots: Mapping[str, Any]) -> str:
    """Where the firm will reach the user for ``method`` (the number or address; "" for this chat)."""
    if method in ("sms", "phone"):
        return str(slots.get("phone") or "")
    if method == "email":
        return str(slots.get("email") or "")
    return ""


def method_choices(slots: Mapping[str, Any], chat_can_receive: bool) -> List[str]:
    """The contact methods the user can pick, given the contacts they gave and the chat channel."""
    choices = []
    if _filled(slots.get("phone")):
        choices += ["sms", "phone"]
    if _filled(slots.get("email")):
        choices.append("email")
    if chat_can_receive:
        choices.append("chat")
    return choices
