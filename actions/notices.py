"""Explain a notice the user names, from the knowledge base only."""
from __future__ import annotations

import datetime as dt
from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import NOTICE_ENTITY, BaseAction, entity_spans, latest_entity_values, latest_text, offer_next_step
from actions.knowledge.codes import display_code, normalise_code
from actions.knowledge.schema import Notice
from actions.replies import Reply, deadline_replies, explanation_replies, send
from actions.services.dates import find_notice_date, parse_iso

MAX_CODES_PER_MESSAGE = 3


def message_date(tracker: Tracker, today: dt.date) -> Optional[dt.date]:
    """The notice date written in the latest message (searched once per turn: dateparser is slow)."""
    return find_notice_date(latest_text(tracker), today, entity_spans(tracker))


def notice_date_for(tracker: Tracker, code: str, found: Optional[dt.date]) -> Optional[dt.date]:
    """The date ``found`` in the latest message, else the remembered one if it belongs to ``code``."""
    if found:
        return found
    remembered_code = tracker.get_slot("notice_code")
    if remembered_code in (None, code):
        return parse_iso(tracker.get_slot("notice_date"))
    return None


def unknown_notice(raw: str) -> Reply:
    """The honest answer for a code the knowledge base does not have."""
    return Reply("utter_notice_unknown", {"code": display_code(raw)})


class ActionExplainNotice(BaseAction):
    """Explain each notice code in the latest message (or the one remembered), with its deadline."""

    def name(self) -> Text:
        return "action_explain_notice"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        raw_codes = latest_entity_values(tracker, NOTICE_ENTITY)
        if not raw_codes and tracker.get_slot("notice_code"):
            raw_codes = [tracker.get_slot("notice_code")]
        if not raw_codes:
            dispatcher.utter_message(response="utter_ask_notice_code")
            return []

        today = self.settings.today()
        found_date = message_date(tracker, today)
        events: List[EventType] = []
        first_known: Optional[Notice] = None
        seen = set()
        for raw in raw_codes:
            notice = self.knowledge.find_notice(raw)
            # "CP504" and "the 504 notice" are one notice: explain it once
            key = notice.code if notice else (normalise_code(raw) or raw)
            if key in seen or len(seen) == MAX_CODES_PER_MESSAGE:
                continue
            seen.add(key)
            if notice is None:
                send(dispatcher, [unknown_notice(raw)])
                continue
            notice_date = notice_date_for(tracker, notice.code, found_date)
            send(dispatcher, explanation_replies(notice) + deadline_replies(notice, notice_date, today))
            if first_known is None:
                first_known = notice
                events = [SlotSet("notice_code", notice.code),
                          SlotSet("notice_date", notice_date.isoformat() if notice_date else None)]
        offer_next_step(dispatcher, tracker)
        return events
