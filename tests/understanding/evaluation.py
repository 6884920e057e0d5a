"""Score whole-message answers on the labelled real-message sets (dev.yml, heldout.yml).

Each item is played as a conversation: its context messages first, then its text. Every message is
parsed by the trained model; a message whose intent the rules do not send to action_answer_message
gets no composed answer (as in the real bot) and fails. The final reply is judged as a reviewer
would: every expected code named (an unknown one said honestly), every question answered, every
situation used, the right out-of-scope answer, and the phrases the answer hinges on present.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Awaitable, Callable, Dict, List, Optional, Set

import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswerMessage, ask_the_general_question
from knowledge.codes import normalise_code
from nlp.language import detect_language
from understanding.composer import ComposedAnswer, compose
from understanding.passages import passages_for
from understanding.questions import GENERIC

ROOT = Path(__file__).resolve().parents[2]
HERE = Path(__file__).parent
DOMAIN = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 12, 3)
Parse = Callable[[str], Awaitable[Dict[str, Any]]]


def routed_intents() -> Set[str]:
    """Intents the rules answer with action_answer_message."""
    intents: Set[str] = set()
    for path in (ROOT / "data" / "rules").glob("*.yml"):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules", []):
            steps = rule.get("steps", [])
            for first, second in zip(steps, steps[1:], strict=False):
                if (
                    "intent" in first
                    and second.get("action") == "action_answer_message"
                    and all(c == {"active_loop": None} for c in rule.get("condition") or [])
                ):
                    intents.add(first["intent"])
    return intents


# Intents whose own action answers a long message through ActionAnswerMessage.answer_instead (firm
# info, case status, the start of the intake) and otherwise does its own job: the question it serves.
ANSWERED_INSTEAD = {
    "ask_firm_services": "firm_services",
    "ask_case_status": None,
    "request_human": "talk_to_pro",
    "ask_why_needed": None,
    "cancel": None,
    "skip_question": None,
    "correct_intake": None,  # with no intake begun
}  # outside the intake


def load_items(name: str) -> List[Dict[str, Any]]:
    """The items of tests/understanding/<name>.yml."""
    return yaml.safe_load((HERE / f"{name}.yml").read_text(encoding="utf-8"))


@dataclass
class Report:
    """Counts over one set."""

    items: int = 0
    fully_right: int = 0
    codes_expected: int = 0
    codes_named: int = 0
    questions_expected: int = 0
    questions_answered: int = 0
    situations_expected: int = 0
    situations_used: int = 0
    situations_unsupported: int = 0
    not_routed: int = 0
    dates_expected: int = 0
    dates_right: int = 0
    words: List[int] = field(default_factory=list)
    failures: List[Dict[str, Any]] = field(default_factory=list)

    def rate(self, a: int, b: int) -> float:
        return round(a / b, 3) if b else 1.0

    def summary(self) -> Dict[str, Any]:
        words = sorted(self.words) or [0]
        return {
            "items": self.items,
            "fully_right": self.rate(self.fully_right, self.items),
            "code_recall": self.rate(self.codes_named, self.codes_expected),
            "questions_answered": self.rate(self.questions_answered, self.questions_expected),
            "situations_used": self.rate(self.situations_used, self.situations_expected),
            "situations_unsupported": self.situations_unsupported,
            "not_routed": self.not_routed,
            "notice_dates": self.rate(self.dates_right, self.dates_expected),
            "median_words": words[len(words) // 2],
            "max_words": words[-1],
        }


def _tracker(text: str, parsed: Dict[str, Any], slots: Dict[str, Any]) -> Tracker:
    all_slots = {name: spec.get("initial_value") for name, spec in DOMAIN["slots"].items()}
    all_slots.update(slots)
    latest = {
        "text": text,
        "intent": parsed.get("intent") or {},
        "entities": parsed.get("entities") or [],
        "intent_ranking": parsed.get("intent_ranking") or [],
    }
    return Tracker("eval", all_slots, latest, [], False, None, {}, "action_listen")


def response_text(name: str, language: str) -> str:
    """The web text of a domain response in ``language`` (its Spanish variation for ``es``)."""
    variations = [v for v in DOMAIN["responses"][name] if not v.get("channel")]
    spanish = [
        v
        for v in variations
        if any(c.get("name") == "language" and c.get("value") == "es" for c in v.get("condition") or [])
    ]
    english = [v for v in variations if not v.get("condition")]
    chosen = spanish if language == "es" and spanish else english
    return chosen[0]["text"] if chosen else ""


def _scope_text(messages: List[Dict[str, Any]], language: str) -> str:
    texts = []
    for message in messages:
        if message.get("response", "").startswith("utter_scope_") or message.get("response") == "utter_out_of_scope":
            texts.append(response_text(message["response"], language))
    return " ".join(texts)


def language_from(parsed: Dict[str, Any], current: str) -> str:
    """The language slot after this message, as the domain's slot mapping sets it (no form is active here)."""
    for entity in parsed.get("entities") or []:
        if entity.get("entity") == "language" and entity.get("value") in ("en", "es"):
            return str(entity["value"])
    return current


async def play(item: Dict[str, Any], parse: Parse, action: ActionAnswerMessage) -> Dict[str, Any]:
    """Play an item's conversation; the final answer, what it covered and whether it was routed."""
    slots: Dict[str, Any] = {"language": "en"}
    routed = routed_intents()
    result: Dict[str, Any] = {}
    for text in [*(item.get("context") or []), item["text"]]:
        parsed = await parse(text)
        slots["language"] = language_from(parsed, slots["language"])
        intent = (parsed.get("intent") or {}).get("name")
        result = {
            "intent": intent,
            "routed": intent in routed or intent in ANSWERED_INSTEAD,
            "answer": None,
            "reading": None,
            "scope": "",
            "handled": [],
        }
        if not result["routed"]:
            continue
        tracker = _tracker(text, parsed, slots)
        dispatcher = CollectingDispatcher()
        if intent in ANSWERED_INSTEAD:
            instead = await action.answer_instead(dispatcher, tracker)
            if instead is None:  # the intent's own action answers (firm info, the hand-off)
                result["handled"] = [ANSWERED_INSTEAD[intent]] if ANSWERED_INSTEAD[intent] else []
                continue
            events = instead
        else:
            events = await action.run(dispatcher, tracker, DOMAIN)
        for event in events:
            if event.get("event") == "slot":
                slots[event["name"]] = event["value"]
        reading, memory = action.read(tracker)
        if intent not in ANSWERED_INSTEAD:
            reading = ask_the_general_question(reading, memory)  # as action_answer_message.run does
        language = slots["language"]
        answer = compose(reading, action.knowledge_in(language), passages_for(language), memory, TODAY, language)
        result.update(
            answer=answer,
            reading=reading,
            scope=_scope_text(dispatcher.messages, language),
            sent=[m.get("response") for m in dispatcher.messages],
            language=language,
            notice_date=reading.notice_date or memory.notice_date,
        )
    return result


UNKNOWN_CODE_WORDS = {"en": "don't have", "es": "no tengo"}


def judge(item: Dict[str, Any], result: Dict[str, Any], report: Report, language: str = "en") -> None:
    """Add one played item to ``report``; a reply to a ``language`` set must be in that language."""
    expect = item.get("expect") or {}
    report.items += 1
    answer: Optional[ComposedAnswer] = result.get("answer")
    reading = result.get("reading")
    text = (answer.text if answer else "") + " " + result.get("scope", "")
    low = text.lower()
    problems: List[str] = []
    if not result.get("routed"):
        report.not_routed += 1
        problems.append(f"intent {result.get('intent')} is not answered")
    codes = [c for c in expect.get("codes") or []]
    named = [c for c in codes if answer and _named(c, answer)]
    report.codes_expected += len(codes)
    report.codes_named += len(named)
    if len(named) < len(codes):
        problems.append(f"codes not named: {sorted(set(codes) - set(named))}")
    for raw in expect.get("unknown_codes") or []:
        if (
            not (reading and _key(raw) in {_key(u) for u in reading.unknown_codes})
            or UNKNOWN_CODE_WORDS[language] not in low
        ):
            problems.append(f"unknown code {raw} not said honestly")
    questions = expect.get("questions") or []
    answered = [q for q in questions if (answer and q in answer.topics) or q in result.get("handled", [])]
    # the scope reply answers an out-of-scope message's questions; beside a state's notice, notes on the
    # state's own levy, bill or plan may follow it (they answer no IRS question)
    state_notes = reading is not None and reading.out_of_scope == "state_notice"
    if (not (answer and answer.paragraphs) or state_notes) and expect.get("out_of_scope"):
        answered = [q for q in questions if result.get("scope")]
    report.questions_expected += len(questions)
    report.questions_answered += len(answered)
    if len(answered) < len(questions):
        problems.append(f"questions not answered: {[q for q in questions if q not in answered]}")
    situations = expect.get("situations") or []
    used = [
        s
        for s in situations
        if (answer and s in answer.situations)
        or (s == "state_notice" and reading is not None and reading.out_of_scope == "state_notice")
    ]
    report.situations_expected += len(situations)
    report.situations_used += len(used)
    if len(used) < len(situations):
        problems.append(f"situations not used: {[s for s in situations if s not in used]}")
    # a reply that speaks to a situation the taxpayer did not state says something unsupported
    # (a lapsed window the answer works out from the notice's date is not a claim about the taxpayer)
    dated = reading is not None and (reading.notice_date or reading.received_by)
    # and a levied bank account is a levy, a missed plan payment means a plan
    implied = {*situations, *(IMPLIED.get(s, "") for s in situations)}
    unsupported = [
        s for s in (answer.situations if answer else []) if s not in implied and not (s == "deadline_passed" and dated)
    ]
    report.situations_unsupported += len(unsupported)
    if unsupported:
        problems.append(f"situations not stated: {unsupported}")
    scope = expect.get("out_of_scope")
    # a question outside what the assistant covers gets an honest "not here", not collection facts it
    # did not ask about (refund status answered with an offer in compromise is wrong, not extra)
    unasked = [t for t in (answer.topics if answer else []) if t not in questions and t not in GENERIC]
    if scope and unasked:
        problems.append(f"answers questions not asked: {unasked}")
    got_scope = reading.out_of_scope if reading else None
    if scope != got_scope and not (scope == "other" and got_scope is None and not (answer and answer.paragraphs)):
        problems.append(f"scope {got_scope} instead of {scope}")
    # the date printed on the notice, as the message (or an earlier one) states it: the days left are counted from it
    if expect.get("notice_date") is not None:
        report.dates_expected += 1
        if result.get("notice_date") == expect["notice_date"]:
            report.dates_right += 1
        else:
            problems.append(f"notice date {result.get('notice_date')} instead of {expect['notice_date']}")
    for phrase in expect.get("must_mention") or []:
        if phrase.lower() not in low:
            problems.append(f"does not mention {phrase!r}")
    if result.get("routed") and result.get("language", "en") != language:
        problems.append(f"conversation language {result.get('language')} instead of {language}")
    if answer and answer.paragraphs and detect_language(answer.text) not in (language, None):
        problems.append(f"reply is not in {language}")
    if answer:
        report.words.append(len(answer.text.split()))
    if problems:
        report.failures.append(
            {
                "id": item["id"],
                "text": item["text"],
                "problems": problems,
                "intent": result.get("intent"),
                "reply": text.strip(),
            }
        )
    else:
        report.fully_right += 1


IMPLIED = {"bank_frozen": "levied", "missed_payment": "on_payment_plan"}


def _key(code: str) -> str:
    return normalise_code(code) or code.upper()


def _named(code: str, answer: ComposedAnswer) -> bool:
    """True when the answer names the notice ``code`` (as the knowledge base writes it)."""
    shown = {_key(part.split("**", 1)[0]) for part in answer.text.split("**")[1::2]}
    return _key(code) in shown


async def evaluate(name: str, parse: Parse, language: str = "en") -> Report:
    """Play and judge every item of one set; writes results/understanding-<name>.json."""
    action = ActionAnswerMessage()
    report = Report()
    for item in load_items(name):
        judge(item, await play(item, parse, action), report, language)
    out = ROOT / "results" / f"understanding-{name}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"summary": report.summary(), "failures": report.failures}, indent=1), encoding="utf-8")
    return report
