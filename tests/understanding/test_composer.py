"""The composed answer in the light of the situation (a stated lapse, a situation told earlier), and its length."""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Optional

import pytest

from knowledge.loader import cached_knowledge
from knowledge.spanish import cached_spanish_knowledge
from services.gsm import to_gsm
from tests.understanding.evaluation import load_items
from understanding.composer import MAX_WORDS, MAX_WORDS_SPANISH, ComposedAnswer, compose, first_sentence
from understanding.passages import load_passages, passages_for
from understanding.phrases import ENGLISH, SPANISH, phrase
from understanding.reading import Memory, read_message

KB = cached_knowledge()
TODAY = dt.date(2026, 12, 3)


def lookup(raw: str) -> Optional[str]:
    notice = KB.find_notice(raw)
    return notice.code if notice else None


def answer(text: str, memory: Optional[Memory] = None):
    memory = Memory() if memory is None else memory
    return compose(read_message(text, lookup, TODAY, memory), KB, load_passages(), memory, TODAY)


def test_a_stated_lapse_gets_what_the_notice_says_after_its_deadline() -> None:
    composed = answer("I got a CP2000 and the response date was last week. what do I do now?")
    notice = KB.find_notice("CP2000")
    assert "What date is on it?" not in composed.text
    assert notice.after_deadline.split(".")[0] in composed.text
    assert "deadline_passed" in composed.situations and "what_to_do" in composed.topics
    assert composed.urgent


def test_a_follow_up_is_answered_in_the_light_of_the_situation_told_before() -> None:
    composed = answer("can I get it reinstated", Memory(notice_code="CP523", situations=("missed_payment",)))
    assert "missed payment" in composed.text.lower()
    assert "missed_payment" in composed.situations


def test_several_other_notices_are_named_in_one_line() -> None:
    composed = answer("Got a CP504 today. I already got the CP14, CP501 and CP503. can I still get a payment plan?")
    assert composed.paragraphs[0].startswith("**CP504**")
    assert all(f"**{code}**" in composed.paragraphs[1] for code in ("CP14", "CP501", "CP503"))


def test_a_final_notice_named_by_its_title_gets_its_hearing_rights_and_days_left() -> None:
    composed = answer("got a final notice of intent to levy dated Nov 20. what can i do within the 30 days?")
    assert composed.paragraphs[0].startswith("A final notice of intent to levy (LT11, Letter 1058 or CP90)")
    assert "Form 12153" in composed.paragraphs[0] and "until December 20, 2026" in composed.paragraphs[0]
    assert "cdp_hearing" in composed.topics and composed.urgent
    assert composed.notice is None  # no code was written: none is remembered as the taxpayer's


def test_stopping_a_levy_before_one_has_started_does_not_send_to_a_levy_notice() -> None:
    before = answer("I got a final notice of intent to levy. is there a way to stop this before they do?")
    assert (
        "To keep a levy from starting" in before.text
        and "call the number on the levy notice" not in before.text.lower()
    )
    levied = answer("got a final notice of intent to levy and they already garnished my wages. how do I stop it?")
    assert "To keep a levy from starting" not in levied.text and "levy notice" in levied.text


def test_a_month_long_past_means_the_window_has_most_likely_passed() -> None:
    composed = answer("got an LT11 back in march and did nothing. can I still appeal?")
    assert "have most likely passed" in composed.text and "equivalent hearing" in composed.text
    assert "What date is on it?" not in composed.text


def test_a_lapsed_final_notice_answers_the_hearing_question_with_the_equivalent_hearing() -> None:
    composed = answer("and if I file after the 30 days is it still worth it?", Memory(notice_code="LT11"))
    assert "equivalent hearing" in composed.text and "cdp_hearing" in composed.topics
    other = answer("got a CP2000 and the response date was last week. is it too late?")
    assert "cdp_hearing" not in other.topics  # a proposed change has no collection hearing to fall back on


def test_a_final_notice_whose_30_days_ended_by_its_date_gets_the_equivalent_hearing() -> None:
    composed = answer("got a letter 1058 dated october 30, 22k. can we still get a hearing?")
    assert "Its 30 days ended on November 29, 2026" in composed.text
    assert "Send Form 12153 within 30 days" not in composed.text  # the regular hearing's 30 days are over
    assert "still ask for an equivalent hearing within one year" in composed.text and "cdp_hearing" in composed.topics
    in_time = answer("got a letter 1058 dated november 20. can we still get a hearing?")
    assert "Send Form 12153 within 30 days" in in_time.text


def test_taking_the_house_is_answered_with_the_home_protection_first() -> None:
    composed = answer("I got a CP504 for 6200. can they take our house? can we do a payment plan of like 200/month?")
    assert "A main home has extra legal protections" in composed.text
    lien = answer("got a CP504. will they put a lien on the house? whats the difference between a lien and a levy")
    assert "A main home has extra legal protections" not in lien.text  # the house is named for the lien, not a levy


def test_a_final_notice_says_property_can_be_taken_once_its_30_days_pass() -> None:
    composed = answer("got an LT11, owe 8k from 2021. can they take my car?")
    assert "Once 30 days pass from this notice's date" in composed.text and "Not right away" not in composed.text
    early = answer("got a CP504, owe 8k from 2021. can they take my car?")
    assert "Not right away" in early.text  # a CP504 is not yet the final notice with hearing rights


def test_selling_asked_about_with_a_lien_gets_the_discharge() -> None:
    composed = answer("got a letter 3172 about a lien. can i still sell my house next year")
    assert "Form 14135" in composed.text


def test_a_levy_while_an_offer_is_reviewed_is_answered_by_the_offer_passage_alone() -> None:
    composed = answer("I sent in an offer in compromise last month. can they still levy my bank while it is pending?")
    assert composed.text.startswith("While the IRS reviews your offer")
    assert "21 days" not in composed.text and {"offer_in_compromise", "bank_levy"} <= set(composed.topics)


@pytest.mark.parametrize(
    "text, memory, start",
    [
        (
            "filed innocent spouse (8857) in june. now a CP504 came. can they levy me while its being reviewed?",
            Memory(),
            "While the IRS reviews your innocent spouse request",
        ),
        # the request told before, pointed back at
        ("can they still garnish me while they review it?", Memory(last_topics=("innocent_spouse",)), "While the IRS"),
    ],
)
def test_a_levy_while_an_innocent_spouse_request_is_reviewed_gets_that_requests_rule(
    text: str, memory: Memory, start: str
) -> None:
    composed = answer(text, memory)
    assert start in composed.text and "10-year clock to collect is paused" in composed.text
    assert "innocent_spouse" in composed.topics and set(composed.topics) & {"levy_general", "wage_levy"}
    # "while" alone points back at nothing: unemployment is not a request under review
    other = answer("can they garnish my wages while I'm on unemployment?", Memory(last_topics=("innocent_spouse",)))
    assert "innocent spouse request" not in other.text


def test_a_recent_month_leaves_the_window_open() -> None:
    composed = answer("got a CP2000 in november, what is it?")  # today is December 3: it may still be open
    assert "What date is on it?" in composed.text


def test_a_follow_up_answered_by_the_next_step_still_names_the_notice() -> None:
    composed = answer("should i talk to a tax attorney first", Memory(notice_code="Letter 1153"))
    assert "**Letter 1153**" in composed.text and "talk_to_pro" in composed.topics


def test_a_time_limit_in_the_topic_answer_answers_how_long() -> None:
    composed = answer("how do I ask for innocent spouse relief and how long do I have")
    assert {"innocent_spouse", "deadline"} <= set(composed.topics)
    assert composed.text.count("\n\n") == 0  # one paragraph: the generic deadline text is not added


def _played(item: Dict[str, Any], language: str) -> ComposedAnswer:
    """The answer to a dev item's last message, its context messages read first (the text readers
    only: the model's intents are left out, so this needs no trained model)."""
    knowledge = cached_spanish_knowledge() if language == SPANISH else KB
    memory, composed = Memory(), ComposedAnswer()
    for text in [*(item.get("context") or []), item["text"]]:
        reading = read_message(text, lookup, TODAY, memory)
        composed = compose(reading, knowledge, passages_for(language), memory, TODAY, language)
        memory = Memory(
            notice_code=composed.notice.code if composed.notice else memory.notice_code,
            notice_date=composed.notice_date or memory.notice_date,
            situations=tuple(dict.fromkeys([*memory.situations, *reading.situations])),
            last_topics=tuple(composed.topics),
        )
    return composed


def _segments(text: str) -> int:
    """SMS segments of a GSM-7 text: one of 160 characters, or parts of 153."""
    return 1 if len(text) <= 160 else -(-len(text) // 153)


@pytest.mark.parametrize("name, language", [("dev", ENGLISH), ("es_dev", SPANISH)])
def test_every_first_answer_on_the_dev_sets_is_short(name: str, language: str) -> None:
    """About 100 words on the web and three SMS segments at most, for every reply on the dev sets."""
    limit = MAX_WORDS_SPANISH if language == SPANISH else MAX_WORDS
    too_long, too_many_segments = [], []
    for item in load_items(name):
        composed = _played(item, language)
        if len(composed.text.split()) > limit:
            too_long.append((item["id"], len(composed.text.split())))
        if _segments(composed.sms_text()) > 3:
            too_many_segments.append(item["id"])
    assert too_long == [] and too_many_segments == [], (too_long, too_many_segments)


def test_a_long_answer_keeps_the_first_sentence_of_every_answer() -> None:
    text = "got a CP504. what happens if I don't pay, can they take my paycheck, and can I get a payment plan?"
    composed = answer(text)
    assert {"consequences", "wage_levy", "payment_plan"} <= set(composed.topics)
    assert len(composed.text.split()) <= MAX_WORDS
    assert composed.cut  # the full passages, for "more"
    notice = KB.find_notice("CP504")
    assert notice is not None
    for question in ("wage_levy", "payment_plan"):
        passage = load_passages().for_question(question, notice.stage, [])
        assert passage is not None and first_sentence(passage.text) in composed.text


def test_an_answer_too_long_even_in_short_says_there_is_more() -> None:
    """Four questions, two other notices and a note: the broad answers go, with a line that says so."""
    text = (
        "el IRS me mando el 504 despues del CP14 y el CP501 que no conteste porque no tenia dinero. "
        "me van a poner un gravamen en la casa? cual es la diferencia entre gravamen y embargo? que hago?"
    )
    composed = compose(
        read_message(text, lookup, TODAY, Memory()),
        cached_spanish_knowledge(),
        passages_for(SPANISH),
        Memory(),
        TODAY,
        SPANISH,
    )
    assert {"consequences", "lien", "levy_general", "what_to_do"} <= set(composed.topics)
    assert len(composed.text.split()) <= MAX_WORDS_SPANISH
    assert "gravamen es el derecho legal" in composed.text and "No de inmediato" in composed.text
    assert "ignored_letters" in composed.situations  # the note stays: the broad answers went first
    assert composed.paragraphs[-1] == phrase(SPANISH, "more_on_questions")
    assert composed.sms_text().endswith(to_gsm(phrase(SPANISH, "sms_more")))


def test_an_sms_that_leaves_out_an_answer_says_to_reply_more() -> None:
    composed = answer(
        "got a CP504. what happens if I don't pay, can they take my paycheck, and can I get a payment plan?"
    )
    short = composed.sms_text(limit=160)
    assert len(short) <= 160
    assert short.endswith(phrase(ENGLISH, "sms_more"))
    assert composed.sms_text().startswith("CP504:")


def test_more_gets_every_cut_answer_in_full_once_and_not_the_notice() -> None:
    text = "got a CP504. what happens if I don't pay, can they take my paycheck, and can I get a payment plan?"
    composed = answer(text)
    notice = KB.find_notice("CP504")
    assert notice is not None
    full = {q: load_passages().for_question(q, notice.stage, []) for q in ("wage_levy", "payment_plan")}
    shortened = [p.text for p in full.values() if p is not None and p.text not in composed.text]
    assert shortened and set(shortened) <= set(composed.for_more)  # what was shortened comes back in full
    assert len(composed.for_more) == len(set(composed.for_more))
    assert not any(paragraph.startswith("**CP504**") for paragraph in composed.for_more)  # more resends it anyway
    assert all(paragraph not in composed.paragraphs for paragraph in composed.for_more)


def test_a_states_own_levy_or_plan_gets_a_note_beside_the_state_reply_and_no_irs_facts() -> None:
    levied = answer("the ohio department of taxation froze my bank account, can I get a payment plan?")
    assert levied.paragraphs == [load_passages().for_situation("bank_frozen", "state_notice").text]
    assert levied.urgent and "bank_frozen" in levied.situations and not levied.topics
    plan = answer("maryland sent an agreement default notice on my state payment plan, I missed the june payment")
    assert len(plan.paragraphs) == 1 and "state payment plan" in plan.text
    assert answer("the state department of revenue sent me a bill, what is it?").paragraphs == []


@pytest.mark.parametrize(
    "text, expected, not_expected",
    [
        (
            "we want to refinance our house but there is a federal tax lien on it. what can we do?",
            "subordination (Form 14134)",
            "Form 14135",
        ),
        ("there is a lien on the house and we are selling it next month. how do we close?", "Form 14135", "14134"),
        (
            "the irs terminated my installment agreement after I missed two payments. can I appeal that?",
            "Collection Appeals Program (Form 9423), not Form 12153",
            "Tax Court",
        ),
        ("got a 668-W at work, how much of my paycheck can they take?", "return it within 3 days", "15%"),
        (
            "I have a new job offer but the IRS garnished my wages at my current job, what happens",
            "new levy to your next employer",
            "offer in compromise",
        ),
    ],
)
def test_the_situation_in_the_words_picks_the_passage(text: str, expected: str, not_expected: str) -> None:
    composed = answer(text)
    assert expected in composed.text and not_expected not in composed.text


def test_a_final_notice_keeps_its_hearing_even_after_a_plan_ended() -> None:
    composed = answer("my payment plan was cancelled and now I got an LT11. can I ask for a hearing?")
    assert "Form 12153" in composed.text and "not Form 12153" not in composed.text


def test_a_text_that_answers_two_questions_is_said_once_and_the_second_gets_the_next_passage() -> None:
    composed = answer("if I quit my job does the wage garnishment stop? how do I stop the levy on my wages?")
    assert composed.text.count("new levy to your next employer") == 1
    assert "release" in composed.text.split("next employer.")[1] and "stop_levy" in composed.topics


@pytest.mark.parametrize(
    "text, says",
    [
        ("got Letter 1153 for the company's payroll taxes. how do I appeal it?", "Form 2751"),
        ("got a CP3219A. can I appeal to tax court?", "petition"),
    ],
)
def test_appealing_a_notice_with_its_own_appeal_gets_that_route_not_a_collection_hearing(text: str, says: str) -> None:
    composed = answer(text)
    assert "disagree" in composed.topics and "cdp_hearing" in composed.topics  # the appeal asked is answered
    assert says in composed.text and "Collection Due Process" not in composed.text and "hearing" not in composed.text


def test_an_appeal_of_a_final_notice_is_still_the_collection_hearing() -> None:
    assert "cdp_hearing" in answer("got an LT11 last week. how do I appeal it?").topics


def test_a_notice_that_prints_its_own_due_date_repeats_the_date_told() -> None:
    # sources disagree on a CP504's days, so no count is given; the date told is still said back
    composed = answer("I got a CP504 dated nov 10 for 8k")
    assert "It is dated November 10, 2026. Act by the due date printed in it." in composed.text
    assert "Act by the date printed on it." in answer("I got a CP504 for 8k").text


@pytest.mark.parametrize(
    "text, language",
    [
        ("got a 5071C but I didnt file yet this year, I think someone stole my identity. what do I do", "en"),
        ("recibi una carta 5071C pero yo no he hecho mis taxes este año. alguien uso mi seguro social? que hago", "es"),
    ],
)
def test_an_identity_letter_for_a_return_not_filed_says_to_tell_the_irs_first(text: str, language: str) -> None:
    knowledge = KB if language == "en" else cached_spanish_knowledge()
    composed = compose(read_message(text, lookup, TODAY), knowledge, passages_for(language), Memory(), TODAY, language)
    step = {"en": "If you didn't file this return, say so.", "es": "Si usted no presentó esta declaración, dígalo."}
    assert step[language] in composed.paragraphs[1]  # the step comes first, not the steps for unfiled returns
    assert "unfiled_returns" not in composed.topics
    filed = answer("got a 5071C, I filed in february, what do i do")
    assert "If you didn't file" not in filed.text.split("\n\n")[1]


def test_a_proposed_change_disputed_in_part_or_after_its_date_gets_its_own_route() -> None:
    partial = answer("got a CP2000 dated nov 20. I agree with part of it. can I pay the part I agree with?")
    assert "agree with some changes and not others" in partial.text
    assert "payment_plan" not in partial.topics  # the partial agreement, not a plan
    assert "payment_plan" in answer("got a CP2000, I agree with part of it, can I pay it monthly?").topics
    late = answer("CP2000 dated oct 1, I dont agree with it, can I still dispute it?")
    assert "The reply date has passed" in late.text and "by the date on the notice" not in late.text


def test_social_security_before_the_final_notice_is_not_yet_taken() -> None:
    early = answer("my mom got a CP504 for 6k, she only gets social security. can they take it?")
    assert "Not yet." in early.text and "social_security_levy" in early.topics
    final = answer("got a CP91, can they take my social security?")
    assert "Not yet." not in final.text and "Yes, the IRS can take up to" in final.text


def test_a_refund_kept_while_on_a_plan_is_explained() -> None:
    composed = answer("got a CP49, I have a payment plan already. can they take my refund when I am on a payment plan?")
    assert "A payment plan doesn't protect refunds" in composed.text
    assert "most people who owe can get a payment plan" not in composed.text  # they have one
    assert "levy_general" not in composed.topics  # a refund applied to the debt is no levy


def test_how_long_after_a_notice_says_what_the_days_are_for() -> None:
    composed = answer("how long do I have", Memory(notice_code="LT11", notice_date=dt.date(2026, 11, 5)))
    assert "You have 2 days left, until December 5, 2026, to request" in composed.text
    assert ", to request" not in answer("got an LT11 dated nov 5").text  # said only when the time was asked


def test_the_house_after_a_final_notice_gets_what_that_notice_allows() -> None:
    final = answer("can they take my house?", Memory(notice_code="LT11"))
    assert (
        "A main home has extra legal protections" in final.text and "comes only after a final notice" not in final.text
    )
    early = answer("got a CP504, can they take my house?")
    assert "comes only after a final notice" in early.text


def test_a_levy_asked_about_a_plan_about_to_end_depends_on_the_notices_already_sent() -> None:
    composed = answer("got a CP523, missed 2 payments. can they just levy me now or do I get another notice?")
    assert "A final notice with hearing rights must come before the first levy" in composed.text
    assert "Not right away" not in composed.text  # a final notice may already have come for these years


def test_a_threatening_call_is_answered_with_how_to_check_it_first() -> None:
    composed = answer(
        "a voicemail said the IRS is filing a lawsuit against me and to pay today. is this a scam? what should I do?"
    )
    assert {"scam", "what_to_do"} <= set(composed.topics)
    assert composed.paragraphs[0].startswith("Real IRS notices come by mail")
    assert "Check the amount" not in composed.text  # no steps for a bill the caller may have made up


@pytest.mark.parametrize(
    "text",
    [
        "cp14 came for $1,150 but I paid that balance in april, I have the confirmation. what do I need to do?",
        "I already paid this in full last month. what should I do about this letter?",
    ],
)
def test_a_balance_already_paid_gets_how_to_check_the_payment_not_pay_by_the_date(text: str) -> None:
    composed = answer(text)
    assert "what_to_do" in composed.topics and "already_paid" in composed.situations
    assert "call with proof of payment" in composed.text
    assert "Pay in full" not in composed.text and "then pay" not in composed.text


def test_an_ex_spouses_joint_return_debt_can_be_collected_from_either_spouse() -> None:
    composed = answer(
        "divorced 3 yrs ago and the IRS says I owe $45,000 from our joint return, it was his business income "
        "and the decree says he pays. can the IRS really come after me?"
    )
    assert "each of you owes the whole tax" in composed.text and "levy_general" in composed.topics
    # a debt from before the marriage, on no joint return, is not the joint return's rule
    other = answer(
        "my husband owed taxes from before we married and the IRS levied our joint account. can they take my half?"
    )
    assert "each of you owes the whole tax" not in other.text


@pytest.mark.parametrize(
    "text",
    [
        "got an LT11 dated nov 20. what if i send the 12153 late?",
        "and if I file after the 30 days is it still worth it?",
    ],
)
def test_a_request_sent_late_is_answered_as_a_what_if_not_as_a_lapse(text: str) -> None:
    composed = answer(text, Memory(notice_code="LT11"))
    assert "If you send Form 12153 after the 30 days" in composed.text and "cdp_hearing" in composed.topics
    assert "have passed" not in composed.text and "deadline_passed" not in composed.situations
    lapsed = answer("got a letter 1058 dated october 30, 22k. what if I send the form late?")
    assert "Its 30 days ended" in lapsed.text  # by the notice's own date the 30 days are over
    assert "If you send Form 12153 after the 30 days" not in lapsed.text


def test_what_happens_after_the_30_days_is_no_late_request() -> None:
    composed = answer("got letter 1058. what happens after 30 days?")
    assert "If you send Form 12153 after the 30 days" not in composed.text and "consequences" in composed.topics


def test_a_cp91_is_no_longer_before_the_final_notice() -> None:
    composed = answer("she got a CP91. can they take her house or her bank account too?")
    assert "Not right away" not in composed.text and "Not yet" not in composed.text


def test_a_bank_levy_asked_about_again_says_what_one_levy_reaches() -> None:
    composed = answer("the irs froze my bank account last week. can they do it again next month?")
    assert "takes only what is in the account the day the bank gets it" in composed.text


def test_the_exemption_form_at_work_gets_how_much_a_wage_levy_leaves() -> None:
    composed = answer("my employer gave me an exemption claim form with the levy, how much do I get to keep?")
    assert "return it within 3 days" in composed.text


def test_a_debt_forgiven_after_ten_years_is_the_collection_statute_not_an_offer() -> None:
    reading = read_message("es verdad q el irs perdona la deuda despues de 10 años?", lookup, TODAY)
    assert reading.questions == ["collection_statute"]
    both = read_message("can I settle for less or do I just wait out the 10 years?", lookup, TODAY)
    assert {"offer_in_compromise", "collection_statute"} <= set(both.questions)


def test_a_year_never_filed_with_a_refund_owed_gets_the_three_years_not_growing_penalties() -> None:
    composed = answer(
        "what happens if i never filed my taxes from 5 years ago? pretty sure i would have gotten a refund"
    )
    assert "within 3 years" in composed.text and "Interest and penalties keep growing" not in composed.text
    assert {"unfiled_returns", "consequences"} <= set(composed.topics)
    owed = answer("I havent filed since 2019 and I owe money, what happens?")
    assert "within 3 years" not in owed.text


def test_a_one_time_penalty_forgiveness_is_penalty_relief_not_an_offer() -> None:
    reading = read_message("is there a one time forgiveness for a late filing penalty?", lookup, TODAY)
    assert "offer_in_compromise" not in reading.questions and "penalty_relief" in reading.questions
