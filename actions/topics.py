"""Answer topic questions (collection, levy, lien, relief options, hearings, scams) from the knowledge base."""
from __future__ import annotations

from typing import Any, Dict, List, Optional, Text

from rasa_sdk import Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher

from actions.base import BaseAction, Button, latest_entity_values, latest_intent, latest_text, offer_next_step
from actions.knowledge.schema import Topic
from actions.replies import Reply, bullet_list, send

RELIEF_INTENT = "ask_relief_options"
TOPIC_ENTITY = "topic"
# Offered after the relief overview when no notice is in context.
DEFAULT_RELIEF_TOPICS = [
    "installment_agreement",
    "offer_in_compromise",
    "currently_not_collectible",
    "penalty_relief",
    "innocent_spouse",
    "cdp_hearing",
]
MAX_OPTION_BUTTONS = 6


def topic_button(topic: Topic) -> Button:
    """A button that opens ``topic`` exactly (its intent plus the topic id)."""
    return {"title": topic.title, "payload": f'/{topic.intent}{{"{TOPIC_ENTITY}": "{topic.id}"}}'}


def topic_replies(topic: Topic) -> List[Reply]:
    """The answer, its key facts and caveats, and the official page."""
    replies = [Reply("utter_topic_answer", {"title": topic.title, "answer": topic.answer, "sms": topic.sms})]
    if topic.key_facts:
        replies.append(Reply("utter_topic_facts", {"facts": bullet_list(topic.key_facts)}))
    if topic.sources_note:
        replies.append(Reply("utter_sources_note", {"note": topic.sources_note}))
    replies.append(Reply("utter_official_page", {"url": topic.source_url}))
    return replies


class ActionExplainTopic(BaseAction):
    """Answer the topic the latest intent asks about, then offer the next step."""

    def name(self) -> Text:
        return "action_explain_topic"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[Text, Any]
    ) -> List[EventType]:
        intent = latest_intent(tracker) or ""
        topic = self._chosen_topic(tracker, intent)
        if topic is None:
            dispatcher.utter_message(response="utter_ask_rephrase")
            return []
        send(dispatcher, topic_replies(topic))
        if intent == RELIEF_INTENT and topic.main:
            buttons = [topic_button(t) for t in self._relief_topics(tracker)][:MAX_OPTION_BUTTONS]
            send(dispatcher, [Reply("utter_pick_option", buttons=buttons)])
        offer_next_step(dispatcher, tracker)
        return []

    def _chosen_topic(self, tracker: Tracker, intent: str) -> Optional[Topic]:
        for topic_id in latest_entity_values(tracker, TOPIC_ENTITY):
            topic = self.knowledge.topic(topic_id)
            if topic is not None and topic.intent == intent:
                return topic
        return self.knowledge.topic_for_intent(intent, latest_text(tracker))

    def _relief_topics(self, tracker: Tracker) -> List[Topic]:
        code = tracker.get_slot("notice_code")
        notice = self.knowledge.find_notice(code) if code else None
        ids = notice.relief_options if notice and notice.relief_options else DEFAULT_RELIEF_TOPICS
        return self.knowledge.topics_by_ids(ids)
