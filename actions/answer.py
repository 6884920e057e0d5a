"""Answer the whole message: every notice, question and situation in it, in one short reply.

Every informational intent (a notice code, a topic question, a deadline question, out of scope, or
a message the classifier was unsure of) runs ``action_answer_message``. It reads the text with
``understanding`` and composes the reply from the knowledge base. "More" then sends the
full details of what the short answer covered (``action_answer_more``).
"""

from __future__ import annotations

import functools
import hashlib
from typing import Any, Dict, List, Optional, Tuple

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.base import BaseAction, conversation_language, entity_spans, latest_intent, latest_text, offer_next_step
from actions.fallback import did_you_mean_buttons
from actions.replies import Reply, deadline_replies, explanation_replies, send, topic_replies
from knowledge.loader import Knowledge
from services.dates import long_date, parse_iso
from understanding.composer import MAX_QUESTIONS, ComposedAnswer, compose, sms_plain
from understanding.passages import passages_for
from understanding.phrases import phrase
from understanding.question_classifier import (
    BESIDE_PATTERNS_PROBABILITY,
    TOPIC_QUESTION_OF_INTENT,
    question_classifier,
    trained_question_classifier,
)
from understanding.questions import covered
from understanding.reading import Memory, MessageReading, benefit_levy, read_message, unplaced_question
from understanding.situation_classifier import trained_situation_classifier

# When the text itself names no question, the intent still says what was asked.
INTENT_QUESTIONS: Dict[str, str] = {
    **TOPIC_QUESTION_OF_INTENT,
    "explain_notice": "what_is_notice",
    "got_letter": "what_is_notice",
}
# The model's intent adds its question to those the text reader found when it is this confident and
# no question of the same family was found ("can they take my paycheck" already covers ask_levy).
INTENT_QUESTION_CONFIDENCE = 0.6
# Intents answered by a whole knowledge topic (no short passage covers them).
INTENT_TOPICS: Dict[str, str] = {
    "ask_collection_process": "collection_process",
    "ask_intent_to_levy": "notice_of_intent_to_levy",
    "ask_lien_vs_levy": "lien_vs_levy",
    "ask_relief_options": "relief_options",
    "ask_taxpayer_advocate": "taxpayer_advocate",
}
# The knowledge topic with the full details behind each short answer ("more").
DETAIL_TOPICS: Dict[str, str] = {
    "wage_levy": "levy_wages",
    "bank_levy": "levy_bank",
    "levy_general": "levy",
    "social_security_levy": "levy_social_security",
    "stop_levy": "levy_release",
    "lien": "lien",
    "lien_removal": "lien_release",
    "payment_plan": "installment_agreement",
    "offer_in_compromise": "offer_in_compromise",
    "cnc_hardship": "currently_not_collectible",
    "innocent_spouse": "innocent_spouse",
    "penalty_relief": "penalty_relief",
    "cdp_hearing": "cdp_hearing",
    "collection_statute": "collection_statute",
    "scam": "scam_signs",
    "passport": "passport_certification",
    "consequences": "collection_process",
    "deadline": "deadlines_general",
    "taxpayer_advocate": "taxpayer_advocate",
}
SCOPE_RESPONSES = {
    "refund_status": "utter_scope_refund",
    "tax_prep": "utter_scope_tax_prep",
    "state_notice": "utter_scope_state",
    "other": "utter_out_of_scope",
}
MAX_DETAIL_TOPICS = 2
# The paragraphs the last short answer shortened or left out to fit ("more" sends them in full first).
MORE_SLOT = "answer_more"


def detail_replies(knowledge: Knowledge, labels: List[str]) -> List[Reply]:
    """The full knowledge topics behind the question labels of a short answer (at most two)."""
    replies: List[Reply] = []
    shown = 0
    if "lien" in labels and "levy_general" in labels:  # both asked: the topic that sets them side by side
        labels = ["topic:lien_vs_levy"] + [label for label in labels if label not in ("lien", "levy_general")]
    for label in labels:
        topic_id = label.split(":", 1)[1] if label.startswith("topic:") else DETAIL_TOPICS.get(label)
        topic = knowledge.topic(topic_id) if topic_id else None
        if topic is None or shown == MAX_DETAIL_TOPICS:
            continue
        replies += topic_replies(topic)
        shown += 1
    return replies


def memory_from(tracker: Tracker) -> Memory:
    """What earlier turns established, from the slots."""
    return Memory(
        notice_code=tracker.get_slot("notice_code"),
        notice_date=parse_iso(tracker.get_slot("notice_date")),
        situations=tuple(tracker.get_slot("situations") or ()),
        last_topics=tuple(tracker.get_slot("answered_topics") or ()),
    )


def _fingerprint(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def ask_the_general_question(reading: MessageReading, memory: Memory) -> MessageReading:
    """``reading`` with the general question of an asking sentence nothing placed: every question asked
    gets an answer, if only what the notice is or what to do now."""
    question = unplaced_question(reading, memory)
    if question and len(reading.questions) < MAX_QUESTIONS and not covered(question, reading.questions):
        reading.questions.append(question)
    return reading


class ActionAnswerMessage(BaseAction):
    """Compose one answer for everything the latest message says, then offer the next step."""

    def name(self) -> str:
        return "action_answer_message"

    def _lookup(self, raw: str) -> Optional[str]:
        notice = self.knowledge.find_notice(raw)
        return notice.code if notice else None

    def read(self, tracker: Tracker) -> Tuple[MessageReading, Memory]:
        """The reading of the latest message, with the intent's question when the text names none."""
        memory = memory_from(tracker)
        today = self.settings.today()
        reading = read_message(
            latest_text(tracker),
            self._lookup,
            today,
            memory,
            entity_spans(tracker),
            classify=question_classifier().question,
            classify_beside=functools.partial(
                question_classifier().question, min_probability=BESIDE_PATTERNS_PROBABILITY
            ),
            scope_of=question_classifier().scope,
        )
        intent = latest_intent(tracker) or ""
        if not reading.questions and intent in INTENT_QUESTIONS and not reading.out_of_scope:
            reading.questions = [INTENT_QUESTIONS[intent]]  # a refund or tax-prep question gets no collection topic
        elif intent in INTENT_QUESTIONS and not intent.startswith(("explain_", "got_")) and not reading.out_of_scope:
            question = INTENT_QUESTIONS[intent]
            confidence = float((tracker.latest_message.get("intent") or {}).get("confidence") or 0.0)
            if confidence >= INTENT_QUESTION_CONFIDENCE and not covered(question, reading.questions):
                reading.questions.append(question)  # the model read a question the patterns missed
        # the intent's levy question from someone living on benefits is about the benefit check
        reading.questions = benefit_levy(reading.questions, [*reading.situations, *memory.situations], reading.text)
        if intent == "out_of_scope" and not reading.has_content:
            reading.out_of_scope = "other"
        return reading, memory

    async def answer_instead(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, next_step: bool = True
    ) -> Optional[List[EventType]]:
        """For an action whose intent was read from a long message: answer the notices and questions
        in it (returns the events), or None when the message carries none and the caller goes on.
        A question nothing places ("any update on my case?") is the caller's own job."""
        reading, memory = await self._read_turn(tracker)
        asked = set(reading.questions) - {"talk_to_pro", "firm_services"}
        if not (reading.codes or reading.unknown_codes or asked or reading.situations or reading.out_of_scope):
            return None
        return self._answer(dispatcher, tracker, reading, memory, next_step)

    async def _read_turn(self, tracker: Tracker) -> Tuple[MessageReading, Memory]:
        await trained_question_classifier()  # both trained off the event loop on the first message
        await trained_situation_classifier()
        return self.read(tracker)

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        reading, memory = await self._read_turn(tracker)
        return self._answer(dispatcher, tracker, ask_the_general_question(reading, memory), memory, next_step=True)

    def _answer(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        reading: MessageReading,
        memory: Memory,
        next_step: bool,
    ) -> List[EventType]:
        intent = latest_intent(tracker) or ""
        today = self.settings.today()
        language = conversation_language(tracker)
        knowledge = self.knowledge_in(language)
        answer = compose(reading, knowledge, passages_for(language), memory, today, language)
        if not answer.paragraphs and intent in INTENT_TOPICS:
            topic = knowledge.topic(INTENT_TOPICS[intent])
            if topic is not None:
                answer.add(topic.sms)
                answer.topics.append(f"topic:{topic.id}")
        scope = SCOPE_RESPONSES.get(reading.out_of_scope or "")
        if scope:
            dispatcher.utter_message(response=scope, firm_name=self.settings.firm_name)
        if not answer.paragraphs and answer.notice is None and reading.notice_date and not scope:
            dispatcher.utter_message(
                response="utter_notice_date_noted", notice_date=long_date(reading.notice_date, language)
            )
            dispatcher.utter_message(response="utter_ask_notice_code")
            return [SlotSet("notice_date", reading.notice_date.isoformat())]
        if not answer.paragraphs and intent == "greet":
            dispatcher.utter_message(response="utter_greet")  # "hi" alone; "hi, I got a CP504..." is answered
            return []
        if not answer.paragraphs:
            if not scope:
                self._clarify(dispatcher, tracker, intent)
            events: List[EventType] = [SlotSet("notice_code", None)] if reading.unknown_codes else []
            if reading.out_of_scope == "state_notice":
                # remembered, so "how long do I have to protest it?" stays about the state's notice
                told = [*(tracker.get_slot("situations") or []), "state_notice"]
                events.append(SlotSet("situations", list(dict.fromkeys(told))))
            return events
        return self._send(dispatcher, tracker, reading, answer, next_step)

    def _clarify(self, dispatcher: CollectingDispatcher, tracker: Tracker, intent: str) -> None:
        if intent in ("explain_notice", "got_letter", "inform_notice_date"):
            dispatcher.utter_message(response="utter_ask_notice_code")
            return
        buttons = did_you_mean_buttons(tracker, self.knowledge_in(conversation_language(tracker)).base.intent_labels)
        if buttons:
            dispatcher.utter_message(response="utter_did_you_mean", buttons=buttons)
        else:
            dispatcher.utter_message(response="utter_ask_rephrase")

    def _send(
        self,
        dispatcher: CollectingDispatcher,
        tracker: Tracker,
        reading: MessageReading,
        answer: ComposedAnswer,
        next_step: bool,
    ) -> List[EventType]:
        fingerprint = _fingerprint(answer.text)
        if fingerprint == tracker.get_slot("last_answer"):
            # "How do I apply for that?" after the short answer: the full details, not the same words again
            details = detail_replies(self.knowledge_in(answer.language), answer.topics)
            if not details:
                dispatcher.utter_message(response="utter_answer_repeat")
                return []
            send(dispatcher, details)
            offer_next_step(dispatcher, tracker)
            return [SlotSet("last_answer", None)]
        source = (
            "\n\n" + phrase(answer.language, "source", url=answer.sources[0]) if answer.sources else ""
        )  # every answer names its page
        dispatcher.utter_message(response="utter_answer", answer=answer.text + source, sms=answer.sms_text())
        if "firm_services" in answer.topics:
            dispatcher.utter_message(response="utter_firm_services", firm_name=self.settings.firm_name)
        if next_step and tracker.active_loop_name != "intake_form":
            dispatcher.utter_message(response="utter_answer_next_urgent" if answer.urgent else "utter_answer_next")
        situations = list(dict.fromkeys([*(tracker.get_slot("situations") or []), *reading.situations]))
        events: List[EventType] = [
            SlotSet("last_answer", fingerprint),
            SlotSet(MORE_SLOT, answer.for_more or None),
            SlotSet("answered_topics", answer.topics or None),
            SlotSet("situations", situations or None),
        ]
        if answer.notice is None and reading.unknown_codes:
            events.append(SlotSet("notice_code", None))
        if answer.notice is not None:
            events.append(SlotSet("notice_code", answer.notice.code))
            events.append(SlotSet("notice_date", answer.notice_date.isoformat() if answer.notice_date else None))
        if {"levied", "bank_frozen"} & set(reading.situations) and not tracker.get_slot("levy_active"):
            events.append(SlotSet("levy_active", "yes"))
        return events


class ActionAnswerMore(BaseAction):
    """The full details (and official pages) behind the last short answer."""

    def name(self) -> str:
        return "action_answer_more"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[EventType]:
        # what the short answer shortened or left out to fit, in full, then the notice and the topics
        replies: List[Reply] = [
            Reply("utter_answer", {"answer": text, "sms": sms_plain(text)})
            for text in tracker.get_slot(MORE_SLOT) or []
        ]
        language = conversation_language(tracker)
        knowledge = self.knowledge_in(language)
        code = tracker.get_slot("notice_code")
        notice = knowledge.find_notice(code) if code else None
        if notice is not None:
            replies += explanation_replies(notice)
            replies += deadline_replies(
                notice, parse_iso(tracker.get_slot("notice_date")), self.settings.today(), language
            )
        replies += detail_replies(knowledge, tracker.get_slot("answered_topics") or [])
        if not replies:
            dispatcher.utter_message(response="utter_no_more")
            return []
        send(dispatcher, replies)
        offer_next_step(dispatcher, tracker)
        return [SlotSet("last_answer", None), SlotSet(MORE_SLOT, None)]
