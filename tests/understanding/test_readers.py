"""The pure readers: codes in free text, situations, questions, and the message reading."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Optional

import pytest

from knowledge.loader import cached_knowledge
from understanding.codes_in_text import find_codes
from understanding.questions import find_questions, is_asking, sentences
from understanding.reading import Memory, read_message, unplaced_question
from understanding.situations import find_situations

KB = cached_knowledge()
TODAY = dt.date(2026, 12, 3)


def lookup(raw: str) -> Optional[str]:
    notice = KB.find_notice(raw)
    return notice.code if notice else None


@pytest.mark.parametrize(
    "text, codes",
    [
        ("got a CP504 today", ["CP504"]),
        ("cp 504", ["CP504"]),
        ("CP-504", ["CP504"]),
        ("cp 5O3 again", ["CP503"]),
        ("letter 3172 came", ["Letter 3172"]),
        ("LTR 1058", ["Letter 1058"]),
        ("lt 11", ["LT11"]),
        ("LT-11", ["LT11"]),
        ("cp-l4 came in the mail", ["CP14"]),  # the letter l for a one
        ("got a cp 9l final notice", ["CP91"]),
        ("cp14i about my ira", ["CP14I"]),  # a real I suffix stays
        ("the 504 says", ["CP504"]),
        ("a 1058 letter", ["Letter 1058"]),
        ("Form 668-W at work", ["Form 668-W"]),
        ("668(Y)(c) on title", ["Form 668(Y)(c)"]),
        ("CP501 then CP503 then CP504", ["CP501", "CP503", "CP504"]),
        ("CP14 and cp14 again", ["CP14"]),
        ("letter says 5071-C in the corner", ["Letter 5071C"]),
        ("recibi una carta 5071 C", ["Letter 5071C"]),
    ],
)
def test_codes_in_any_spelling(text: str, codes: list) -> None:
    assert [m.code for m in find_codes(text, lookup) if m.known] == codes


@pytest.mark.parametrize(
    "text",
    [
        "I owe $504",
        "in 2023 I paid 1058 dollars",
        "for tax year 2021",
        "call 555 0142",
        "what can i do within the 30 days",
        "i missed the 30 days",
        "a 15 percent levy",
        "the 21 days the bank holds it",
        "the 10 years are almost up",
        "my 1040-X status says adjusted",
        "we can pay 100 a month",
    ],
)
def test_numbers_that_are_not_codes(text: str) -> None:
    assert find_codes(text, lookup) == []


def test_unknown_code_is_reported_not_guessed() -> None:
    mentions = find_codes("what is a CP999", lookup)
    assert [(m.code, m.known) for m in mentions] == [("CP999", False)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("they garnished my wages last week", ["levied"]),
        ("will they garnish my wages?", []),
        ("the irs froze my bank account", ["bank_frozen"]),
        ("I was laid off in march", ["lost_income"]),
        ("I'm on social security only", ["fixed_income"]),
        ("I already paid this", ["already_paid"]),
        ("I missed a payment on my installment agreement", ["on_payment_plan", "missed_payment"]),
        ("we're selling our house next month", ["selling_home"]),
        ("my ex husband didn't report his income", ["spouse_caused"]),
        ("it's for my LLC's payroll taxes", ["business_taxes"]),
        ("a letter from the ohio department of taxation", ["state_notice"]),
        ("I ignored the first letters", ["ignored_letters"]),
        ("I missed the 30 day deadline", ["deadline_passed"]),
        ("can we get on a payment plan?", []),
        ("the autopay failed on my installment plan", ["on_payment_plan", "missed_payment"]),
        ("my hours got cut in june", ["lost_income"]),
        ("I missed my June payment", ["missed_payment"]),
        ("what if I send the form late", []),  # asked about, not done (as dev-089 is labelled)
        ("they told the state department and my passport is at risk", []),
        # a plan wished for or still pending is no plan; a default denied is no missed payment
        ("will it stop if i set up a payment plan", []),
        ("i had my payment plan request in but they hadnt approved it yet", []),
        ("tengo un plan de pagos en tramite, todavia no me lo aprueban", []),
        ("I set up a payment plan last year and pay 200 a month", ["on_payment_plan"]),
        ("CP523 says my installment agreement is in default but i never missed a payment", ["on_payment_plan"]),
        # a refund kept for a debt is an offset, not a levy; "his fault" is a spouse's only beside one
        ("the IRS took my refund for my husbands back taxes from his business", ["spouse_caused"]),
        ("my CPA filed late and the IRS charged me penalties, it was his fault not mine", []),
        # a refund's wait is no passed deadline; the IRS selling a house is no sale by the taxpayer
        ("wheres my refund its been 6 weeks", []),
        ("el IRS dice que va a vender mi casa en subasta", []),
        ("im going to sell my house to pay it", ["selling_home"]),
        ("the irs took most of my last paycheck", ["levied"]),
        ("the notice came but I havent missed a single payment on my plan", ["on_payment_plan"]),
        ("yo pague con la declaracion en abril", ["already_paid"]),
        ("no se si pague", []),
        ("I honestly threw out a bunch of their mail", ["ignored_letters"]),
        ("I agree with some of it but not the mileage they threw out", []),
        # the relief named is asked about; a spouse's own debt is stated
        ("is there a deadline to ask for innocent spouse relief", []),
        ("the whole refund got taken for HER old tax debt", ["spouse_caused"]),
        # time still left is no passed deadline; a spouse's withdrawal is no bank freeze; "ignore todas las cartas"
        ("my CP2000 says they want $1,460. the response date is 3 weeks out", []),
        ("mi ex saco dinero de una cuenta de retiro en 2022 y no lo reporto", ["spouse_caused"]),
        ("la verdad ignore todas las cartas del IRS el año pasado", ["ignored_letters"]),
        ("it went to my husbands old defaulted student loan, not anything I owe", ["spouse_caused"]),
        # a plan granted is a plan, one asked for is not
        ("i got approved for a payment plan in march", ["on_payment_plan"]),
        ("me aprobaron el plan de pagos en marzo", ["on_payment_plan"]),
        ("my payment plan is waiting to be approved", []),
        ("I got my payment plan approved last month", ["on_payment_plan"]),
        ("my payment plan was requested in may and they approved it in june", ["on_payment_plan"]),
        ("my payment plan request hasnt been approved yet", []),
        ("estoy esperando la aprobacion de mi plan de pagos", []),
        ("im on an ia, pay 150/mo", ["on_payment_plan"]),
        ("me salte 2 pagos del plan y llego el cp523", ["on_payment_plan", "missed_payment"]),
        ("cp 523 me llego y ya pague lo atrasado, sigue el plan o no?", ["already_paid"]),
        ("the 30 dys are long gone", ["deadline_passed"]),
        ("I owe the IRS about 14k and have a payment plan, never missed", ["on_payment_plan"]),
        ("got my CP521, $180 installment due on the 28th", ["on_payment_plan"]),
        ("do i have to keep paying my installment agreement while the offer is pending?", ["on_payment_plan"]),
        ("i never missed a payment in my life", []),
        ("now the IRS takes a chunk of my check every month", ["levied"]),
        ("will they take part of my check?", []),
        ("paid off my IRS debt in full last month", ["already_paid"]),
        # a levy asked about in general is not one in place; one said to be there is
        ("is an IRS bank levy continuous or one time", []),
        ("there is a 668-a levy on my bank", ["bank_frozen"]),
        ("state says I owe income tax but I already paid", ["already_paid", "state_notice"]),
        # a business's bank account frozen is the account; a named business is a business
        ("IRS froze my business account and personal", ["bank_frozen"]),
        ("Our restaurant account got hit with an IRS bank levy", ["bank_frozen", "business_taxes"]),
        ("we have an offer on our house but theres a federal tax lien", ["selling_home"]),
        ("el IRS se quedo con mi reembolso por una deuda que tiene mi esposo", ["spouse_caused"]),
        ("I had estimated payments they didnt count", ["already_paid"]),
        ("se acabaron los 90 dias del aviso de deficiencia", ["deadline_passed"]),
    ],
)
def test_situations(text: str, expected: list) -> None:
    assert find_situations(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        # a stating clause beside the question in one sentence is read by the classifier too
        ("a chunk of my paycheck goes straight to the IRS now, can I get that lowered?", ["levied"]),
        # and after it
        ("what happens now, half of my check goes to the irs now", ["levied"]),
        # a fear joined to a question states nothing
        ("will they freeze my account, and can they take my car?", []),
    ],
)
def test_a_statement_joined_to_a_question_is_read(text: str, expected: list) -> None:
    assert find_situations(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("will they garnish my wages??", ["wage_levy"]),
        ("they froze my bank account. how do I get the money back?", ["stop_levy"]),
        ("can I set up a payment plan? also is this a scam", ["payment_plan", "scam"]),
        ("I want the penalty removed", ["penalty_relief"]),
        ("how long do I have to respond", ["deadline"]),
        ("can they take my house", ["levy_general"]),
        ("I can't pay, what are my options", ["cnc_hardship", "what_to_do"]),
        ("how do I get the lien released so I can sell", ["lien_removal"]),
        ("they took my wages", []),
        ("what is a lien exactly and will it stop the sale?", ["lien", "lien_removal"]),
        ("will it affect my passport", ["passport"]),
        ("what if I don't answer it", ["consequences"]),
        ("can they take my disability check?", ["social_security_levy"]),
        ("is it really the IRS or a scammer?", ["scam"]),
        ("who do I even talk to", ["talk_to_pro"]),
        # a form named by its number asks what it is for; "does the ..." asks
        ("para que sirve el formulario 656", ["offer_in_compromise"]),
        ("what is form 433-F for?", ["what_is_notice", "cnc_hardship"]),
        ("I owe 656 dollars, can I pay monthly?", ["payment_plan"]),
        ("if I quit and go work somewhere else does the garnishment follow me", ["wage_levy"]),
        # what the balance does meanwhile
        ("and does the debt keep growing meanwhile", ["consequences"]),
        ("y se me van a seguir sumando los intereses?", ["consequences"]),
        ("what if we just dont respond by the date", ["consequences"]),
        ("y si estoy de acuerdo pero no puedo pagar todo junto?", ["payment_plan", "cnc_hardship"]),
        ("whats the difference between the two and do I have to answer both", ["what_is_notice", "what_to_do"]),
        ("is this the start of them coming after me?", ["consequences"]),
        ("When does the 15% start coming out?", ["deadline"]),
        ("will they make up a number for me? how far back do I have to go", ["unfiled_returns"]),
        ("should I be calling social security about it?", ["what_to_do"]),
        ("que cosas me pueden quitar?", ["levy_general"]),
        ("me pueden embargar el carro y la cuenta. es cierto eso?", ["bank_levy", "levy_general"]),
        ("si consigo un segundo trabajo tambien me pueden embargar ese?", ["wage_levy"]),
        ("is there a law that holds those refunds, and when will mine actually hit my bank?", []),
        # stopping hides only the levy in its own words: a levy asked about apart from it stays
        (
            "when would they start garnishing and can I stop it before it starts?",
            ["deadline", "wage_levy", "stop_levy"],
        ),
        ("does that stop them from levying while its pending?", ["stop_levy"]),
        ("how do we keep them from taking her check", ["stop_levy"]),
        ("Can I get a hardship release?", ["stop_levy", "cnc_hardship"]),
        # a notice disputed in a statement is what a general question is about
        ("it was a rollover, its not income! what do I send them", ["disagree", "what_to_do"]),
        ("got a cp 2000 for a 1099 the payer sent wrong, what do i do", ["disagree", "what_to_do"]),
        ("I think their number is wrong. how long do I have?", ["disagree", "deadline"]),
        ("can she shut my business down?", ["consequences"]),
        # a hardship status stated beside general questions is what they are about
        (
            "I've been in currently not collectible for 2 years and got a CP71C. do I have to respond to this?",
            ["cnc_hardship", "what_to_do"],
        ),
        # asked for a relative: "should she call" is "should I call"; a spouse's "his part" stays his
        ("my mom is 82. should she call social security about it?", ["what_to_do"]),
        ("my dad got a CP504. what should he do", ["what_to_do"]),
        ("they kept the refund for my husbands debt. can I get my part back?", ["injured_spouse"]),
        # seventh fresh batch: the wordings its misses showed, in general form
        ("are they going to show up at my door now?", ["consequences"]),
        ("do I still have to file? whats the penalty", ["consequences"]),
        ("maybe it went to the wrong year? how do I get them to fix it", ["disagree"]),
        ("I did put it on my schedule C. how do I show them that", ["disagree"]),
        ("can I contest the levy?", ["stop_levy", "cdp_hearing", "disagree"]),
        ("do they freeze the account that day?", ["bank_levy"]),
        ("how far back do I actually have to go?", ["unfiled_returns"]),
        ("I havent filed since 2015. does the 10 year limit apply to me?", ["collection_statute"]),
        # property named beside the bank is asked about too
        ("can they levy my receivables and bank?", ["levy_general", "bank_levy"]),
    ],
)
def test_questions(text: str, expected: list) -> None:
    assert find_questions(text) == expected


def test_sentences_split_on_punctuation_and_also() -> None:
    assert sentences("I got a CP14. Can I pay monthly? also is it real") == [
        "I got a CP14.",
        "Can I pay monthly?",
        "also is it real",
    ]


def test_reading_of_a_paragraph() -> None:
    text = "I have a CP504 for about $4k dated Nov 2 and I was laid off, will they garnish my wages for 2023??"
    reading = read_message(text, lookup, TODAY)
    assert reading.codes == ["CP504"] and reading.amount == Decimal("4000.00")
    assert reading.notice_date == dt.date(2026, 11, 2) and reading.tax_years == [2023]
    assert reading.situations == ["lost_income"] and reading.questions == ["wage_levy"]


@pytest.mark.parametrize(
    "text, day",
    [
        # the words after the code as written are not part of it: "dated nov 20" was read as "nov" (the 1st)
        ("got the final notice of intent to levy, letter 1058, dated nov 20", 20),
        ("cp 5O4, dated 11/20", 20),
        ("the 504 dated nov 20", 20),
        # an amount after the date is no year ("october 30, 22k" was read as "october", the 1st)
        ("got a letter 1058 dated november 30, 22k", 30),
        ("LT11 dated nov 18, $9,400 for 2022", 18),
    ],
)
def test_a_date_beside_a_code_or_an_amount_is_read_whole(text: str, day: int) -> None:
    assert read_message(text, lookup, TODAY).notice_date == dt.date(2026, 11, day)


@pytest.mark.parametrize(
    "text, questions",
    [
        # nothing can be paid at all: hardship status beside what was asked
        (
            "can I settle for less than I owe? I cant afford payments right now at all",
            ["offer_in_compromise", "cnc_hardship"],
        ),
        ("me pueden embargar? no puedo pagar nada ahorita", ["levy_general", "cnc_hardship"]),
        # an amount offered is a plan, not hardship
        ("can they garnish my paycheck? I can maybe do $150 a month", ["wage_levy", "payment_plan"]),
    ],
)
def test_nothing_to_pay_asks_about_hardship_status(text: str, questions: list) -> None:
    assert read_message(text, lookup, TODAY).questions == questions


@pytest.mark.parametrize(
    "text, asked",
    [
        ("will they levy my business account? we can maybe do $1k a month", "payment_plan"),
        ("and what if I cant pay it all, whats the options", "payment_plan"),
        ("y conviene buscar un profesional de taxes o lo arreglo yo solo?", "talk_to_pro"),
    ],
)
def test_a_plan_or_a_pro_asked_in_other_words(text: str, asked: str) -> None:
    assert asked in read_message(text, lookup, TODAY).questions


def test_a_request_to_waive_it_after_a_penalty_asks_for_penalty_relief() -> None:
    assert read_message("the penalty was $900. can it be waived?", lookup, TODAY).questions == ["penalty_relief"]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("my offer in compromise got rejected. is it worth appealing?", "offer_in_compromise"),
        ("me rechazaron la oferta, puedo apelar?", "offer_in_compromise"),
        ("got an LT11, can I appeal?", "cdp_hearing"),
    ],
)
def test_appealing_a_rejected_offer_is_a_question_about_the_offer(text: str, expected: str) -> None:
    assert read_message(text, lookup, TODAY).questions[0] == expected


LEVY = "stop_levy"


@pytest.mark.parametrize(
    "text, memory, asked, not_asked",
    [
        # a lien "released" is the lien's removal; nothing in the message is a levy
        ("my lien is from 2011, the title company shows it. how do I get it released", Memory(), "lien_removal", LEVY),
        ("falle 2 pagos del plan, me llego carta que lo cancelan. lo puedo recuperar?", Memory(), "payment_plan", LEVY),
        # a levy stated, named, or the last topic keeps the question
        ("they levied my bank account, how do I get it released", Memory(), "stop_levy", None),
        ("how do I get it released?", Memory(last_topics=("bank_levy",)), "stop_levy", None),
    ],
)
def test_stopping_a_levy_is_asked_only_when_a_levy_is_in_the_conversation(
    text: str, memory: Memory, asked: str, not_asked: Optional[str]
) -> None:
    questions = read_message(text, lookup, TODAY, memory).questions
    assert asked in questions and (not_asked is None or not_asked not in questions), questions


def test_a_general_question_about_a_stated_situation_asks_the_specific_one() -> None:
    reading = read_message("They garnished my paycheck. What can I do?", lookup, TODAY)
    assert reading.questions[0] == "stop_levy" and "what_to_do" in reading.questions


@pytest.mark.parametrize(
    "text, last, expected",
    [
        ("how do i apply for that", ("innocent_spouse",), ["innocent_spouse"]),
        ("is it the same for SSI", ("social_security_levy",), ["social_security_levy"]),
        ("what about my car", ("levy_general",), ["levy_general"]),
        ("ok and how do i get it removed", ("what_is_notice", "lien"), ["lien_removal"]),
        ("how do I apply", (), []),
    ],
)
def test_follow_up_about_the_same_topic(text: str, last: tuple, expected: list) -> None:
    assert read_message(text, lookup, TODAY, Memory(last_topics=last)).questions == expected


def test_follow_up_uses_the_last_topic() -> None:
    reading = read_message("how do I get rid of it", lookup, TODAY, Memory(last_topics=("lien",)))
    assert reading.questions == ["lien_removal"]


@pytest.mark.parametrize(
    "text, scope",
    [
        ("where is my refund", "refund_status"),
        ("how do I file my 2024 tax return", "tax_prep"),
        ("the state department of revenue sent me a bill", "state_notice"),
        ("got an IRS CP14", None),
        ("wheres my refund", "refund_status"),
        ("how do I file the old returns", "tax_prep"),
        ("the franchise tax board froze my account, can I get a hearing like with the irs?", "state_notice"),
        ("the IRS froze my account and the department of revenue sent a bill", None),
        ("HMRC sent me a penalty", "other"),
        ("a credit card company is suing me", "other"),
        # a state named as the sender, a county's property tax; a federal student loan is no tax debt
        ("ohio sent me a notice that my state plan defaulted", "state_notice"),
        (
            "the county tax collector says my property taxes are late, will they auction the house? is it the irs?",
            "state_notice",
        ),
        ("they froze my account over a federal student loan, it is not taxes", "other"),
        ("the IRS levied my account for federal taxes and I also have student loans", None),
        ("a collection agency for an old hospital bill says they will garnish my wages", "other"),
        ("the state is garnishing 25% of my paycheck for old state income taxes", "state_notice"),
        ("my refund is way late, should I file a form 3911 or just keep waiting", "refund_status"),
        ("claimed the EITC, the tracker just says processing. when will it hit my bank", "refund_status"),
        ("I left a 1099-INT off my return. how do I fill out a 1040-X to fix it?", "tax_prep"),
        # a joint refund kept for a spouse's student loan: injured spouse relief, which the assistant covers
        ("our refund went to my husbands old student loan, can I get my half back?", None),
        ("they took my refund for a defaulted student loan. I don't owe the IRS anything, how do I stop it?", "other"),
        ("tengo un prestamo estudiantil en mora y al IRS no le debo nada. me quitan el reembolso?", "other"),
        ("me van a embargar por mis prestamos estudiantiles. es el IRS el que me embarga?", "other"),
        ("mailed a 1040-X in march, the amended return tool still says received. how long?", "refund_status"),
    ],
)
def test_scope(text: str, scope: Optional[str]) -> None:
    assert read_message(text, lookup, TODAY).out_of_scope == scope


@pytest.mark.parametrize(
    "text, codes",
    [
        ("two CP504s came", ["CP504"]),
        ("CP508 C arrived", ["CP508C"]),
        ("cp 22 a says I owe", ["CP22A"]),
        ("cp504 a notice", ["CP504"]),
        ("cp-090", ["CP90"]),
    ],
)
def test_plurals_spaced_suffixes_and_leading_zeros(text: str, codes: list) -> None:
    assert [m.code for m in find_codes(text, lookup) if m.known] == codes


def test_a_number_with_a_letter_suffix_before_letter_is_an_unknown_letter() -> None:
    assert [(m.code, m.known) for m in find_codes("got a 725-B letter", lookup)] == [("Letter 725B", False)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("whats worse a tax lien or a levy", ["lien", "levy_general"]),  # no apostrophe
        ("do i need to file an amended return or just send the corrected form?", ["what_to_do"]),
        ("will it show on my credit report and can I still refinance?", ["lien", "lien_removal"]),
        ("what are his options", ["what_to_do"]),
        ("whats the quickest way to stop more letters", ["what_to_do"]),
        ("will they start levying again", ["levy_general"]),
        ("can they pause it until I find work?", ["cnc_hardship"]),
        ("is there a penalty if I pay late", ["consequences"]),
        ("Does the lien have to be paid before we can close?", ["lien_removal"]),
        ("I heard they take less than you owe. Is that true?", ["offer_in_compromise"]),  # points back
    ],
)
def test_broader_question_wordings(text: str, expected: list) -> None:
    assert find_questions(text) == expected


@pytest.mark.parametrize(
    "text, expected",
    [
        ("we havent missed a single payment", []),  # denied
        ("will they start levying my wages?", []),  # feared, not under way
        ("i'm between jobs since august", ["lost_income"]),
        ("I threw the first two away honestly", ["ignored_letters"]),
        ("the bank rejected my autopay this month", ["missed_payment"]),
        ("his only income is his pension and SS", ["fixed_income"]),
        ("under contract to sell our rental property", ["selling_home"]),
        ("a coworker of mine got her wages garnished last year", []),  # someone else's case
        ("a un compañero de trabajo le embargaron el sueldo", []),
        ("my friend said the irs levied my bank account", ["levied", "bank_frozen"]),  # the writer's, told by a friend
        ("we might have to sell the house someday to cover this", []),  # not yet so
        ("im thinking about starting an llc for my side gig", []),
        ("tal vez algun dia tengamos que vender la casa", []),
    ],
)
def test_situation_wordings_negation_and_fear(text: str, expected: list) -> None:
    assert find_situations(text) == expected


def test_someone_living_on_benefits_asks_about_the_benefit_check() -> None:
    reading = read_message("retired and living on social security. how much of my check can they take?", lookup, TODAY)
    assert reading.questions == ["social_security_levy"]


@pytest.mark.parametrize(
    "text, questions",
    [
        # the debt's origin in an IRA is told, not asked about: the check is what they would take
        (
            "got a CP91, owes from when he pulled money out of his IRA. social security is his only income. can they "
            "really take 15% of that? how do we stop it before it starts",
            ["social_security_levy", "stop_levy"],
        ),
        # a benefit levy announced, then stopping it asked: how that levy works comes first
        (
            "she got a letter saying they will levy 15% of her benefits. can she get it stopped for hardship?",
            ["social_security_levy", "stop_levy", "cnc_hardship"],
        ),
        # property asked about beside the benefits stays a levy on property
        ("I live on social security. can they take my IRA?", ["levy_general"]),
    ],
)
def test_a_levy_beside_benefits_is_about_the_benefit_check(text: str, questions: list) -> None:
    assert read_message(text, lookup, TODAY).questions == questions


def test_a_month_named_for_something_else_is_no_notice_date() -> None:
    reading = read_message("got a CP2000. the company sent me a corrected 1099 in march. what now", lookup, TODAY)
    assert reading.received_by is None


@pytest.mark.parametrize(
    "text, memory, expected",
    [
        ("cp 71 annual reminder. is this a bill?", Memory(), "what_is_notice"),
        ("I got a CP503 for 900. who am I supposed to call about it", Memory(), "what_to_do"),
        ("they froze my bank account. who am I supposed to call about it", Memory(), "what_to_do"),
        ("who am I supposed to call about it", Memory(notice_code="CP14"), "what_to_do"),
        ("who am I supposed to call about it", Memory(), None),  # about nothing we know of
        ("I got a CP503. ok?", Memory(), None),  # too short to be a question
    ],
)
def test_an_unplaced_question_gets_the_general_answer(text: str, memory: Memory, expected: Optional[str]) -> None:
    lookup = cached_knowledge().find_notice
    reading = read_message(
        text, lambda raw: getattr(lookup(raw), "code", None), dt.date(2026, 12, 3), memory, classify=lambda s: None
    )
    assert unplaced_question(reading, memory) == expected


@pytest.mark.parametrize(
    "text, asked, not_asked",
    [
        ("my job got a 668-W. how much are they allowed to take?", "wage_levy", "levy_general"),
        ("they garnish my paycheck now, how much can they keep each week?", "wage_levy", None),
        ("me llego un embargo a mi trabajo, cuanto me pueden quitar?", "wage_levy", None),
        ("the irs froze my bank account, how much can they take?", "bank_levy", "wage_levy"),
        ("IRS took my paycheck and froze my savings. whats the fastest way to get them released?", "stop_levy", None),
        ("me llego un aviso final. es la carta esa que dicen que te embargan la cuenta?", "what_is_notice", None),
        ("is this the letter where they take your paycheck?", "what_is_notice", None),
        (
            "el IRS me congelo la cuenta. puedo pedir que me liberen una parte por dificultad economica?",
            "stop_levy",
            None,
        ),
        ("I have a new job offer but they garnish my wages, what happens", "wage_levy", "offer_in_compromise"),
    ],
)
def test_what_is_asked_in_context(text: str, asked: str, not_asked: Optional[str]) -> None:
    questions = read_message(text, lookup, TODAY).questions
    assert asked in questions and not_asked not in questions


@pytest.mark.parametrize(
    "text",
    [
        "I sent in an offer in compromise last month. can they still levy my bank while it is pending?",
        "voy a mandar una oferta de compromiso. mientras la revisan me pueden embargar?",
    ],
)
def test_a_levy_asked_about_while_an_offer_is_reviewed_is_the_offers_question(text: str) -> None:
    questions = read_message(text, lookup, TODAY).questions
    assert questions[0] == "offer_in_compromise"  # its passage answers the levy question asked beside it


@pytest.mark.parametrize(
    "text, memory, expected",
    [
        (
            "ya no vivimos juntos, puedo pagar nomas mi parte?",
            Memory(situations=("spouse_caused",), last_topics=("innocent_spouse",)),
            "innocent_spouse",
        ),
        (
            "we're divorced now, can I still get my share back?",
            Memory(situations=("spouse_caused",), last_topics=("injured_spouse",)),
            "injured_spouse",
        ),
        (
            "se lo quitan cada mes o solo una vez?",
            Memory(situations=("fixed_income",), last_topics=("social_security_levy",)),
            "social_security_levy",
        ),
        ("is it every month or just once?", Memory(last_topics=("what_is_notice", "bank_levy")), "bank_levy"),
    ],
)
def test_a_short_follow_up_points_back_to_the_earlier_topic(text: str, memory: Memory, expected: str) -> None:
    assert read_message(text, lookup, TODAY, memory).questions[0] == expected


@pytest.mark.parametrize(
    "text, stated, not_stated",
    [
        ("can I pay part of it now and set up monthly payments for the rest?", None, "on_payment_plan"),
        ("i mailed a check in april with my return and my bank shows it cleared", "already_paid", None),
        ("if I send the 12153 does that stop them from levying while its pending?", None, "levied"),
        ("does the hearing request keep them from garnishing my new paycheck?", None, "levied"),
        ("my social security check was short by 15% this month", "levied", None),
        ("my social security was cut, I'm 71 and thats my only income", "fixed_income", None),
    ],
)
def test_situations_stated_and_only_feared(text: str, stated: Optional[str], not_stated: Optional[str]) -> None:
    found = find_situations(text)
    assert (stated is None or stated in found) and not_stated not in found


@pytest.mark.parametrize(
    "text, scope",
    [
        ("estoy en paro y Hacienda me reclama 1.200 euros. me pueden embargar la prestacion?", "other"),
        ("el SAT me mando un requerimiento de pago", "other"),
        ("no tengo seguro social. como hago mi declaracion, necesito sacar un ITIN?", "tax_prep"),
        ("how do I apply for an ITIN", "tax_prep"),
    ],
)
def test_another_countrys_tax_office_is_out_of_scope(text: str, scope: str) -> None:
    assert read_message(text, lookup, TODAY).out_of_scope == scope


@pytest.mark.parametrize(
    "text, memory, expected, not_expected",
    [
        (
            "puedo apelar o tengo que empezar todo de nuevo?",
            Memory(last_topics=("offer_in_compromise",)),
            "offer_in_compromise",
            "cdp_hearing",
        ),
        ("can I appeal?", Memory(notice_code="LT11", last_topics=("offer_in_compromise",)), "cdp_hearing", None),
        (
            "married with 3 kids, how much do I get to keep each week?",
            Memory(last_topics=("wage_levy",)),
            "wage_levy",
            None,
        ),
        ("received a CP 91. if I call and set up a plan will the levy still start?", Memory(), "stop_levy", None),
        ("CP2000 on my ex husbands 1099 income. Am I on the hook?", Memory(), "consequences", None),
        ("the IRS certified my debt. how do I get the certification reversed", Memory(), "passport", None),
    ],
)
def test_more_questions_in_context(text: str, memory: Memory, expected: str, not_expected: Optional[str]) -> None:
    questions = read_message(text, lookup, TODAY, memory).questions
    assert expected in questions and not_expected not in questions


def test_a_states_treasury_is_a_state_notice() -> None:
    text = "Michigan treasury sent me a bill for state income tax. can I do an offer in compromise with the state?"
    assert read_message(text, lookup, TODAY).out_of_scope == "state_notice"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("recibi un cp 2000, eso es una auditoria? tengo que pagar ya?", "what_to_do"),
        ("aviso de gravamen federal. que pasa con mi casa y con mi credito?", "lien"),
        ("me negaron la renovacion del pasaporte. si hago plan de pagos me lo dan a tiempo?", "passport"),
        ("my passport was denied. if I set up a plan will I get it in time for my trip?", "passport"),
        ("got a cp 508r in the mail. what is it, do I need to do anything?", "what_is_notice"),
        ("I got a CP90 saying I still owe $1,180. who do I call?", "what_to_do"),
        ("should i just pay it again so they leave me alone?", "what_to_do"),
        ("LT11B came after the cp 504b, is that the last one before they seize stuff?", "what_is_notice"),
        ("lt16 came last week. does this mean a revenue officer is coming to my house?", "what_is_notice"),
        ("how do I dispute the amount and by when", "deadline"),
        ("got a CP90 dated november 18. is it too late to ask for a hearing?", "deadline"),
        ("me llego un cp14 y ya pague. lo tengo que pagar otra vez?", "what_to_do"),
        ("es la ultima carta antes del embargo?", "what_is_notice"),
        ("ya es muy tarde para pedir la audiencia?", "deadline"),
        ("a quien tengo que llamar?", "what_to_do"),
        ("si me cambio de trabajo se acaba el embargo?", "wage_levy"),
        ("cuantos años tiene el irs para cobrar?", "collection_statute"),
        ("how many years does the irs have to collect?", "collection_statute"),
        ("my ex hid income on our joint return, do i have to pay it?", "innocent_spouse"),
        ("hay limite de tiempo para pedir lo del conyuge inocente?", "deadline"),
        ("is there a time limit to ask for innocent spouse?", "deadline"),
        ("como evito que me la quiten? puedo ir pagando una parte cada mes?", "what_to_do"),
        ("el CP503 ya es un embargo o todavia no?", "what_is_notice"),
        ("en mi trabajo recibieron una forma 668-W. como hago para que me quiten menos?", "wage_levy"),
        ("can they garnish my paycheck off this notice? I can maybe do $150 a month", "payment_plan"),
        ("y que pasa si tengo una declaracion sin presentar del 2022", "unfiled_returns"),
        ("me llamaron diciendo que eran del IRS. es estafa? como verifico si de verdad debo algo", "what_to_do"),
        ("the CP2000 is partly right. can I agree with some of it and dispute the other part?", "disagree"),
        ("I will pay what I owe but I want to fight the penalty", "disagree"),
        ("got letter 5071C, how do I verify it?", "what_to_do"),
        ("the letter wants ID. how do I verify, online or by phone?", "what_to_do"),
        ("got a notice of deficiency. whats the last day to petition?", "deadline"),
        ("me llego el aviso de deficiencia. cual es el ultimo dia para ir a la corte?", "deadline"),
        ("I'm on a plan and got a CP523. will one late payment end my agreement?", "consequences"),
        ("my refund is on hold. will they still send it if I answer late?", "consequences"),
        ("I never filed 2020, is that a problem?", "unfiled_returns"),
        ("she lives on social security. can they take 15% of it?", "social_security_levy"),
        ("my uncle got a CP504. can they take 70% of my paycheck now?", "wage_levy"),
        ("if the taxes are discharged in chapter 7, what about the lien?", "bankruptcy"),
        ("a company pitched me an OIC. is an offer worth it with my income?", "offer_in_compromise"),
        ("ya tengo plan de pagos. le tengo que pagar a la agencia o sigo pagando al IRS?", "what_to_do"),
        ("si estoy de acuerdo tengo que contestar o no hace falta?", "what_to_do"),
        ("no presente 2021. todavia puedo reclamar esos reembolsos?", "unfiled_returns"),
        ("me piden firmar un papel para extender el plazo de cobro. tengo que firmar?", "collection_statute"),
    ],
)
def test_questions_asked_in_passing(text: str, expected: str) -> None:
    assert expected in read_message(text, lookup, TODAY).questions


def test_a_question_pointing_back_asks_about_the_statement_before_it() -> None:
    text = "the letter says to file any missing returns. I never filed 2019. does that matter?"
    assert "unfiled_returns" in read_message(text, lookup, TODAY).questions


@pytest.mark.parametrize(
    "text, first",
    [
        ("I ignored a CP2000 last year and now got a CP3219A. what now?", "CP3219A"),
        ("got the CP14 in march and just got a CP504 today", "CP504"),
        ("Got a CP504 today. I already got the CP14 and CP501 before.", "CP504"),
        ("got a CP504 and an LT11, which one matters?", "CP504"),  # no word says which came now
    ],
)
def test_the_notice_that_came_now_is_explained_first(text: str, first: str) -> None:
    assert read_message(text, lookup, TODAY).codes[0] == first


@pytest.mark.parametrize(
    "text, stated, not_stated",
    [
        ("I'm in hardship status, so my checking account won't get levied, right?", None, "bank_frozen"),
        ("my savings account is not going to be seized while I'm on a plan?", None, "bank_frozen"),
        ("the IRS levied my checking account last week", "bank_frozen", None),
        ("we owe more than the house is worth and want a short sale", "selling_home", None),
        ("honestly just put them in a drawer", "ignored_letters", None),
        ("what if i just put it in a drawer for a few months, what actually happens", None, "ignored_letters"),
        ("si ignoro la carta del IRS que dice aviso final que pasa??", None, "ignored_letters"),
        ("my wife paid our balance thru her irs online account", "already_paid", None),
        ("the guy said I'd lose my bank account unless I paid today", None, "already_paid"),
        ("what if i send the form late", None, "deadline_passed"),
        ("and if I file after the 30 days is it still worth it?", None, "deadline_passed"),
        ("I sent the form late", "deadline_passed", None),
        ("my debit card got declined and the bank says its an IRS levy", None, "missed_payment"),
        ("my autopay was declined", "missed_payment", None),
        ("they tax the whole sale like I paid zero for the shares", None, "already_paid"),
        ("she got a CP91 about levying her benefits", None, "levied"),
        ("And if they terminate it do they start levying right away?", None, "levied"),
        ("they started levying my wages last month", "levied", None),
    ],
)
def test_situations_stated_or_only_feared_or_asked_about(
    text: str, stated: Optional[str], not_stated: Optional[str]
) -> None:
    found = find_situations(text, classify=False)
    if stated:
        assert stated in found
    if not_stated:
        assert not_stated not in found


@pytest.mark.parametrize(
    "text, expected",
    [
        ("how do I get my money unfrozen?", "stop_levy"),
        ("can they levy what my clients owe me or just my bank", "levy_general"),
        ("will they stop coming after me while they look at it?", "stop_levy"),
        ("tengo que contestar o nomas la guardo?", "what_to_do"),
        ("eso afecta mi credito? cuando se quita", "lien_removal"),
        ("me pueden embargar lo que me deben mis clientes?", "levy_general"),
        ("do i have to just pay it?", "what_to_do"),
        ("do i even need to respond to this thing?", "what_to_do"),
        ("i dont think the number is right, half of that was expenses", "disagree"),
        ("are they gonna cancel the whole thing?", "consequences"),
        ("me va a afectar el credito? estoy tratando de refinanciar", "lien"),
        ("will this lien mess up my credit?", "lien"),
    ],
)
def test_eighth_batch_questions(text: str, expected: str) -> None:
    assert expected in find_questions(text)


def test_when_inside_a_statement_does_not_make_it_ask() -> None:
    assert not is_asking("I paid that exact amount when I e-filed in April, it came out of my checking account.")
    assert is_asking("when will they take it") and is_asking("so when")
    assert is_asking("it says 21 days, 21 days from when")


def test_a_refund_question_beside_a_lost_job_asks_no_hardship_question() -> None:
    text = "my son filed last year and STILL hasnt gotten his refund. he was on unemployment that year."
    reading = read_message(text, lookup, TODAY)
    assert reading.out_of_scope == "refund_status" and "cnc_hardship" not in reading.questions


@pytest.mark.parametrize(
    "text, scope",
    [
        ("me mude a Virginia en junio, como hago mi declaracion del estado?", "tax_prep"),
        ("me llego una carta del departamento de impuestos del estado, debo 900", "state_notice"),
    ],
)
def test_a_state_return_to_prepare_is_tax_preparation_not_a_state_notice(text: str, scope: str) -> None:
    assert read_message(text, lookup, TODAY).out_of_scope == scope


def test_bare_relief_in_a_spouse_case_is_innocent_spouse_relief() -> None:
    memory = Memory(situations=("spouse_caused",), last_topics=("innocent_spouse",))
    reading = read_message(
        "aun asi puedo pedir el alivio?", lookup, TODAY, memory, classify=lambda sentence: "penalty_relief"
    )
    assert "innocent_spouse" in reading.questions and "penalty_relief" not in reading.questions


def test_a_follow_up_after_a_state_notice_stays_about_the_state() -> None:
    memory = Memory(situations=("state_notice",))
    text = "how long do i have to protest it, and does that count from the date on the letter?"
    assert read_message(text, lookup, TODAY, memory).out_of_scope == "state_notice"
    assert (
        read_message("and I also owe the IRS for 2022, can they levy me?", lookup, TODAY, memory).out_of_scope is None
    )
    its_the_state = "its the state not the irs, can they garnish me?"  # the IRS ruled out is not named
    assert read_message(its_the_state, lookup, TODAY, memory).out_of_scope == "state_notice"


def test_a_refund_kept_for_the_writers_own_child_support_is_another_creditor() -> None:
    text = "me quitaron el reembolso federal por una deuda de child support que tengo en el estado, no es del irs"
    assert read_message(text, lookup, TODAY).out_of_scope == "other"


def test_a_levy_asked_about_beside_a_frozen_account_is_the_bank_levy() -> None:
    text = "my account got frozen by an irs levy friday. can they do it again next month?"
    assert "bank_levy" in read_message(text, lookup, TODAY).questions
