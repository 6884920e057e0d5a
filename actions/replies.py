"""Compose the replies about one notice: what it is, how urgent, what to do, how long is left.

Each reply is a domain response name plus the values it fills in; the text itself lives in
domain.yml (with channel variants) and in the knowledge base.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from rasa_sdk.executor import CollectingDispatcher

from knowledge.schema import Notice, Stage, Topic, Urgency
from services.dates import long_date
from services.deadlines import DeadlineState, compute_deadline, equivalent_hearing_deadline
from understanding.phrases import ENGLISH
from understanding.phrases import count_days as count_days_in

URGENCY_RESPONSES = {
    Urgency.low: "utter_urgency_low",
    Urgency.medium: "utter_urgency_medium",
    Urgency.high: "utter_urgency_high",
    Urgency.critical: "utter_urgency_critical",
}


@dataclass
class Reply:
    """One domain response to send, with its template values."""

    response: str
    values: Dict[str, Any] = field(default_factory=dict)
    buttons: List[Dict[str, str]] = field(default_factory=list)


def send(dispatcher: CollectingDispatcher, replies: List[Reply]) -> None:
    """Send replies in order."""
    for reply in replies:
        dispatcher.utter_message(response=reply.response, buttons=reply.buttons or None, **reply.values)


def count_days(days: int, language: str = ENGLISH) -> str:
    """'1 day', '12 days' ('1 día', '12 días')."""
    return count_days_in(language, days)


def bullet_list(items: List[str]) -> str:
    """Lines starting with a bullet, for a short list of steps or facts."""
    return "\n".join(f"• {item}" for item in items)


def explanation_replies(notice: Notice) -> List[Reply]:
    """What the notice is, how urgent it is, and what to do now."""
    replies = [
        Reply(
            "utter_notice_explanation",
            {"code": notice.code, "title": notice.title, "explanation": notice.explanation, "sms": notice.sms},
        ),
        Reply(URGENCY_RESPONSES[notice.urgency], {"code": notice.code}),
        Reply("utter_notice_steps", {"steps": bullet_list(notice.what_to_do)}),
    ]
    if notice.sources_note:
        replies.append(Reply("utter_sources_note", {"note": notice.sources_note}))
    replies.append(Reply("utter_official_page", {"url": notice.source_url}))
    return replies


def deadline_replies(
    notice: Notice, notice_date: Optional[dt.date], today: dt.date, language: str = ENGLISH
) -> List[Reply]:
    """The response window of ``notice`` and, when the notice date is known, the days left."""
    window = notice.response_window
    common = {"code": notice.code, "purpose": window.purpose}
    if window.days is None:
        return [Reply("utter_deadline_no_window", common)]
    rule = Reply(
        "utter_deadline_rule" if window.extendable else "utter_deadline_rule_fixed", {**common, "days": window.days}
    )
    if notice_date is None:
        return [rule, Reply("utter_ask_notice_date", common)]
    deadline = compute_deadline(notice_date, window.days, today)
    assert deadline is not None  # window.days is set
    dated = {
        **common,
        "days": window.days,
        "notice_date": long_date(notice_date, language),
        "deadline": long_date(deadline.deadline, language),
    }
    state = deadline.state
    if state is DeadlineState.future_notice:
        return [rule, Reply("utter_deadline_future_date", dated)]
    if state is DeadlineState.open:
        return [Reply("utter_deadline_open", {**dated, "days_left": count_days(deadline.days_left, language)})]
    if state is DeadlineState.last_day:
        return [Reply("utter_deadline_last_day", dated)]
    replies = [
        Reply("utter_deadline_passed", {**dated, "days_ago": count_days(-deadline.days_left, language)}),
        Reply("utter_after_deadline", {"after_deadline": notice.after_deadline}),
    ]
    if notice.stage is Stage.final_notice_cdp:
        last_day = equivalent_hearing_deadline(notice_date)
        name = "utter_equivalent_hearing_open" if today <= last_day else "utter_equivalent_hearing_passed"
        replies.append(Reply(name, {"eh_deadline": long_date(last_day, language)}))
    return replies


def topic_replies(topic: Topic) -> List[Reply]:
    """A knowledge topic in full: the answer, its key facts and caveats, and the official page."""
    replies = [Reply("utter_topic_answer", {"title": topic.title, "answer": topic.answer, "sms": topic.sms})]
    if topic.key_facts:
        replies.append(Reply("utter_topic_facts", {"facts": bullet_list(topic.key_facts)}))
    if topic.sources_note:
        replies.append(Reply("utter_sources_note", {"note": topic.sources_note}))
    replies.append(Reply("utter_official_page", {"url": topic.source_url}))
    return replies
