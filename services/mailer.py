"""E-mail to the on-duty pro about a new case (stdlib smtplib; blocking, run it in a thread).

The message goes from SMTP_FROM to ONDUTY_EMAIL through SMTP_HOST:SMTP_PORT, upgraded with STARTTLS
when SMTP_STARTTLS is true (port 465 uses implicit TLS instead), with a login when SMTP_USERNAME is
set. The body is a plain-text summary of the case payload (see ``store.cases.case_payload``).
"""

from __future__ import annotations

import smtplib
import ssl
from decimal import Decimal, InvalidOperation
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from typing import Any, Dict, List, Optional

from settings.assistant import Settings

SMTP_TIMEOUT_S = 30.0
IMPLICIT_TLS_PORT = 465
# The conversation's language (``intake.language`` of the payload), as the pro reads it: the pro
# replies in it.
LANGUAGE_NAMES = {"en": "English", "es": "Spanish"}


class MailNotConfigured(RuntimeError):
    """SMTP_HOST, SMTP_FROM or ONDUTY_EMAIL is missing."""


def _amount(value: Optional[str]) -> Optional[str]:
    try:
        return None if value is None else f"${Decimal(value):,.2f}"
    except InvalidOperation:
        return value


def _language(code: Optional[str]) -> Optional[str]:
    """ "Spanish (es)"; an unknown code as it is; None when the payload has none."""
    if not code:
        return None
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name else code


def _lines(label: str, value: Any) -> List[str]:
    if value is None or value == "" or value == []:
        return []
    if isinstance(value, list):
        value = ", ".join(str(item) for item in value)
    return [f"{label}: {value}"]


def case_subject(payload: Dict[str, Any]) -> str:
    """The subject line, e.g. "New case MTS-7K3Q9 (critical)"."""
    return f"New case {payload.get('reference', '?')} ({payload.get('priority', 'normal')})"


def case_body(payload: Dict[str, Any]) -> str:
    """A plain-text summary of a case payload for the on-duty pro."""
    intake: Dict[str, Any] = payload.get("intake") or {}
    consent: Dict[str, Any] = intake.get("consent") or {}
    lines = [case_subject(payload), ""]
    lines += _lines("Priority", payload.get("priority"))
    lines += _lines("Why", payload.get("priority_reasons"))
    lines += _lines("Deadline", payload.get("deadline"))
    lines += [""]
    lines += _lines("Taxpayer", intake.get("full_name"))
    lines += _lines("Language", _language(intake.get("language")))
    lines += _lines("Preferred contact", intake.get("preferred_channel"))
    lines += _lines("Phone", intake.get("phone"))
    lines += _lines("E-mail", intake.get("email"))
    lines += _lines("Best time", intake.get("contact_time"))
    lines += _lines("State", intake.get("us_state"))
    lines += _lines("Notices", intake.get("notice_codes"))
    lines += _lines("Notice date", intake.get("notice_date"))
    lines += _lines("Tax years", intake.get("tax_years"))
    lines += _lines("Amount owed", _amount(intake.get("amount_owed")))
    lines += _lines("Levy active", intake.get("levy_active"))
    lines += _lines("Unfiled returns", intake.get("unfiled_returns"))
    lines += _lines("Joint filing", intake.get("joint_filing"))
    lines += [""]
    lines += _lines("Chat channel", payload.get("channel"))
    lines += _lines("Case created", payload.get("created_at"))
    if consent:
        lines += [
            f"Consent: given {consent.get('given_at')} on {consent.get('channel')}, "
            f"contact by {consent.get('contact_method')}:",
            f'  "{consent.get("wording")}"',
        ]
    lines += ["", "Open the agent desk to take this case."]
    return "\n".join(lines) + "\n"


def case_email(settings: Settings, payload: Dict[str, Any]) -> EmailMessage:
    """The e-mail about a new case, addressed from SMTP_FROM to ONDUTY_EMAIL."""
    if not (settings.smtp_host and settings.smtp_from and settings.onduty_email):
        raise MailNotConfigured("SMTP_HOST, SMTP_FROM and ONDUTY_EMAIL are needed to send e-mail")
    message = EmailMessage()
    message["Subject"] = case_subject(payload)
    message["From"] = settings.smtp_from
    message["To"] = settings.onduty_email
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = make_msgid(domain=settings.smtp_from.rpartition("@")[2] or None)
    message.set_content(case_body(payload))
    return message


def send_case_email(settings: Settings, payload: Dict[str, Any]) -> None:
    """Send the e-mail about a new case; blocking (call through ``asyncio.to_thread``).

    Raises:
        MailNotConfigured: SMTP settings are missing.
        smtplib.SMTPException, OSError: the server could not be reached or refused the message.
    """
    message = case_email(settings, payload)
    host, port = str(settings.smtp_host), settings.smtp_port
    context = ssl.create_default_context()
    if port == IMPLICIT_TLS_PORT:
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(host, port, timeout=SMTP_TIMEOUT_S, context=context)
    else:
        smtp = smtplib.SMTP(host, port, timeout=SMTP_TIMEOUT_S)
    with smtp:
        if settings.smtp_starttls and port != IMPLICIT_TLS_PORT:
            smtp.starttls(context=context)
        if settings.smtp_username:
            password = settings.smtp_password.get_secret_value() if settings.smtp_password else ""
            smtp.login(settings.smtp_username, password)
        smtp.send_message(message)
