"""action_answer_message and action_answer_more: one short answer for the whole message, details on request."""

from __future__ import annotations

from typing import Any, Dict, List

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.answer import ActionAnswerMessage, ActionAnswerMore, ask_the_general_question
from knowledge.loader import cached_knowledge
from tests.actions.conftest import make_tracker, names, only, run_action

KB = cached_knowledge()
ANSWER = ActionAnswerMessage()
MORE = ActionAnswerMore()


def answer_text(messages: List[Dict[str, Any]]) -> str:
    return only(messages, "utter_answer")["answer"]


def slot(events: List[Any], name: str) -> Any:
    values = [e["value"] for e in events if e.get("event") == "slot" and e.get("name") == name]
    assert values, f"no {name} slot set in {events}"
    return values[-1]


def test_names() -> None:
    assert (ANSWER.name(), MORE.name()) == ("action_answer_message", "action_answer_more")


async def test_known_code_without_date_asks_for_the_date() -> None:
    messages, events = await run_action(ANSWER, make_tracker("what does my lt 11 mean"))
    text = answer_text(messages)
    assert text.startswith("**LT11**: " + KB.find_notice("LT11").title)
    assert "30 days from the date printed on it" in text and "What date is on it?" in text
    assert names(messages) == ["utter_answer", "utter_answer_next_urgent"]  # LT11 is critical
    assert slot(events, "notice_code") == "LT11" and slot(events, "notice_date") is None


@pytest.mark.parametrize(
    "spelling, canonical",
    [
        ("cp 504", "CP504"),
        ("letter 1058", "Letter 1058"),
        ("668(Y)(c)", "Form 668(Y)(c)"),
        ("CP298", "CP91"),
        ("504 notice", "CP504"),
        ("Letter 5071C", "Letter 5071C"),
        ("letter 3172", "Letter 3172"),
        ("LT-11", "LT11"),
        ("cp 5O3", "CP503"),
        ("ltr 1058", "Letter 1058"),
        ("the 504", "CP504"),
    ],
)
async def test_every_spelling_finds_the_notice(spelling: str, canonical: str) -> None:
    messages, events = await run_action(ANSWER, make_tracker(f"I got a {spelling}, what is it?"))
    assert slot(events, "notice_code") == canonical
    assert answer_text(messages).startswith(f"**{canonical}**")


async def test_open_deadline_counts_days_from_the_notice_date() -> None:
    messages, events = await run_action(ANSWER, make_tracker("I got an LT11 dated three weeks ago"))
    assert "You have 9 days left, until" in answer_text(messages)  # dated Nov 5, 2026; today Nov 26
    assert slot(events, "notice_date") == "2026-11-05"


async def test_last_day_and_passed_final_notice_offers_the_equivalent_hearing() -> None:
    messages, _ = await run_action(ANSWER, make_tracker("LT11 dated 10/27/2026", intent="inform_notice_date"))
    assert "is the last day" in answer_text(messages)
    messages, _ = await run_action(ANSWER, make_tracker("LT11 dated September 1", intent="inform_notice_date"))
    text = answer_text(messages)
    assert "30 days ended on" in text and "equivalent hearing until September 1, 2027" in text


async def test_future_date_is_questioned() -> None:
    messages, _ = await run_action(ANSWER, make_tracker("LT11 dated 12/20/2026", intent="inform_notice_date"))
    assert "is after today" in answer_text(messages)


async def test_follow_up_hearing_question_after_an_lt11_gets_the_equivalent_hearing() -> None:
    tracker = make_tracker(
        "it's been seven weeks, can I still ask for the hearing?",
        intent="ask_cdp_appeals",
        slots={"notice_code": "LT11", "notice_date": "2026-09-01"},
    )
    messages, _ = await run_action(ANSWER, tracker)
    text = answer_text(messages)
    assert "equivalent hearing" in text and "Form 12153" in text
    assert "case" not in text.lower().split("equivalent")[0]  # not "I don't see a case"


async def test_cp504_wage_question_explains_what_must_come_first_and_uses_the_job_loss() -> None:
    text = "I have a CP504 for about $4k and I was laid off in the spring, will they garnish my wages??"
    messages, events = await run_action(ANSWER, make_tracker(text, intent="ask_levy"))
    reply = answer_text(messages)
    assert reply.startswith("**CP504**")
    assert "final notice of intent to levy with hearing rights" in reply and "Not yet" in reply
    assert "currently not collectible" in reply  # the job loss is used
    assert len(reply.split()) <= 110
    assert slot(events, "situations") == ["lost_income"]


async def test_code_plus_request_answers_both() -> None:
    messages, _ = await run_action(
        ANSWER, make_tracker("I got a CP14 and want the penalty removed", intent="explain_notice")
    )
    reply = answer_text(messages)
    assert reply.startswith("**CP14**") and "first-time abatement" in reply


async def test_frozen_account_is_urgent_and_marks_the_levy() -> None:
    text = "the irs froze my bank account, I have an LT11 from september. what can i do"
    messages, events = await run_action(ANSWER, make_tracker(text, intent="ask_levy"))
    assert "21 days" in answer_text(messages)
    assert names(messages)[-1] == "utter_answer_next_urgent"
    assert slot(events, "levy_active") == "yes"


async def test_unknown_code_is_said_honestly_and_clears_the_slot() -> None:
    tracker = make_tracker("what is an LT77", slots={"notice_code": "LT11"})
    messages, events = await run_action(ANSWER, tracker)
    assert "I don't have LT77 in my notes" in answer_text(messages)
    assert "LT11" not in answer_text(messages)
    assert slot(events, "notice_code") is None


async def test_two_codes_are_both_named() -> None:
    messages, _ = await run_action(ANSWER, make_tracker("I got a CP501 and then a CP503, what now?"))
    reply = answer_text(messages)
    assert "**CP501**" in reply and "**CP503**" in reply


@pytest.mark.parametrize(
    "text, response",
    [
        ("my refund is late, where is it", "utter_scope_refund"),
        ("how do I file my 2024 tax return", "utter_scope_tax_prep"),
        ("I got a letter from the California Franchise Tax Board saying I owe", "utter_scope_state"),
    ],
)
async def test_out_of_scope_is_said_honestly(text: str, response: str) -> None:
    messages, _ = await run_action(ANSWER, make_tracker(text, intent="out_of_scope"))
    assert names(messages)[0] == response
    assert "utter_answer" not in names(messages)


async def test_lien_follow_up_answers_how_to_remove_it() -> None:
    first, events = await run_action(ANSWER, make_tracker("what's a lien", intent="ask_lien"))
    assert "legal claim" in answer_text(first)
    follow = make_tracker(
        "how do I get rid of it",
        intent="ask_lien",
        slots={"answered_topics": slot(events, "answered_topics"), "last_answer": slot(events, "last_answer")},
    )
    messages, _ = await run_action(ANSWER, follow)
    assert "release a lien within 30 days" in answer_text(messages)


async def test_same_answer_is_never_sent_twice_in_a_row() -> None:
    first, events = await run_action(ANSWER, make_tracker("what's a lien", intent="ask_lien"))
    again = make_tracker("what's a lien", intent="ask_lien", slots={"last_answer": slot(events, "last_answer")})
    messages, later = await run_action(ANSWER, again)
    assert "utter_answer" not in names(messages) and messages  # the full lien topic instead of the same words
    assert SlotSet("last_answer", None) in later


async def test_a_repeated_answer_without_details_says_so() -> None:
    _, events = await run_action(ANSWER, make_tracker("I got a CP14", intent="explain_notice"))
    again = make_tracker("I got a CP14", intent="explain_notice", slots={"last_answer": slot(events, "last_answer")})
    messages, _ = await run_action(ANSWER, again)
    assert names(messages) == ["utter_answer_repeat"]


async def test_date_without_code_is_noted_and_the_code_asked() -> None:
    messages, events = await run_action(ANSWER, make_tracker("it's dated Nov 3", intent="inform_notice_date"))
    assert names(messages) == ["utter_notice_date_noted", "utter_ask_notice_code"]
    assert events == [SlotSet("notice_date", "2026-11-03")]


async def test_date_told_before_the_code_is_used() -> None:
    tracker = make_tracker("it's an LT11", slots={"notice_date": "2026-11-05"})
    messages, _ = await run_action(ANSWER, tracker)
    assert "9 days left" in answer_text(messages)


async def test_remembered_date_of_another_notice_is_not_reused() -> None:
    tracker = make_tracker("I also got a CP504", slots={"notice_code": "LT11", "notice_date": "2026-11-05"})
    messages, events = await run_action(ANSWER, tracker)
    assert "November 5" not in answer_text(messages)
    assert slot(events, "notice_date") is None


async def test_button_payload_text_is_not_searched_for_a_date() -> None:
    tracker = make_tracker(
        '/inform_notice_date{"note": "dated Nov 3"}', intent="inform_notice_date", slots={"notice_code": "LT11"}
    )
    messages, _ = await run_action(ANSWER, tracker)
    assert "November 3" not in " ".join(m.get("answer") or "" for m in messages)


async def test_nothing_understood_offers_the_likeliest_intents() -> None:
    ranking = [{"name": "nlu_fallback", "confidence": 0.9}, {"name": "ask_lien", "confidence": 0.2}]
    tracker = make_tracker("blorp fizz", intent="nlu_fallback", intent_ranking=ranking)
    messages, _ = await run_action(ANSWER, tracker)
    assert names(messages) == ["utter_did_you_mean"]


async def test_topic_intent_without_a_short_passage_gets_the_topic() -> None:
    messages, events = await run_action(ANSWER, make_tracker("lien or levy which is worse", intent="ask_lien_vs_levy"))
    assert KB.topic("lien_vs_levy").sms in answer_text(messages) or "lien" in answer_text(messages).lower()


async def test_during_the_intake_no_next_step_is_offered() -> None:
    tracker = make_tracker("can I get a payment plan", intent="ask_installment_agreement")
    tracker.active_loop = {"name": "intake_form"}
    messages, _ = await run_action(ANSWER, tracker)
    assert names(messages) == ["utter_answer"]


async def test_more_gives_the_full_notice_and_topic_details() -> None:
    tracker = make_tracker(
        "more", intent="ask_more", slots={"notice_code": "CP504", "answered_topics": ["wage_levy", "payment_plan"]}
    )
    messages, _ = await run_action(MORE, tracker)
    got = names(messages)
    assert got[0] == "utter_notice_explanation" and only(messages, "utter_notice_explanation")["code"] == "CP504"
    answers = [m for m in messages if m["response"] == "utter_topic_answer"]
    assert [m["title"] for m in answers] == [KB.topic("levy_wages").title, KB.topic("installment_agreement").title]
    assert got.count("utter_official_page") == 3


async def test_more_first_sends_what_the_short_answer_cut_then_clears_it() -> None:
    text = "got a CP504. what happens if I don't pay, can they take my paycheck, and can I get a payment plan?"
    _, events = await run_action(ANSWER, make_tracker(text))
    cut = slot(events, "answer_more")
    assert cut, "a long answer keeps what it cut for more"
    slots = {"notice_code": "CP504", "answered_topics": slot(events, "answered_topics"), "answer_more": cut}
    messages, more_events = await run_action(MORE, make_tracker("more", intent="ask_more", slots=slots))
    assert [m["answer"] for m in messages[: len(cut)]] == cut
    assert names(messages)[len(cut)] == "utter_notice_explanation"
    assert slot(more_events, "answer_more") is None


async def test_more_with_nothing_answered_yet() -> None:
    messages, _ = await run_action(MORE, make_tracker("more", intent="ask_more"))
    assert names(messages) == ["utter_no_more"]


@pytest.mark.parametrize(
    "text",
    [
        "I have a CP504 for about $4k and I was laid off in the spring, will they garnish my wages??",
        "the irs froze my bank account, I have an LT11 from september. what can i do. can i get a payment plan? "
        "is it a scam",
        "got a CP90 dated nov 20 – final notice – can they take my social security? i'm disabled",
    ],
)
async def test_sms_answer_and_menu_fit_in_three_segments(text: str) -> None:
    from channels.sms.render import render_buttons
    from tests.actions.conftest import DOMAIN

    messages, _ = await run_action(ANSWER, make_tracker(text, intent="nlu_fallback"))
    sms = only(messages, "utter_answer")["sms"]
    next_step = DOMAIN["responses"][names(messages)[-1]][0]
    menu, _ = render_buttons(next_step["text"], next_step["buttons"])
    total = sms + "\n" + menu
    assert total.isascii(), "typographic punctuation would switch SMS to a costlier encoding"
    assert len(total) <= 3 * 153, total
    assert sms.split(":")[0] in {"CP504", "LT11", "CP90"}  # the notice comes first


async def test_a_plain_greeting_is_greeted() -> None:
    messages, _ = await run_action(ANSWER, make_tracker("hi there", intent="greet"))
    assert names(messages) == ["utter_greet"]


async def test_a_greeting_with_a_question_is_answered() -> None:
    messages, _ = await run_action(ANSWER, make_tracker("hi, I got a CP14, can I get a payment plan?", intent="greet"))
    assert names(messages)[0] == "utter_answer" and "**CP14**" in answer_text(messages)


async def test_a_long_message_read_as_a_firm_question_is_answered() -> None:
    from actions.firm import ActionFirmInfo

    messages, _ = await run_action(
        ActionFirmInfo(), make_tracker("my refund is late, where is it", intent="ask_firm_services")
    )
    assert names(messages) == ["utter_scope_refund"]
    messages, _ = await run_action(ActionFirmInfo(), make_tracker("what do you charge?", intent="ask_firm_services"))
    assert names(messages)[0] == "utter_firm_services"


async def test_a_hearing_question_read_as_a_status_question_is_answered() -> None:
    from actions.handoff import ActionCaseStatus

    tracker = make_tracker(
        "it's been seven weeks, can I still ask for the hearing?",
        intent="ask_case_status",
        slots={"notice_code": "LT11", "notice_date": "2026-09-01"},
    )
    messages, _ = await run_action(ActionCaseStatus(), tracker)
    assert "equivalent hearing" in answer_text(messages)


async def test_a_status_question_after_a_notice_is_the_status_action_s_own() -> None:
    """An asking sentence nothing places gets the general answer only in action_answer_message: a
    status question after an LT11 stays a status question."""
    tracker = make_tracker(
        "any update on my case?", intent="ask_case_status", slots={"notice_code": "LT11", "notice_date": "2026-09-01"}
    )
    dispatcher_events = await ANSWER.answer_instead(CollectingDispatcher(), tracker)
    assert dispatcher_events is None
    reading, memory = ANSWER.read(tracker)
    reading = ask_the_general_question(reading, memory)
    assert "what_to_do" in reading.questions  # the answer action itself would still say what to do


async def test_asking_for_a_pro_with_questions_answers_them_first() -> None:
    from actions.intake_controls import ActionStartIntake

    tracker = make_tracker(
        "I want to talk to someone about my CP504, can they garnish my wages?", intent="request_human"
    )
    messages, events = await run_action(ActionStartIntake(), tracker)
    assert names(messages)[:2] == ["utter_answer", "utter_intake_intro"]
    assert "Not yet" in answer_text(messages)
    assert SlotSet("notice_codes", ["CP504"]) in events


async def test_the_answer_names_its_official_page() -> None:
    messages, _ = await run_action(ANSWER, make_tracker("what is a CP14"))
    assert answer_text(messages).endswith("Source: " + KB.find_notice("CP14").source_url)
    assert "irs.gov" not in only(messages, "utter_answer")["sms"]  # SMS keeps its three segments; MORE has it


def test_details_for_a_lien_and_a_levy_set_them_side_by_side() -> None:
    from actions.answer import detail_replies

    replies = detail_replies(KB, ["lien", "levy_general", "payment_plan"])
    answers = [r.values["answer"] for r in replies if r.response == "utter_topic_answer"]
    assert answers == [KB.topic("lien_vs_levy").answer, KB.topic("installment_agreement").answer]
    only_lien = detail_replies(KB, ["lien"])
    assert [r.values["answer"] for r in only_lien if r.response == "utter_topic_answer"] == [KB.topic("lien").answer]
