"""Schema of the knowledge base (pydantic v1, as Rasa 3.6 pins it).

The knowledge file is validated on load: a wrong stage, a missing source or an over-long SMS
fails loudly instead of reaching a taxpayer.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Dict, List, Optional
from urllib.parse import urlparse

from pydantic import BaseModel, Field, root_validator, validator

from knowledge.codes import normalise_code

EXPLANATION_MAX_WORDS = 70
TOPIC_ANSWER_MAX_WORDS = 90
SMS_MAX_CHARS = 300
OFFICIAL_HOSTS = ("irs.gov", "taxpayeradvocate.irs.gov")


class Urgency(str, Enum):
    """How soon the taxpayer must act."""

    low = "low"
    medium = "medium"
    high = "high"
    critical = "critical"


class Stage(str, Enum):
    """Where a notice sits in the IRS process."""

    balance_due = "balance_due"
    reminder = "reminder"
    intent_to_levy = "intent_to_levy"
    final_notice_cdp = "final_notice_cdp"
    lien = "lien"
    levy = "levy"
    payment_plan = "payment_plan"
    passport = "passport"
    private_collection = "private_collection"
    cnc_status = "cnc_status"
    proposed_change = "proposed_change"
    audit = "audit"
    deficiency = "deficiency"
    math_error = "math_error"
    unfiled_return = "unfiled_return"
    refund = "refund"
    identity = "identity"
    trust_fund_penalty = "trust_fund_penalty"
    information_return = "information_return"


class Audience(str, Enum):
    """Who receives the notice."""

    individual = "individual"
    business = "business"
    both = "both"


def _word_count(text: str) -> int:
    return len(text.split())


def _not_in_future(value: dt.date) -> dt.date:
    if value > dt.date.today():
        raise ValueError(f"last_checked {value} is in the future")
    return value


def _check_official_url(url: str) -> str:
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    if parsed.scheme != "https" or not any(host == h or host.endswith("." + h) for h in OFFICIAL_HOSTS):
        raise ValueError(f"source_url must be an https page on irs.gov, got {url!r}")
    return url


class _Strict(BaseModel):
    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True
        allow_mutation = False


class ResponseWindow(_Strict):
    """The time the notice gives, counted from the date printed on it."""

    days: Optional[int] = Field(None, ge=1, le=400)
    purpose: str = Field(..., min_length=5, max_length=160)
    extendable: bool


class Notice(_Strict):
    """One IRS notice or letter."""

    code: str
    aliases: List[str] = []
    title: str = Field(..., min_length=5, max_length=160)
    audience: Audience
    stage: Stage
    explanation: str
    sms: str = Field(..., max_length=SMS_MAX_CHARS)
    what_to_do: List[str] = Field(..., min_items=2, max_items=4)
    response_window: ResponseWindow
    after_deadline: str = Field(..., min_length=10)
    urgency: Urgency
    relief_options: List[str] = []
    sources_note: Optional[str] = None
    source_url: str
    last_checked: dt.date  # the day the entry was last compared with its source

    _url = validator("source_url", allow_reuse=True)(_check_official_url)
    _checked = validator("last_checked", allow_reuse=True)(_not_in_future)

    @validator("code", "aliases", each_item=True)
    def _codes_normalise(cls, value: str) -> str:
        if normalise_code(value) is None:
            raise ValueError(f"{value!r} is not a recognisable notice code")
        return value

    @validator("explanation")
    def _short_explanation(cls, value: str) -> str:
        if _word_count(value) > EXPLANATION_MAX_WORDS:
            raise ValueError(f"explanation has {_word_count(value)} words (max {EXPLANATION_MAX_WORDS})")
        return value

    @root_validator(skip_on_failure=True)
    def _stage_rules(cls, values: Dict) -> Dict:
        stage, window, urgency = values["stage"], values["response_window"], values["urgency"]
        options = values["relief_options"]
        if stage is Stage.final_notice_cdp:
            if window.days != 30 or window.extendable or urgency is not Urgency.critical:
                raise ValueError("a final notice with hearing rights has a 30-day fixed window and is critical")
            if "cdp_hearing" not in options:
                raise ValueError("a final notice with hearing rights must offer cdp_hearing")
        if stage is Stage.deficiency:
            if window.days != 90 or window.extendable or urgency is not Urgency.critical:
                raise ValueError("a notice of deficiency has a 90-day fixed window and is critical")
            if "tax_court_petition" not in options:
                raise ValueError("a notice of deficiency must offer tax_court_petition")
        if stage is Stage.levy and urgency not in (Urgency.high, Urgency.critical):
            raise ValueError("a levy notice is high or critical")
        return values

    @property
    def keys(self) -> List[str]:
        """Lookup keys of the code and every alias."""
        return [k for k in (normalise_code(c) for c in [self.code, *self.aliases]) if k]


class Topic(_Strict):
    """A topic answer: collection steps, levy, lien, a relief option, scam signs..."""

    id: str = Field(..., regex=r"^[a-z][a-z_]+$")
    intent: str = Field(..., regex=r"^[a-z][a-z_]+$")
    title: str = Field(..., min_length=3, max_length=120)
    main: bool = False
    keywords: List[str] = []
    answer: str
    sms: str = Field(..., max_length=SMS_MAX_CHARS)
    key_facts: List[str] = Field([], max_items=5)
    forms: List[str] = []
    related: List[str] = []
    sources_note: Optional[str] = None
    source_url: str
    last_checked: dt.date  # the day the entry was last compared with its source

    _url = validator("source_url", allow_reuse=True)(_check_official_url)
    _checked = validator("last_checked", allow_reuse=True)(_not_in_future)

    @validator("answer")
    def _short_answer(cls, value: str) -> str:
        if _word_count(value) > TOPIC_ANSWER_MAX_WORDS:
            raise ValueError(f"answer has {_word_count(value)} words (max {TOPIC_ANSWER_MAX_WORDS})")
        return value

    @validator("keywords", each_item=True)
    def _lower_keywords(cls, value: str) -> str:
        return value.lower()


class MoreNotices(_Strict):
    """A supplementary notices file (knowledge/more_notices.yml): notices only, same schema."""

    notices: List[Notice] = Field(..., min_items=1)


class KnowledgeBase(_Strict):
    """The whole knowledge base: the main file plus any supplementary notices merged in."""

    version: str
    intent_labels: Dict[str, str]  # button titles for "did you mean"
    notices: List[Notice] = Field(..., min_items=1)
    topics: List[Topic] = Field(..., min_items=1)

    @root_validator(skip_on_failure=True)
    def _consistent(cls, values: Dict) -> Dict:
        topic_ids = [t.id for t in values["topics"]]
        duplicates = {t for t in topic_ids if topic_ids.count(t) > 1}
        if duplicates:
            raise ValueError(f"duplicate topic ids: {sorted(duplicates)}")
        codes = [normalise_code(n.code) or n.code for n in values["notices"]]  # codes are valid by now
        repeated = {c for c in codes if codes.count(c) > 1}
        if repeated:
            raise ValueError(f"notice codes listed twice: {sorted(repeated)}")
        owners: Dict[str, str] = {}
        for notice in values["notices"]:
            for key in notice.keys:
                if owners.setdefault(key, notice.code) != notice.code:
                    raise ValueError(f"code {key} belongs to both {owners[key]} and {notice.code}")
            unknown = set(notice.relief_options) - set(topic_ids)
            if unknown:
                raise ValueError(f"{notice.code}: unknown relief options {sorted(unknown)}")
        for topic in values["topics"]:
            unknown = set(topic.related) - set(topic_ids)
            if unknown:
                raise ValueError(f"{topic.id}: unknown related topics {sorted(unknown)}")
        mains: Dict[str, int] = {}
        for topic in values["topics"]:
            mains[topic.intent] = mains.get(topic.intent, 0) + int(topic.main)
        wrong = sorted(intent for intent, count in mains.items() if count != 1)
        if wrong:
            raise ValueError(f"intents without exactly one main topic: {wrong}")
        return values
