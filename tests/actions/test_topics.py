"""action_explain_topic: answer topic questions from the knowledge base and offer the options."""
from __future__ import annotations

import json
import re
from typing import Dict, List, Tuple

import pytest
import yaml

from actions.knowledge.store import cached_knowledge
from actions.replies import bullet_list
from actions.topics import DEFAULT_RELIEF_TOPICS, MAX_OPTION_BUTTONS, ActionExplainTopic
from tests.actions.conftest import DOMAIN, ROOT, make_tracker, names, only, run_action

KB = cached_knowledge()
ACTION = ActionExplainTopic()


def _topic_intents() -> List[str]:
    rules = yaml.safe_load((ROOT / "data" / "rules" / "topics.yml").read_text(encoding="utf-8"))["rules"]
    intents = [r["steps"][0]["intent"] for r in rules if r["steps"][1].get("action") == "action_explain_topic"]
    assert intents, "no topic rules found"
    return intents


TOPIC_INTENTS = _topic_intents()


def _main(intent: str):
    return next(t for t in KB.topics if t.intent == intent and t.main)


def _parse_payload(payload: str) -> Tuple[str, Dict[str, str]]:
    match = re.fullmatch(r"/([a-z_]+)(\{.*\})?", payload)
    assert match, payload
    return match.group(1), json.loads(match.group(2) or "{}")


def test_name() -> None:
    assert ACTION.name() == "action_explain_topic"


def test_every_topic_intent_is_covered() -> None:
    expected = {i for i in DOMAIN["intents"] if i.startswith("ask_")} - {"ask_deadline", "ask_firm_services",
                                                                    "ask_case_status", "ask_why_needed"}
    assert set(TOPIC_INTENTS) == expected


@pytest.mark.parametrize("intent", TOPIC_INTENTS)
async def test_each_topic_intent_returns_its_main_topic(intent: str) -> None:
    messages, events = await run_action(ACTION, make_tracker(f"/{intent}", intent=intent))
    topic = _main(intent)
    answer = only(messages, "utter_topic_answer")
    assert (answer["title"], answer["answer"], answer["sms"]) == (topic.title, topic.answer, topic.sms)
    expected = ["utter_topic_answer"]
    if topic.key_facts:
        expected.append("utter_topic_facts")
    if topic.sources_note:
        expected.append("utter_sources_note")
    expected.append("utter_official_page")
    if intent == "ask_relief_options":
        expected.append("utter_pick_option")
    expected.append("utter_next_step")
    assert names(messages) == expected
    assert only(messages, "utter_official_page")["url"] == topic.source_url
    assert events == []


async def test_facts_and_note_values() -> None:
    messages, _ = await run_action(ACTION, make_tracker("what is an installment agreement?",
                                                        intent="ask_installment_agreement"))
    topic = KB.topic("installment_agreement")
    assert only(messages, "utter_topic_facts")["facts"] == bullet_list(topic.key_facts)
    assert only(messages, "utter_sources_note")["note"] == topic.sources_note


async def test_topic_without_sources_note_skips_it() -> None:
    messages, _ = await run_action(ACTION, make_tracker("what is a levy?", intent="ask_levy"))
    assert only(messages, "utter_topic_answer")["title"] == KB.topic("levy").title
    assert "utter_sources_note" not in names(messages)  # the main levy topic has no note


@pytest.mark.parametrize(
    "text, intent, topic_id",
    [
        ("my bank account is frozen", "ask_levy", "levy_bank"),
        ("the IRS is garnishing my wages", "ask_levy", "levy_wages"),
        ("can they take my social security benefits?", "ask_levy", "levy_social_security"),
        ("will a lien hurt my credit report?", "ask_lien", "lien_credit"),
        ("I want to refinance my house", "ask_lien", "lien_sell_refinance"),
        ("can I get first-time abatement?", "ask_penalty_relief", "first_time_abatement"),
        ("will they revoke my passport?", "ask_relief_options", "passport_certification"),
        ("is a private collection agency legit?", "ask_scam", "private_collection"),
        ("I missed the hearing deadline, is it too late?", "ask_cdp_appeals", "equivalent_hearing"),
        ("what is a levy?", "ask_levy", "levy"),
    ],
)
async def test_keyword_routing(text: str, intent: str, topic_id: str) -> None:
    messages, _ = await run_action(ACTION, make_tracker(text, intent=intent))
    assert only(messages, "utter_topic_answer")["title"] == KB.topic(topic_id).title


async def test_sub_topic_of_relief_intent_offers_no_buttons() -> None:
    messages, _ = await run_action(ACTION, make_tracker("will they revoke my passport?", intent="ask_relief_options"))
    assert "utter_pick_option" not in names(messages)


async def test_topic_entity_from_button_payload_wins() -> None:
    text = '/ask_levy{"topic": "levy_wages"}'
    tracker = make_tracker(text, intent="ask_levy",
                           entities=[{"entity": "topic", "value": "levy_wages", "start": 9, "end": 32}])
    messages, _ = await run_action(ACTION, tracker)
    assert only(messages, "utter_topic_answer")["title"] == KB.topic("levy_wages").title


async def test_topic_entity_beats_keywords() -> None:
    text = "my bank account is frozen, how do I get it released"
    tracker = make_tracker(text, intent="ask_levy", entities=[{"entity": "topic", "value": "levy_release"}])
    messages, _ = await run_action(ACTION, tracker)
    assert only(messages, "utter_topic_answer")["title"] == KB.topic("levy_release").title


async def test_topic_entity_of_another_intent_is_ignored() -> None:
    tracker = make_tracker("what is a levy", intent="ask_levy", entities=[{"entity": "topic", "value": "lien_credit"}])
    messages, _ = await run_action(ACTION, tracker)
    assert only(messages, "utter_topic_answer")["title"] == KB.topic("levy").title


async def test_unknown_topic_entity_is_ignored() -> None:
    tracker = make_tracker("/ask_lien", intent="ask_lien", entities=[{"entity": "topic", "value": "no_such_topic"}])
    messages, _ = await run_action(ACTION, tracker)
    assert only(messages, "utter_topic_answer")["title"] == KB.topic("lien").title


async def test_relief_options_without_notice_offers_default_options() -> None:
    messages, _ = await run_action(ACTION, make_tracker("what are my options?", intent="ask_relief_options"))
    buttons = only(messages, "utter_pick_option")["buttons"]
    assert [b["title"] for b in buttons] == [KB.topic(t).title for t in DEFAULT_RELIEF_TOPICS]
    assert buttons[0]["payload"] == '/ask_installment_agreement{"topic": "installment_agreement"}'


async def test_relief_options_with_notice_in_context() -> None:
    tracker = make_tracker("what are my options?", intent="ask_relief_options", slots={"notice_code": "CP3219A"})
    messages, _ = await run_action(ACTION, tracker)
    buttons = only(messages, "utter_pick_option")["buttons"]
    options = KB.find_notice("CP3219A").relief_options
    assert [_parse_payload(b["payload"])[1]["topic"] for b in buttons] == options
    assert [b["title"] for b in buttons] == [KB.topic(t).title for t in options]


async def test_relief_options_are_capped() -> None:
    tracker = make_tracker("what are my options?", intent="ask_relief_options", slots={"notice_code": "LT11"})
    messages, _ = await run_action(ACTION, tracker)
    buttons = only(messages, "utter_pick_option")["buttons"]
    options = KB.find_notice("LT11").relief_options
    assert len(options) > MAX_OPTION_BUTTONS
    assert [_parse_payload(b["payload"])[1]["topic"] for b in buttons] == options[:MAX_OPTION_BUTTONS]


async def test_notice_without_relief_options_falls_back_to_defaults() -> None:
    tracker = make_tracker("what are my options?", intent="ask_relief_options", slots={"notice_code": "CP12"})
    messages, _ = await run_action(ACTION, tracker)
    topics = [_parse_payload(b["payload"])[1]["topic"] for b in only(messages, "utter_pick_option")["buttons"]]
    assert topics == DEFAULT_RELIEF_TOPICS


async def test_every_option_button_opens_its_topic() -> None:
    tracker = make_tracker("what are my options?", intent="ask_relief_options", slots={"notice_code": "LT11"})
    messages, _ = await run_action(ACTION, tracker)
    for button in only(messages, "utter_pick_option")["buttons"]:
        intent, entities = _parse_payload(button["payload"])
        assert intent in DOMAIN["intents"]
        clicked = make_tracker(button["payload"], intent=intent,
                               entities=[{"entity": "topic", "value": entities["topic"]}])
        answer, _ = await run_action(ACTION, clicked)
        assert only(answer, "utter_topic_answer")["title"] == button["title"]


async def test_intent_without_topics_asks_to_rephrase() -> None:
    messages, events = await run_action(ACTION, make_tracker("hi", intent="greet"))
    assert names(messages) == ["utter_ask_rephrase"]
    assert events == []


async def test_during_the_intake_a_side_answer_offers_no_next_step() -> None:
    from tests.actions.test_intake import form_tracker

    tracker = form_tracker("what is a lien", requested="phone", intent="ask_lien")
    messages, _ = await run_action(ACTION, tracker)
    assert "utter_topic_answer" in names(messages)
    assert "utter_next_step" not in names(messages)
