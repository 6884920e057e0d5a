"""A photo or PDF of the notice: confirm what was read, then explain it as if it had been typed.

The channels read the file (channels/notice_photos.py) and send the bot intent ``notice_photo``
with the fields as the ``notice_photo_reading`` entity: code, notice date, amount due, tax years,
response date and the reader's problems, or ``{"error": reason}`` for a file it refused. Only
those fields are kept (slot ``photo_reading``), never the image or its text.

- ``action_read_notice_photo`` confirms a reading that has a code ("I read CP504, dated …,
  amount $6,312.45. Is that right?" with Yes / Not right buttons), asks specifically for what is
  missing, or says politely why a file could not be read;
- ``action_confirm_notice_photo`` (Yes) gives the answer the taxpayer would have had by typing the
  code and the date: the same composed explanation, deadline included, and the same slots;
- ``action_reject_notice_photo`` (Not right) forgets the reading and asks for the code and date;
- after the explanation the bot asks whether to attach the page to the case for the tax pro (the
  channel holds it in memory meanwhile, channels/notice_pages.py); ``action_attach_notice_page``
  reports what the channel did with "Attach it".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswerMessage, memory_from
from actions.base import BaseAction, conversation_language, latest_intent
from services.dates import parse_iso, short_date
from understanding.reading import Memory, MessageReading

PHOTO_INTENT = "notice_photo"
READING_ENTITY = "notice_photo_reading"
READING_EXTRACTOR = "notice_photos"
READING_SLOT = "photo_reading"
# One polite reply per reason a file was refused.
ERROR_RESPONSES: Dict[str, str] = {
    "too_large": "utter_notice_photo_too_large",
    "not_supported": "utter_notice_photo_not_supported",
    "too_many_pages": "utter_notice_photo_too_many_pages",
    "encrypted_pdf": "utter_notice_photo_encrypted",
    "malformed": "utter_notice_photo_broken",
    "image_bomb": "utter_notice_photo_broken",
    "timeout": "utter_notice_photo_failed",
    "download_failed": "utter_notice_photo_failed",
}


def photo_reading(tracker: Tracker) -> Optional[Dict[str, Any]]:
    """The fields the channel read from the photo in the latest message, or None.

    Only a message whose intent is ``notice_photo`` and whose entity came from the channels'
    reader counts, so text a user typed can never pass for a reading.
    """
    if latest_intent(tracker) != PHOTO_INTENT:
        return None
    for item in tracker.latest_message.get("entities") or []:
        if (
            isinstance(item, dict)
            and item.get("entity") == READING_ENTITY
            and item.get("extractor") == READING_EXTRACTOR
            and isinstance(item.get("value"), dict)
        ):
            return dict(item["value"])
    return None


def _amount(value: Any) -> Optional[Decimal]:
    try:
        amount = Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None
    return amount if amount is not None and amount.is_finite() and amount >= 0 else None


def _years(value: Any) -> List[int]:
    years = value if isinstance(value, list) else []
    return [int(year) for year in years if isinstance(year, int) and 1990 <= year <= 2100]


# The words around what was read, per language ("dated …, amount …" / "con fecha del …, cantidad …").
READING_WORDS: Dict[str, Dict[str, str]] = {
    "en": {
        "dated": "dated {day}",
        "amount": "amount {money}",
        "tax_year": "tax year {years}",
        "tax_years": "tax year {years}",
        "the_amount": "the amount ({money})",
        "the_date": "the date ({day})",
        "and": " and ",
    },
    "es": {
        "dated": "con fecha del {day}",
        "amount": "cantidad {money}",
        "tax_year": "año fiscal {years}",
        "tax_years": "años fiscales {years}",
        "the_amount": "la cantidad ({money})",
        "the_date": "la fecha ({day})",
        "and": " y ",
    },
}


def day(value: dt.date, language: str = "en") -> str:
    """A date as printed on a notice: ``October 1, 2026`` (``1 de octubre de 2026``)."""
    if language == "es":
        return short_date(value, "es")
    return f"{value:%B} {value.day}, {value.year}"


def money(amount: Decimal) -> str:
    """Dollars the way a US reader writes them: ``$6,312.45``."""
    return f"${amount:,.2f}"


class PhotoFields:
    """A photo's reading, checked: a known code, a date, an amount, tax years."""

    def __init__(self, reading: Dict[str, Any], lookup: Any) -> None:
        raw = reading.get("code")
        notice = lookup(raw) if isinstance(raw, str) and raw.strip() else None
        self.raw_code: Optional[str] = raw.strip() if isinstance(raw, str) and raw.strip() else None
        self.code: Optional[str] = notice.code if notice is not None else None
        self.notice_date: Optional[dt.date] = parse_iso(reading.get("notice_date"))
        self.amount: Optional[Decimal] = _amount(reading.get("amount_due"))
        self.tax_years: List[int] = _years(reading.get("tax_years"))
        problems = reading.get("problems")
        self.problems: List[str] = [p for p in problems if isinstance(p, str)] if isinstance(problems, list) else []
        page_id = reading.get("page_id")
        self.page_id: Optional[str] = page_id if isinstance(page_id, str) and page_id else None

    @property
    def unreadable(self) -> bool:
        """Nothing usable: no text, not a notice, or no field read at all."""
        if self.code or self.raw_code:
            return False
        return (
            "no_text" in self.problems
            or "not_a_notice" in self.problems
            or not (self.notice_date or self.amount is not None)
        )

    def described(self, language: str = "en") -> str:
        """What was read, for the confirmation: "CP504, dated …, amount $6,312.45"."""
        words = READING_WORDS["es" if language == "es" else "en"]
        parts = [self.code or self.raw_code or ""]
        if self.notice_date:
            parts.append(words["dated"].format(day=day(self.notice_date, language)))
        if self.amount is not None:
            parts.append(words["amount"].format(money=money(self.amount)))
        if self.tax_years:
            years = ", ".join(str(year) for year in self.tax_years)
            parts.append(words["tax_years" if len(self.tax_years) > 1 else "tax_year"].format(years=years))
        return ", ".join(part for part in parts if part)

    def partial(self, language: str = "en") -> str:
        """What was read when the code was not: "the amount ($6,312.45) and the date (…)"."""
        words = READING_WORDS["es" if language == "es" else "en"]
        parts = []
        if self.amount is not None:
            parts.append(words["the_amount"].format(money=money(self.amount)))
        if self.notice_date:
            parts.append(words["the_date"].format(day=day(self.notice_date, language)))
        return words["and"].join(parts)

    def stored(self) -> Dict[str, Any]:
        """The fields kept until the taxpayer confirms them (slot ``photo_reading``)."""
        return {
            "code": self.code or self.raw_code,
            "notice_date": self.notice_date.isoformat() if self.notice_date else None,
            "amount_due": str(self.amount) if self.amount is not None else None,
            "tax_years": self.tax_years,
            "page_kept": bool(self.page_id),
        }


class ActionReadNoticePhoto(BaseAction):
    """Confirm what the photo showed, ask for what it did not, or say why it could not be read."""

    def name(self) -> str:
        return "action_read_notice_photo"

    def _lookup(self, raw: str) -> Any:
        return self.knowledge.find_notice(raw)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        reading = photo_reading(tracker)
        if reading is None:  # typed ("here is a photo of my notice") but no file came through
            dispatcher.utter_message(response="utter_notice_photo_missing")
            return [SlotSet(READING_SLOT, None)]
        if reading.get("error"):
            reason = str(reading["error"])
            dispatcher.utter_message(response=ERROR_RESPONSES.get(reason, "utter_notice_photo_broken"))
            return [SlotSet(READING_SLOT, None)]
        fields = PhotoFields(reading, self._lookup)
        language = conversation_language(tracker)
        if fields.unreadable:
            dispatcher.utter_message(response="utter_notice_photo_unreadable")
            return [SlotSet(READING_SLOT, None)]
        if not (fields.code or fields.raw_code):
            dispatcher.utter_message(response="utter_notice_photo_no_code", read=fields.partial(language))
            events: List[EventType] = [SlotSet(READING_SLOT, None)]
            if fields.notice_date:  # kept, as if typed: the code typed next is explained with it
                events.append(SlotSet("notice_date", fields.notice_date.isoformat()))
            return events
        response = "utter_notice_photo_confirm" if fields.notice_date else "utter_notice_photo_confirm_no_date"
        dispatcher.utter_message(response=response, reading=fields.described(language))
        return [SlotSet(READING_SLOT, fields.stored())]


class ActionConfirmNoticePhoto(ActionAnswerMessage):
    """The taxpayer said the reading is right: explain the notice as if they had typed it."""

    def name(self) -> str:
        return "action_confirm_notice_photo"

    def read(self, tracker: Tracker) -> Tuple[MessageReading, Memory]:
        """The confirmed reading as a message that named the code and the date."""
        stored = tracker.get_slot(READING_SLOT) or {}
        code = stored.get("code") if isinstance(stored, dict) else None
        known = self._lookup(code) if isinstance(code, str) else None
        reading = MessageReading(
            text="",
            codes=[known] if known else [],
            unknown_codes=[code] if code and not known else [],
            notice_date=parse_iso(stored.get("notice_date")) if isinstance(stored, dict) else None,
            amount=_amount(stored.get("amount_due")) if isinstance(stored, dict) else None,
            tax_years=_years(stored.get("tax_years")) if isinstance(stored, dict) else [],
        )
        return reading, memory_from(tracker)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        if not isinstance(tracker.get_slot(READING_SLOT), dict):
            dispatcher.utter_message(response="utter_notice_photo_expired")
            return []
        events = await super().run(dispatcher, tracker, domain)
        if tracker.get_slot(READING_SLOT).get("page_kept"):
            dispatcher.utter_message(response="utter_notice_photo_attach_ask")
        return [*events, SlotSet(READING_SLOT, None)]


class ActionRejectNoticePhoto(BaseAction):
    """The reading is wrong: forget it and ask for the code and date in words."""

    def name(self) -> str:
        return "action_reject_notice_photo"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        dispatcher.utter_message(response="utter_notice_photo_retry")
        return [SlotSet(READING_SLOT, None)]


# What the channel did with the page when the taxpayer chose "Attach it" (metadata "notice_page").
ATTACH_RESPONSES: Dict[str, str] = {
    "attached": "utter_notice_page_attached",
    "failed": "utter_notice_page_failed",
    "gone": "utter_notice_page_gone",
}


def attach_outcome(tracker: Tracker) -> str:
    """``attached``, ``failed`` or ``gone``, as the channel set it on the latest user message."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            metadata = event.get("metadata") or {}
            outcome = metadata.get("notice_page") if isinstance(metadata, dict) else None
            return outcome if outcome in ATTACH_RESPONSES else "gone"
    return "gone"


class ActionAttachNoticePage(BaseAction):
    """Tell the taxpayer whether the page of their notice is now attached to their case."""

    def name(self) -> str:
        return "action_attach_notice_page"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        dispatcher.utter_message(response=ATTACH_RESPONSES[attach_outcome(tracker)])
        return []
