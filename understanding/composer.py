"""Compose one short answer for a whole message: the notice, each question, the situation, one next step.

Every sentence comes from the knowledge base (notice entries and knowledge/answers.yml passages);
nothing is made up here. The order is fixed: the notice first (what it is and the days left from
its date), then a short answer to each question in that notice's context, then at most two notes on
the situation that no answer already covered, then one next step.

The first answer is short (about 100 words, see MAX_WORDS; the SMS form three segments): when it runs
longer, the situation notes, then the notice's explanation, then the answers shrink to their first
sentence, and the other notices to their codes (see _fit). Every question keeps at least its first
sentence, or the reply says there is more on it; what was cut is in ``cut`` and in the "more"
details (the notice's explanation and steps, the full topic behind each answer).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Dict, List, Optional, Sequence, Set, Tuple

from knowledge.loader import Knowledge
from knowledge.schema import Notice, Stage, Urgency
from services.dates import short_date
from services.deadlines import DeadlineState, compute_deadline, equivalent_hearing_deadline
from services.gsm import to_gsm
from understanding.passages import Passages
from understanding.phrases import ENGLISH, SPANISH, count_days, phrase
from understanding.questions import covered
from understanding.reading import Memory, MessageReading

MAX_QUESTIONS = 4
MAX_WORDS = 100
MAX_WORDS_SPANISH = 100
# With the one-line menu that follows, the SMS answer stays within three 153-character segments.
SMS_ANSWER_CHARS = 330
MAX_CODES = 5  # the first notice and up to four others, named in one line
MAX_SITUATION_NOTES = 2
# What a paragraph is, and the order in which a long answer shrinks them to their short form: the
# notes on the situation first, then the notice's explanation ("more" sends it whole), then the
# answers to the broad questions (what to do, what happens next), then the other answers, then the
# other notices named (to their codes).
NOTE, NOTICE, GENERAL, ANSWER, OTHERS, FIXED = "note", "notice", "general", "answer", "others", "fixed"
FIT_ORDER = (NOTE, NOTICE, GENERAL, ANSWER, OTHERS)
_GENERAL_QUESTIONS = ("what_to_do", "consequences", "deadline")
# A situation already answered by a question's passage needs no separate note.
_COVERED_BY = {
    "bank_frozen": ("bank_levy",),
    "levied": ("wage_levy", "stop_levy", "bank_levy"),
    "lost_income": ("cnc_hardship", "offer_in_compromise"),
    "fixed_income": ("cnc_hardship", "social_security_levy"),
    "missed_payment": ("payment_plan",),
    "on_payment_plan": ("payment_plan",),
    "selling_home": ("lien_removal",),
    "spouse_caused": ("innocent_spouse", "injured_spouse"),
    "deadline_passed": ("cdp_hearing",),
}
# A situation note that also answers these questions when they were asked but not yet answered.
_NOTE_ANSWERS = {
    "spouse_caused": ("innocent_spouse", "injured_spouse"),
    "bank_frozen": ("bank_levy", "stop_levy"),
    "levied": ("stop_levy",),
    "selling_home": ("lien_removal",),
    "missed_payment": ("payment_plan",),
    "already_paid": ("disagree",),
    "lost_income": ("cnc_hardship",),
    "fixed_income": ("cnc_hardship",),
}
# A situation told in an earlier message that this answer speaks to ("how fast do they release the account").
_FOLLOW_UP_COVERED_BY = {"bank_frozen": ("stop_levy",), "levied": ("levy_general",)}
# A time limit in an answer ("within 2 years", "21 days") answers "how long" about that same thing.
# "I didn't file this year, someone stole my identity": the notice's step for a return the taxpayer did not file
# comes first (a 5071C's "If you didn't file this return, say so")
_NOT_MY_RETURN = re.compile(
    r"\b(?:didn'?t|did not|never|haven'?t|have not|not)\s+(?:even\s+|yet\s+)?file|\bstole my\b|\bidentity theft\b|"
    r"\bsomeone (?:else )?(?:used|filed)\b|\bno (?:he |la |lo )?(?:hecho|presentado|present[eé]|declar[eé])\b|"
    r"\brobo de identidad\b|\balguien (?:us[oó]|present[oó]|declar[oó])\b",
    re.IGNORECASE,
)
_NOT_FILED_STEP = re.compile(r"didn't file|did not file|no (?:la )?present[oó]", re.IGNORECASE)


def _steps(steps: Sequence[str], text: str) -> List[str]:
    """A notice's steps in the order that fits the message: the step for a return not filed by the taxpayer
    first when they say they did not file it."""
    if _NOT_MY_RETURN.search(text):
        return sorted(steps, key=lambda step: not _NOT_FILED_STEP.search(step))
    return list(steps)


_TIME_LIMIT = re.compile(r"\b\d+\s?(?:days?|weeks?|months?|years?|d[ií]as?|semanas?|meses|a[nñ]os?)\b", re.IGNORECASE)
# Questions the notice part itself answers, or the next step answers.
_ANSWERED_BY_NOTICE = ("what_is_notice", "deadline")
_ANSWERED_BY_NEXT_STEP = ("talk_to_pro", "firm_services")  # the pro offer; the firm's own services reply
_FINAL_STAGES = (Stage.final_notice_cdp, Stage.lien)
_REJECTED_OFFER = "offer_in_compromise_rejected"  # its passage says how to appeal the rejection
# their passages say the IRS generally does not levy while the request is reviewed
_PENDING_REQUESTS = {"offer_in_compromise_pending", "innocent_spouse_pending"}
_LEVY_QUESTIONS = ("levy_general", "wage_levy", "bank_levy", "stop_levy")
_UNFILED_REFUND = "unfiled_returns_refund"  # chosen when a refund was owed for the year not filed
_LATE_REQUEST = "cdp_hearing_late_final"  # its words: a request sent after the 30 days, asked about
# Notices with an appeal of their own (a proposed change, a deficiency, a trust fund penalty, an audit):
# "how do I appeal this?" asks for that route, not for a collection hearing.
_OWN_APPEAL = (Stage.proposed_change, Stage.deficiency, Stage.trust_fund_penalty, Stage.audit, Stage.math_error)


@dataclass
class ComposedAnswer:
    """The answer's paragraphs and what it covered, for the slots and the "more" details."""

    paragraphs: List[str] = field(default_factory=list)
    sms_paragraphs: List[str] = field(default_factory=list)  # the same, shorter, for SMS
    notice: Optional[Notice] = None
    notice_date: Optional[dt.date] = None
    topics: List[str] = field(default_factory=list)
    situations: List[str] = field(default_factory=list)  # the situations the answer speaks to
    urgent: bool = False
    sources: List[str] = field(default_factory=list)
    language: str = ENGLISH
    shorter: List[str] = field(default_factory=list)  # each paragraph's short form, used when the answer is long
    parts: List[str] = field(default_factory=list)  # what each paragraph is (NOTE, NOTICE, GENERAL, ...)
    cut: List[str] = field(default_factory=list)  # the full paragraphs shortened or left out to fit
    cut_parts: List[str] = field(default_factory=list)  # what each paragraph in ``cut`` is
    noted: Dict[int, str] = field(default_factory=dict)  # the situation of each note, by paragraph index

    @property
    def for_more(self) -> List[str]:
        """The full paragraphs "more" must send again: all that were cut but the notice's explanation,
        which "more" sends in full anyway."""
        order = (ANSWER, GENERAL, OTHERS, NOTE)  # the answers to questions first; only these parts are cut
        kept = [(text, part) for text, part in zip(self.cut, self.cut_parts, strict=True) if part != NOTICE]
        return [text for text, _ in sorted(kept, key=lambda pair: order.index(pair[1]))]

    @property
    def text(self) -> str:
        """The whole answer, paragraphs separated by blank lines."""
        return "\n\n".join(self.paragraphs)

    def add(self, text: str, sms: Optional[str] = None, short: Optional[str] = None, part: str = "answer") -> None:
        """Add a paragraph with its SMS form and its short form (both by default its first sentence);
        ``part`` says what it is, which decides when it is shortened (see FIT_ORDER)."""
        self.paragraphs.append(text)
        self.sms_paragraphs.append(sms if sms is not None else first_sentence(text))
        self.shorter.append(short if short is not None else first_sentence(text))
        self.parts.append(part)

    def sms_text(self, limit: int = SMS_ANSWER_CHARS) -> str:
        """The SMS answer: short paragraphs in order, as many as fit in ``limit`` GSM characters; when an
        answer to a question does not fit, a last line says to reply MORE for it."""
        more = to_gsm(phrase(self.language, "sms_more"))
        said = [
            (sms_plain(text), part)
            for text, part in zip(self.sms_paragraphs, self.parts, strict=True)
            if text != phrase(self.language, "more_on_questions")
        ]
        asked_more = len(said) < len(self.sms_paragraphs)  # the answer itself left answers to "more"
        chosen = _fill([text for text, _ in said], limit - (len(more) + 1 if asked_more else 0))
        if not asked_more and len(chosen) < len(said):
            asked_more = any(part in (GENERAL, ANSWER) for _, part in said[len(chosen) :])
            if asked_more:
                chosen = _fill([text for text, _ in said], limit - len(more) - 1)
        return " ".join([*chosen, *([more] if asked_more else [])])


def sms_plain(text: str) -> str:
    """A paragraph as SMS text: no bold marks, GSM characters only."""
    return to_gsm(text.replace("**", ""))


def _fill(paragraphs: Sequence[str], limit: int) -> List[str]:
    """The first paragraphs that fit in ``limit`` characters together (the first one cut if it alone is longer)."""
    chosen: List[str] = []
    for plain in paragraphs:
        if chosen and len(" ".join([*chosen, plain])) > limit:
            break
        chosen.append(plain if len(plain) <= limit else plain[: limit - 3].rsplit(" ", 1)[0] + "...")
    return chosen


def _notice_for(reading: MessageReading, knowledge: Knowledge, memory: Memory) -> Tuple[Optional[Notice], bool]:
    """The notice the message is about and whether it is new in this message."""
    if reading.codes:
        return knowledge.find_notice(reading.codes[0]), True
    if memory.notice_code and not reading.unknown_codes:
        return knowledge.find_notice(memory.notice_code), False
    return None, False


# The notice whose rules stand for a family named by its title: LT11, Letter 1058 and CP90 share them.
_FAMILY_OF_STAGE = {"final_notice_cdp": "LT11"}


def _described(reading: MessageReading, knowledge: Knowledge) -> Optional[Notice]:
    """The notice standing for one the message names by its title only, or None."""
    code = _FAMILY_OF_STAGE.get(reading.described_stage or "")
    return knowledge.find_notice(code) if code and not reading.out_of_scope else None


def deadline_sentence(
    notice: Notice, notice_date: Optional[dt.date], today: dt.date, language: str = ENGLISH, asked: bool = False
) -> Tuple[str, bool]:
    """How long is left, counted from the notice date; and whether time is short or gone. When the time left was
    ``asked`` about, an open window says what it is for ("..., until December 5, to request a hearing")."""
    days = notice.response_window.days
    if days is None:  # the notice prints its own due date ("pay by"): the date told is no deadline to count from
        if notice_date is not None:
            return phrase(language, "no_window_dated", dated=short_date(notice_date, language)), False
        return phrase(language, "no_window"), False
    if notice_date is None:
        return phrase(language, "window_no_date", days=days), False
    deadline = compute_deadline(notice_date, days, today)
    assert deadline is not None
    dated, end = short_date(notice_date, language), short_date(deadline.deadline, language)
    if deadline.state is DeadlineState.future_notice:
        return phrase(language, "future_date", dated=dated, days=days), False
    if deadline.state is DeadlineState.open:
        left = deadline.days_left
        text = phrase(language, "open", dated=dated, left=count_days(language, left), end=end)
        purpose = notice.response_window.purpose or ""
        if asked and purpose.startswith(("to ", "para ")):
            text = f"{text[:-1]}, {purpose}."
        return text, left <= 10
    if deadline.state is DeadlineState.last_day:
        return phrase(language, "last_day", dated=dated, end=end), True
    text = phrase(language, "ended", dated=dated, days=days, end=end)
    if notice.stage in _FINAL_STAGES:
        last = equivalent_hearing_deadline(notice_date)
        if today <= last:
            text += phrase(language, "equivalent_hearing", last=short_date(last, language))
    return text, True


def compose(
    reading: MessageReading,
    knowledge: Knowledge,
    passages: Passages,
    memory: Memory,
    today: dt.date,
    language: str = ENGLISH,
) -> ComposedAnswer:
    """Build the answer for ``reading`` in ``language`` (``knowledge`` and ``passages`` must be in it too);
    an empty answer means nothing in it could be answered."""
    answer = ComposedAnswer(language=language)
    if reading.out_of_scope == "state_notice":
        return _state_notes(answer, reading, passages)  # the scope reply says IRS rights don't apply
    if reading.out_of_scope == "other":
        return answer  # IRS facts don't apply to another creditor: the scope reply says so
    notice, is_new = _notice_for(reading, knowledge, memory)
    # a notice named by its title, not its code: its family's rules (the final notice: LT11, 1058, CP90)
    family = _described(reading, knowledge) if notice is None else None
    if family is not None:
        notice, is_new = family, True
    situations = list(dict.fromkeys([*reading.situations, *memory.situations]))
    stage = notice.stage if notice else None
    questions = list(reading.questions)
    own_appeal = stage in _OWN_APPEAL and "cdp_hearing" in questions  # answered by the notice's own route
    if stage is Stage.identity and _NOT_MY_RETURN.search(reading.text):
        # "I haven't filed this year" beside an identity letter: someone else filed; its steps say what to do
        questions = list(dict.fromkeys("what_to_do" if q == "unfiled_returns" else q for q in questions))
    if own_appeal:
        questions = list(dict.fromkeys("disagree" if q == "cdp_hearing" else q for q in questions))
    if notice is not None:
        same = memory.notice_code == notice.code
        answer.notice = notice if family is None else None  # no code to remember: none was written
        reuse = same or not is_new or memory.notice_code is None  # a date told before the code counts too
        answer.notice_date = reading.notice_date or (memory.notice_date if reuse else None)
        # "the response date was last week": the lapse is stated though the date is not
        window = notice.response_window.days
        lapsed = (
            answer.notice_date is None
            and window is not None
            and (
                "deadline_passed" in reading.situations
                or (reading.received_by is not None and reading.received_by + dt.timedelta(days=window) < today)
            )
        )
        if lapsed and "deadline_passed" not in situations:
            situations.append("deadline_passed")  # passages for a lapsed window (e.g. the equivalent hearing)
        if is_new or any(q in _ANSWERED_BY_NOTICE for q in questions) or reading.notice_date or lapsed:
            sentence, short = deadline_sentence(notice, answer.notice_date, today, language, "deadline" in questions)
            if lapsed:
                sure = "deadline_passed" in reading.situations
                sentence = phrase(language, "lapsed" if sure else "lapsed_likely", window=window)
            head = (
                f"**{notice.code}**: {notice.title}."
                if is_new or "what_is_notice" in questions
                else f"**{notice.code}**:"
            )
            short_head = f"{notice.code}: {notice.title}." if head.endswith(".") else f"{notice.code}:"
            if family is not None:
                described = passages.for_question("what_is_notice", stage, situations, reading.text)
                head = short_head = described.text if described else ""
                sentence = sentence if answer.notice_date or lapsed else ""  # the passage says "30 days from its date"
                if described:
                    answer.sources.append(described.source_url)
            bare = " ".join(part for part in (head.strip(), sentence) if part)
            if is_new and not same and family is None:
                head += " " + summary(notice.explanation)
            answer.add(
                " ".join(part for part in (head.strip(), sentence) if part),
                " ".join(part for part in (short_head, sentence) if part),
                short=bare,  # the notice's explanation is the first thing "more" sends
                part=ANSWER if "what_is_notice" in questions else NOTICE,
            )
            answer.urgent = short or notice.urgency is Urgency.critical or lapsed
            if family is None:
                answer.sources.append(notice.source_url)
            if lapsed:
                answer.add(notice.after_deadline)  # what the lapse of this notice's window means
                answer.situations.append("deadline_passed")
        others = [
            o for o in (knowledge.find_notice(c) for c in reading.codes[1:MAX_CODES]) if o and o.code != notice.code
        ]
        if len(others) == 1:
            other = others[0]
            sentence, _ = deadline_sentence(other, None, today, language)
            said = answer.paragraphs and sentence in answer.paragraphs[0]  # the same window: said just above
            answer.add(
                f"**{other.code}**: {other.title}. {sentence}",
                f"{other.code}: {sentence}",
                short=phrase(language, "also", codes=f"**{other.code}**") if said else f"**{other.code}**: {sentence}",
                part=OTHERS,
            )
        elif others:  # "I got the CP14, CP501 and CP503 before": name each in one line
            listed = "; ".join(f"**{o.code}**: {o.title}" for o in others)
            answer.add(
                phrase(language, "other_notices", listed=listed),
                phrase(language, "also", codes=", ".join(o.code for o in others)),
                short=phrase(language, "also", codes=", ".join(f"**{o.code}**" for o in others)),
                part=OTHERS,
            )
        for other in others:
            answer.urgent = answer.urgent or other.urgency is Urgency.critical
            answer.sources.append(other.source_url)
    for raw in reading.unknown_codes[:2]:
        answer.add(phrase(language, "unknown_code", code=raw), part=FIXED)
    # a window that has ended by the notice's own date chooses the passages for a lapse ("can we still get a
    # hearing?" a month after a final notice gets the equivalent hearing, not "send Form 12153 within 30 days")
    choosing = list(situations)
    if notice is not None and "deadline_passed" not in choosing and _passed(notice, answer.notice_date, today):
        choosing.append("deadline_passed")
    questions = _questions_in_answer_order(questions, notice, choosing, reading, passages)
    chosen: Set[str] = set()  # the passages used
    texts_said: Set[str] = set()  # their texts: a text is said once
    already_said = 0  # questions answered by what was said for another one (they take no room)
    for question in questions[: MAX_QUESTIONS + 1]:
        if (
            question == "what_to_do"
            and notice is None
            and (covered(question, answer.topics) or "scam" in answer.topics)
        ):
            answer.topics.append(question)  # the steps given ("call the number on the levy notice") say what to do
            already_said += 1
            continue
        if len(answer.topics) - already_said == MAX_QUESTIONS:
            break
        told = notice is not None or bool(reading.unknown_codes)  # the notice part (or the honest "I don't have it")
        if question in _ANSWERED_BY_NEXT_STEP or (told and question in _ANSWERED_BY_NOTICE):
            answer.topics.append(question)
            continue
        if family is not None and question == "cdp_hearing":  # the family's paragraph says how to ask for it
            answer.topics.append(question)
            continue
        if question == "consequences" and _UNFILED_REFUND in chosen:
            answer.topics.append(question)  # a refund owed is lost after 3 years: that is what happens
            continue
        if question in _LEVY_QUESTIONS and _PENDING_REQUESTS & chosen:
            answer.topics.append(question)  # "can they levy while the offer is pending?" was answered above
            continue
        if question == "cdp_hearing" and _REJECTED_OFFER in chosen:
            answer.topics.append(question)  # the appeal asked is the rejected offer's, answered above
            continue
        if question in ("what_to_do", "consequences") and notice is not None and "deadline_passed" in answer.situations:
            answer.topics.append(question)  # the paragraph on the lapse says what happens and what to do now
            continue
        if question == "what_to_do" and notice is not None and _passed(notice, answer.notice_date, today):
            answer.add(notice.after_deadline, part=GENERAL)  # the steps before the deadline no longer apply
            answer.topics.append(question)
            continue
        if question == "what_to_do" and "already_paid" in reading.situations:
            # "I paid that in April, do I need to do anything?": check the payment posted, not "pay by the date"
            paid = passages.for_situation("already_paid", text=reading.text)
            if paid is not None:
                answer.add(paid.text, part=GENERAL)
                answer.topics.append(question)
                answer.sources.append(paid.source_url)
                answer.situations.append("already_paid")
                continue
        if question == "what_to_do" and notice is not None and notice.what_to_do:
            steps = _steps(notice.what_to_do, reading.text)
            answer.add(" ".join(steps[:2]), steps[0], part=GENERAL)
            answer.topics.append(question)
            continue
        if question == "deadline" and notice is None:
            # a levy question the pending offer's passage answered has no passage of its own to state a time
            still_asked = [q for q in questions if not (q in _LEVY_QUESTIONS and _PENDING_REQUESTS & chosen)]
            if _timed_elsewhere(still_asked, passages, stage, situations):
                answer.topics.append(question)  # the other answer states the time limit
                continue
        # a text already said for another question ("does the levy end if I change jobs") gives way to the next
        passage = passages.for_question(
            question, stage, choosing, reading.text, texts_said, notice.code if notice else None
        )
        if passage is None:
            continue
        chosen.add(passage.id)
        texts_said.add(passage.text)
        answer.add(passage.text, part=GENERAL if question in _GENERAL_QUESTIONS else ANSWER)
        answer.topics.append(question)
        answer.sources.append(passage.source_url)
        if passage.when_situation and passage.when_situation not in answer.situations:
            answer.situations.append(passage.when_situation)  # chosen for the situation (this or an earlier message)
    if family is not None and "cdp_hearing" not in answer.topics:
        answer.topics.append("cdp_hearing")  # the family's paragraph says how to ask for the hearing
    if (
        stage is Stage.final_notice_cdp
        and "deadline_passed" in answer.situations
        and "cdp_hearing" not in answer.topics
    ):
        answer.topics.append("cdp_hearing")  # the lapse paragraph says the equivalent hearing is still open
    if own_appeal and "disagree" in answer.topics:
        answer.topics.append("cdp_hearing")  # the appeal asked about is the one that paragraph describes
    if notice is not None and family is None and not answer.paragraphs and answer.topics:
        # a follow-up answered by the next step alone ("should I get a lawyer?"): still say which notice it is about
        sentence, _ = deadline_sentence(notice, answer.notice_date, today, language)
        answer.add(f"**{notice.code}**: {notice.title}. {sentence}", f"{notice.code}: {sentence}", part=FIXED)
    if (
        family is None
        and notice is not None
        and answer.paragraphs
        and not any(f"**{notice.code}**" in p for p in answer.paragraphs)
    ):
        # a follow-up about the notice told earlier: say which notice the answer is about
        answer.paragraphs[0] = phrase(language, "about", code=notice.code, text=answer.paragraphs[0])
        answer.shorter[0] = phrase(language, "about", code=notice.code, text=answer.shorter[0])
        answer.sms_paragraphs[0] = phrase(language, "about_sms", code=notice.code, text=answer.sms_paragraphs[0])
    notes = 0
    for situation in [s for s in memory.situations if s not in reading.situations]:
        covering = (*_COVERED_BY.get(situation, ()), *_FOLLOW_UP_COVERED_BY.get(situation, ()))
        if any(q in answer.topics for q in covering) and situation not in answer.situations:
            answer.situations.append(situation)  # a follow-up answered in the light of what was said before
    for situation in reading.situations:
        if situation in answer.situations:
            continue
        already_told = any(q in answer.topics for q in _COVERED_BY.get(situation, ()))
        if situation == "on_payment_plan" and "missed_payment" in reading.situations:
            already_told = True  # the missed-payment note says it
        if situation == "deadline_passed" and notice is not None and answer.notice_date is not None:
            already_told = True  # the deadline sentence already says it
        if situation == "state_notice":
            already_told = reading.out_of_scope == "state_notice"  # said by the scope answer
        if already_told:
            answer.situations.append(situation)
            continue
        passage = passages.for_situation(situation, text=reading.text)
        if passage is not None and notes < MAX_SITUATION_NOTES:
            answering = [q for q in _NOTE_ANSWERS.get(situation, ()) if q in questions and q not in answer.topics]
            _add_note(answer, situation, passage.text, answers=bool(answering))
            answer.sources.append(passage.source_url)
            answer.topics.extend(answering)
            notes += 1
    # a follow-up is answered in the light of what was said before: its note, when no answer above spoke to it
    earlier = [s for s in memory.situations if s not in answer.situations and s != "state_notice"]
    for situation in earlier:
        if situation == "on_payment_plan" and "missed_payment" in earlier + answer.situations:
            continue  # the missed-payment note says it
        passage = passages.for_situation(situation)
        if passage is not None and notes < MAX_SITUATION_NOTES:
            _add_note(answer, situation, passage.text)
            answer.sources.append(passage.source_url)
            notes += 1
    if "bank_frozen" in answer.situations and {"bank_levy", "stop_levy"} & set(answer.topics):
        if "levied" not in answer.situations:  # an account frozen by the IRS is a levy in place, answered as one
            answer.situations.append("levied")
    if "missed_payment" in answer.situations and "on_payment_plan" in memory.situations:
        answer.situations.append("on_payment_plan")
    answer.situations = list(dict.fromkeys(answer.situations))
    answer.urgent = answer.urgent or reading.urgent
    _fit(answer)
    return answer


def _questions_in_answer_order(
    questions: List[str], notice: Optional[Notice], choosing: Sequence[str], reading: MessageReading, passages: Passages
) -> List[str]:
    """``questions`` as the answer takes them up: a late hearing request asked about, a year never filed, a call that
    may be a scam."""
    # "and if I file after the 30 days, is it still worth it?" after a final notice: what a late request still gets
    # (the equivalent hearing) answers it, said as the answer to a "what if", not as a lapse
    stage = notice.stage if notice else None
    asked_late = stage in _FINAL_STAGES and any(
        p.id == _LATE_REQUEST and p.fits(stage, choosing, reading.text) for p in passages.all
    )
    if asked_late:
        late = ("deadline", "what_to_do", "consequences")  # what a late request still gets is the answer to these
        questions = list(dict.fromkeys("cdp_hearing" if q in late else q for q in questions or ["cdp_hearing"]))
    if {"unfiled_returns", "consequences"} <= set(questions):
        # "what happens if I never filed 5 years ago?": the answer on unfiled returns says it (a refund lost, or
        # a bill); it goes first, so a refund owed is not met with "interest and penalties keep growing"
        questions = ["unfiled_returns", *(q for q in questions if q != "unfiled_returns")]
    if notice is None and "scam" in questions and "what_to_do" in questions:
        # "should I call the number back?" after a threatening call: how to check it is the thing to do
        questions = [q for q in questions if q != "what_to_do"]
        questions.insert(questions.index("scam") + 1, "what_to_do")
    return questions


def _timed_elsewhere(
    questions: Sequence[str], passages: Passages, stage: Optional[Stage], situations: Sequence[str]
) -> bool:
    """True when the passage of another question asked states a time limit ("how long do I have to ask?")."""
    for other in questions[: MAX_QUESTIONS + 1]:
        passage = passages.for_question(other, stage, situations) if other not in _GENERIC_TIMES else None
        if passage is not None and _TIME_LIMIT.search(passage.text):
            return True
    return False


_GENERIC_TIMES = ("deadline", "what_to_do", "consequences", "what_is_notice", "talk_to_pro", "firm_services")


def _passed(notice: Notice, notice_date: Optional[dt.date], today: dt.date) -> bool:
    """True when the notice's response window is known to have ended."""
    if notice_date is None or notice.response_window.days is None:
        return False
    deadline = compute_deadline(notice_date, notice.response_window.days, today)
    return deadline is not None and deadline.state is DeadlineState.passed


def _state_notes(answer: ComposedAnswer, reading: MessageReading, passages: Passages) -> ComposedAnswer:
    """Beside the state-notice reply: what to do about the state's own levy, plan or bill the taxpayer told of."""
    said: Set[str] = set()
    for situation in reading.situations:
        passage = passages.for_situation(situation, "state_notice")
        if passage is None:
            continue
        if passage.text not in said:  # a levy and a frozen account share one note, a plan and its missed payment too
            answer.add(passage.text, part=NOTE)
            answer.sources.append(passage.source_url)
            said.add(passage.text)
        answer.situations.append(situation)
    answer.urgent = reading.urgent
    _fit(answer)
    return answer


def _add_note(answer: ComposedAnswer, situation: str, text: str, answers: bool = False) -> None:
    """Add the note on ``situation``; a note that answers a question asked is kept like an answer."""
    if not answers:
        answer.noted[len(answer.paragraphs)] = situation
    answer.add(text, part=ANSWER if answers else NOTE)
    answer.situations.append(situation)


def _fit(answer: ComposedAnswer) -> None:
    """Keep the answer within MAX_WORDS: paragraphs take their short form in FIT_ORDER, the last first,
    until it fits; the full paragraphs go to ``answer.cut``. Should that not be enough (four questions
    and a note), the broad answers go (the notice's steps and "more" have them), then the notes, then
    the other answers but the first, the last first; a line then says there is more on the questions."""
    limit = MAX_WORDS_SPANISH if answer.language == SPANISH else MAX_WORDS
    shortened: Set[int] = set()  # their full form is in ``cut`` already
    for part in FIT_ORDER:
        for index in reversed(range(len(answer.paragraphs))):
            if len(answer.text.split()) <= limit:
                return
            if answer.parts[index] == part and answer.shorter[index] != answer.paragraphs[index]:
                answer.cut.append(answer.paragraphs[index])
                answer.cut_parts.append(part)
                shortened.add(index)
                answer.paragraphs[index] = answer.shorter[index]
    if len(answer.text.split()) <= limit:
        return
    answers = [index for index, part in enumerate(answer.parts) if part in (GENERAL, ANSWER)]
    specific = [index for index in answers if answer.parts[index] == ANSWER]
    kept = specific[0] if specific else answers[0] if answers else None  # one answer always stays
    order = [
        *(i for i in reversed(answers) if answer.parts[i] == GENERAL and i != kept),
        *sorted(answer.noted, reverse=True),
        *(i for i in reversed(specific) if i != kept),
    ]
    more = phrase(answer.language, "more_on_questions")
    words = len(answer.text.split())
    dropped: Set[int] = set()
    for index in order:
        if words + (len(more.split()) if dropped & set(answers) else 0) <= limit:
            break
        dropped.add(index)
        words -= len(answer.paragraphs[index].split())
    answer.situations = [s for s in answer.situations if s not in {answer.noted.get(i) for i in dropped}]
    answer.cut += [answer.paragraphs[i] for i in sorted(dropped - shortened)]
    answer.cut_parts += [answer.parts[i] for i in sorted(dropped - shortened)]
    left = [i for i in range(len(answer.paragraphs)) if i not in dropped]
    answer.paragraphs = [answer.paragraphs[i] for i in left]
    answer.sms_paragraphs = [answer.sms_paragraphs[i] for i in left]
    answer.shorter = [answer.shorter[i] for i in left]
    answer.parts = [answer.parts[i] for i in left]
    answer.noted = {}  # the indices changed; no note is dropped after this
    if dropped & set(answers):
        answer.add(more, part=FIXED)


def first_sentence(text: str) -> str:
    """The first sentence of ``text``; with the next one when the first is only "Yes." or "Not yet."."""
    parts = " ".join(text.split()).split(". ")
    head = parts[0] if len(parts[0].split()) > 3 or len(parts) == 1 else f"{parts[0]}. {parts[1]}"
    return head if head.endswith((".", "?", "!")) else head + "."


def summary(text: str) -> str:
    """The first sentence of an explanation, or the first two when the first is very short."""
    parts = [p.strip().rstrip(".") + "." for p in " ".join(text.split()).split(". ") if p.strip()]
    chosen = parts[:1]
    if parts and len(parts[0].split()) < 9 and len(parts) > 1:
        chosen = parts[:2]
    return " ".join(chosen)


def answered_topics(answer: ComposedAnswer) -> Sequence[str]:
    """The question labels the answer covered, for the follow-up memory."""
    return tuple(answer.topics)
