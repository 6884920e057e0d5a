"""Answer "how long do I have?" and work out the deadline from the date printed on the notice."""
from __future__ import annotations

from typing import Any, Dict, List, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import NOTICE_ENTITY, BaseAction, latest_entity_values, latest_intent, offer_next_step
from actions.notices import message_date, notice_date_for, unknown_notice
from actions.replies import Reply, deadline_replies, explanation_replies, send
from actions.services.dates import format_date

GENERAL_DEADLINES_TOPIC = "deadlines_general"


class ActionNoticeDeadline(BaseAction):
    """Count the days left for the notice in context, or ask for what is missing (code or date)."""

    def name(self) -> Text:
        return "action_notice_deadline"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        today = self.settings.today()
        codes = latest_entity_values(tracker, NOTICE_ENTITY)
        raw_code = codes[0] if codes else tracker.get_slot("notice_code")
        found = message_date(tracker, today)

        if not raw_code:
            if found:
                send(dispatcher, [Reply("utter_notice_date_noted", {"notice_date": format_date(found)}),
                                  Reply("utter_ask_notice_code")])
                return [SlotSet("notice_date", found.isoformat())]
            topic = self.knowledge.topic(GENERAL_DEADLINES_TOPIC)
            if topic is not None:
                send(dispatcher, [Reply("utter_topic_answer", {"title": topic.title, "answer": topic.answer,
                                                               "sms": topic.sms})])
            dispatcher.utter_message(response="utter_ask_notice_code")
            return []

        notice = self.knowledge.find_notice(raw_code)
        if notice is None:
            send(dispatcher, [unknown_notice(raw_code)])
            offer_next_step(dispatcher, tracker)
            return [SlotSet("notice_code", None)]

        notice_date = notice_date_for(tracker, notice.code, found)
        # A notice the user tells us about for the first time ("I got an LT11 dated 3 weeks ago") is
        # explained too: they haven't heard yet what it is. A plain deadline question gets the deadline.
        is_new = (bool(codes) and notice.code != tracker.get_slot("notice_code")
                  and latest_intent(tracker) != "ask_deadline")
        send(dispatcher, (explanation_replies(notice) if is_new else []) + deadline_replies(notice, notice_date, today))
        offer_next_step(dispatcher, tracker)
        return [SlotSet("notice_code", notice.code),
                SlotSet("notice_date", notice_date.isoformat() if notice_date else None)]
