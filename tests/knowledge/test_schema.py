"""The real knowledge file, entry by entry, and the schema's refusal of broken entries."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Dict, List, Set
from urllib.parse import urlparse

import pytest
import yaml
from pydantic import ValidationError

from actions.fallback import NOT_OFFERED
from knowledge.codes import normalise_code
from knowledge.figures import load_figures
from knowledge.loader import DEFAULT_PATH, Knowledge, KnowledgeError, load_knowledge, load_raw
from knowledge.schema import KnowledgeBase, Notice, Topic

ROOT = Path(__file__).resolve().parents[2]
# The main file with its figures filled in, as the loader validates it (without more_notices.yml).
RAW: Dict[str, Any] = load_figures().render_tree(yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8")))
# Every notice of both files (main and supplementary), rendered.
ALL_RAW_NOTICES: List[Dict[str, Any]] = load_figures().render_tree(
    {k: v for k, v in load_raw(DEFAULT_PATH).items() if k != "_more_notices"}
)["notices"]
DOMAIN: Dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
NOTICE_IDS = [n["code"] for n in ALL_RAW_NOTICES]
TOPIC_IDS = [t["id"] for t in RAW["topics"]]

REQUIRED_CODES = [
    "CP14",
    "CP161",
    "CP501",
    "CP503",
    "CP504",
    "CP504B",
    "LT16",
    "LT38",
    "LT39",
    "CP71",
    "LT11",
    "Letter 1058",
    "CP90",
    "CP297",
    "CP297A",
    "CP91",
    "CP92",
    "Letter 3172",
    "Form 668(Y)(c)",
    "Form 668-W",
    "Form 668-A",
    "CP521",
    "CP523",
    "CP508C",
    "CP40",
    "CP2501",
    "CP2000",
    "CP3219A",
    "Letter 3219",
    "CP3219N",
    "Letter 525",
    "CP75",
    "CP11",
    "CP12",
    "CP22A",
    "CP23",
    "CP59",
    "CP80",
    "CP88",
    "CP05",
    "CP09",
    "CP27",
    "CP49",
    "CP53",
    "Letter 5071C",
    "Letter 4883C",
    "Letter 5747C",
    "CP01A",
    "Letter 1153",
]
# The fallback never offers these (actions/fallback.py NOT_OFFERED); every other intent may be offered.
# Replies to the bot's questions about a notice photo ("did I read it right?", "attach it to your
# case?") are button answers like affirm and deny: they get no button label, so the fallback (which
# skips unlabelled intents) never offers them.
PHOTO_REPLIES = {i for i in DOMAIN["intents"] if isinstance(i, str) and i.startswith("notice_photo_")}
NEVER_OFFERED = NOT_OFFERED | PHOTO_REPLIES


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    return load_knowledge(DEFAULT_PATH)


def _notice(knowledge: Knowledge, code: str):
    return next(n for n in knowledge.notices if n.code == code)


def _topic(knowledge: Knowledge, topic_id: str):
    topic = knowledge.topic(topic_id)
    assert topic is not None
    return topic


def _official(url: str) -> bool:
    parsed = urlparse(url)
    host = (parsed.hostname or "").lower()
    return parsed.scheme == "https" and (
        host in {"irs.gov", "www.irs.gov", "taxpayeradvocate.irs.gov", "www.taxpayeradvocate.irs.gov"}
    )


def _topic_intents_from_rules() -> Set[str]:
    intents = set()
    for path in (ROOT / "data" / "rules").glob("*.yml"):
        for rule in yaml.safe_load(path.read_text(encoding="utf-8")).get("rules", []):
            steps = rule.get("steps", [])
            for first, second in zip(steps, steps[1:], strict=False):
                # topic questions are answered by the whole-message answer action
                if (
                    "intent" in first
                    and second.get("action") == "action_answer_message"
                    and first["intent"].startswith("ask_")
                    and first["intent"] != "ask_deadline"
                ):
                    intents.add(first["intent"])
    return intents


# --------------------------------------------------------------------------------------------
# The real file, entry by entry
# --------------------------------------------------------------------------------------------


def test_file_loads_and_has_enough_notices(knowledge: Knowledge) -> None:
    assert len(knowledge.notices) >= 45
    merged = load_raw(DEFAULT_PATH)  # read again: the same moment as the fixture's load
    assert len(knowledge.notices) == len(merged["notices"])
    assert len(knowledge.topics) == len(RAW["topics"])


def test_notice_codes_are_unique() -> None:
    assert len(NOTICE_IDS) == len(set(NOTICE_IDS))
    keys = [normalise_code(c) for c in NOTICE_IDS]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("code", REQUIRED_CODES)
def test_required_code_is_present(knowledge: Knowledge, code: str) -> None:
    notice = knowledge.find_notice(code)
    assert notice is not None, f"{code} is missing from the knowledge base"
    assert notice.code == code


@pytest.mark.parametrize("code", NOTICE_IDS)
def test_notice_entry(knowledge: Knowledge, code: str) -> None:
    notice = _notice(knowledge, code)
    assert _official(notice.source_url), notice.source_url
    assert len(notice.explanation.split()) <= 70
    assert len(notice.sms) <= 300
    assert 2 <= len(notice.what_to_do) <= 4
    assert notice.title.strip() and notice.after_deadline.strip()
    # the SMS is shown alone on SMS channels, so it must name the notice
    sms_keys = {normalise_code(m) for m in re.findall(r"[A-Za-z]*\s?\d+[A-Za-z()\-]*", notice.sms)}
    assert set(notice.keys) & sms_keys, f"the SMS of {code} does not name the notice"
    # relief options point to real topics
    assert all(knowledge.topic(option) is not None for option in notice.relief_options)


@pytest.mark.parametrize("code", NOTICE_IDS)
def test_notice_window_matches_stage(knowledge: Knowledge, code: str) -> None:
    notice = _notice(knowledge, code)
    window, stage, urgency = notice.response_window, notice.stage.value, notice.urgency.value
    if window.days is not None:
        assert 1 <= window.days <= 400
    if stage == "final_notice_cdp":
        assert (window.days, window.extendable, urgency) == (30, False, "critical")
        assert "cdp_hearing" in notice.relief_options
    if stage == "deficiency":
        assert (window.days, window.extendable, urgency) == (90, False, "critical")
        assert "tax_court_petition" in notice.relief_options
    if stage == "levy":
        assert urgency in {"high", "critical"}


@pytest.mark.parametrize(
    "code, stage, days",
    [
        ("LT11", "final_notice_cdp", 30),
        ("Letter 1058", "final_notice_cdp", 30),
        ("CP90", "final_notice_cdp", 30),
        ("CP3219A", "deficiency", 90),
        ("Letter 3219", "deficiency", 90),
        ("CP504", "intent_to_levy", None),
        ("Form 668-W", "levy", None),
        ("CP2000", "proposed_change", 30),
    ],
)
def test_key_notices_have_the_expected_stage(knowledge: Knowledge, code: str, stage: str, days) -> None:
    notice = _notice(knowledge, code)
    assert notice.stage.value == stage
    assert notice.response_window.days == days


@pytest.mark.parametrize("topic_id", TOPIC_IDS)
def test_topic_entry(knowledge: Knowledge, topic_id: str) -> None:
    topic = _topic(knowledge, topic_id)
    assert _official(topic.source_url), topic.source_url
    assert len(topic.answer.split()) <= 90
    assert len(topic.sms) <= 300
    assert len(topic.key_facts) <= 5
    assert topic.intent in DOMAIN["intents"], f"{topic_id} answers an intent the domain does not have"
    assert all(knowledge.topic(r) is not None for r in topic.related)
    assert all(k == k.lower() for k in topic.keywords)


def test_topic_ids_are_unique() -> None:
    assert len(TOPIC_IDS) == len(set(TOPIC_IDS))


def test_topic_intents_in_rules_are_the_domain_topic_intents() -> None:
    not_topics = {"ask_deadline", "ask_firm_services", "ask_case_status", "ask_why_needed", "ask_more"}
    expected = {i for i in DOMAIN["intents"] if i.startswith("ask_")} - not_topics
    assert _topic_intents_from_rules() == expected


@pytest.mark.parametrize("intent", sorted(_topic_intents_from_rules() | {"ask_deadline"}))
def test_every_topic_intent_has_exactly_one_main_topic(knowledge: Knowledge, intent: str) -> None:
    mains = [t for t in knowledge.topics if t.intent == intent and t.main]
    assert len(mains) == 1


def test_general_deadline_topic_exists(knowledge: Knowledge) -> None:
    topic = knowledge.topic("deadlines_general")
    assert topic is not None and topic.intent == "ask_deadline" and topic.main


def test_intent_labels_cover_the_offerable_intents(knowledge: Knowledge) -> None:
    labels = knowledge.base.intent_labels
    offerable = set(DOMAIN["intents"]) - NEVER_OFFERED
    assert offerable <= set(labels), f"missing labels: {sorted(offerable - set(labels))}"
    assert set(labels) <= set(DOMAIN["intents"]), "labels for intents the domain does not have"
    assert labels.get("out_of_scope"), "the 'Something else' button needs a label"
    assert all(label.strip() for label in labels.values())


# --------------------------------------------------------------------------------------------
# Broken entries are refused
# --------------------------------------------------------------------------------------------


def _valid_notice(code: str = "CP14") -> Dict[str, Any]:
    return copy.deepcopy(next(n for n in RAW["notices"] if n["code"] == code))


def _valid_topic(topic_id: str = "levy") -> Dict[str, Any]:
    return copy.deepcopy(next(t for t in RAW["topics"] if t["id"] == topic_id))


def _raw_base() -> Dict[str, Any]:
    return copy.deepcopy(RAW)


def test_valid_copies_parse() -> None:
    """The negative tests below break one field of these; unbroken, they must be accepted."""
    Notice.parse_obj(_valid_notice("CP14"))
    Notice.parse_obj(_valid_notice("LT11"))
    Notice.parse_obj(_valid_notice("CP3219A"))
    Topic.parse_obj(_valid_topic())
    KnowledgeBase.parse_obj(_raw_base())


@pytest.mark.parametrize(
    "url",
    [
        "http://www.irs.gov/individuals/understanding-your-cp14-notice",
        "https://www.irs-help.com/cp14",
        "https://irs.gov.example.com/cp14",
        "https://evilirs.gov/cp14",
        "ftp://www.irs.gov/cp14",
        "www.irs.gov/cp14",
    ],
)
def test_notice_url_must_be_https_irs(url: str) -> None:
    entry = _valid_notice()
    entry["source_url"] = url
    with pytest.raises(ValidationError, match="source_url"):
        Notice.parse_obj(entry)


@pytest.mark.parametrize(
    "url", ["https://irs.gov/x", "https://www.taxpayeradvocate.irs.gov/x", "https://taxpayeradvocate.irs.gov/"]
)
def test_official_urls_are_accepted(url: str) -> None:
    entry = _valid_notice()
    entry["source_url"] = url
    assert Notice.parse_obj(entry).source_url == url


def test_topic_url_must_be_irs() -> None:
    entry = _valid_topic()
    entry["source_url"] = "https://www.example.com/levy"
    with pytest.raises(ValidationError, match="source_url"):
        Topic.parse_obj(entry)


def test_explanation_of_71_words_is_refused() -> None:
    entry = _valid_notice()
    entry["explanation"] = " ".join(["word"] * 70)
    Notice.parse_obj(entry)  # 70 is the limit
    entry["explanation"] = " ".join(["word"] * 71)
    with pytest.raises(ValidationError, match="explanation"):
        Notice.parse_obj(entry)


def test_sms_of_301_chars_is_refused() -> None:
    entry = _valid_notice()
    entry["sms"] = "CP14 " + "x" * 295
    assert len(entry["sms"]) == 300
    Notice.parse_obj(entry)
    entry["sms"] = "CP14 " + "x" * 296
    with pytest.raises(ValidationError, match="sms"):
        Notice.parse_obj(entry)


def test_topic_sms_of_301_chars_and_long_answer_are_refused() -> None:
    entry = _valid_topic()
    entry["sms"] = "x" * 301
    with pytest.raises(ValidationError, match="sms"):
        Topic.parse_obj(entry)
    entry = _valid_topic()
    entry["answer"] = " ".join(["word"] * 91)
    with pytest.raises(ValidationError, match="answer"):
        Topic.parse_obj(entry)


@pytest.mark.parametrize(
    "change",
    [
        {"days": 10},
        {"days": None},
        {"extendable": True},
    ],
)
def test_final_notice_needs_30_fixed_days(change: Dict[str, Any]) -> None:
    entry = _valid_notice("LT11")
    entry["response_window"].update(change)
    with pytest.raises(ValidationError, match="final notice"):
        Notice.parse_obj(entry)


def test_final_notice_must_be_critical_and_offer_a_hearing() -> None:
    entry = _valid_notice("LT11")
    entry["urgency"] = "high"
    with pytest.raises(ValidationError, match="final notice"):
        Notice.parse_obj(entry)
    entry = _valid_notice("LT11")
    entry["relief_options"].remove("cdp_hearing")
    with pytest.raises(ValidationError, match="cdp_hearing"):
        Notice.parse_obj(entry)


def test_deficiency_needs_90_fixed_days_and_a_petition() -> None:
    entry = _valid_notice("CP3219A")
    entry["response_window"]["days"] = 60
    with pytest.raises(ValidationError, match="deficiency"):
        Notice.parse_obj(entry)
    entry = _valid_notice("CP3219A")
    entry["relief_options"].remove("tax_court_petition")
    with pytest.raises(ValidationError, match="tax_court_petition"):
        Notice.parse_obj(entry)


@pytest.mark.parametrize("urgency", ["low", "medium"])
def test_levy_must_be_high_or_critical(urgency: str) -> None:
    entry = _valid_notice("Form 668-W")
    entry["urgency"] = urgency
    with pytest.raises(ValidationError, match="levy"):
        Notice.parse_obj(entry)


@pytest.mark.parametrize(
    "field, value",
    [
        ("code", "hello"),
        ("aliases", ["CP14", "my notice"]),
        ("stage", "panic"),
        ("urgency", "extreme"),
        ("audience", "everyone"),
        ("what_to_do", ["only one step"]),
        ("what_to_do", ["a", "b", "c", "d", "e"]),
        ("extra_field", "not allowed"),
    ],
)
def test_other_broken_notice_fields(field: str, value: Any) -> None:
    entry = _valid_notice()
    entry[field] = value
    with pytest.raises(ValidationError):
        Notice.parse_obj(entry)


def test_missing_source_url_is_refused() -> None:
    entry = _valid_notice()
    del entry["source_url"]
    with pytest.raises(ValidationError, match="source_url"):
        Notice.parse_obj(entry)


def test_duplicate_alias_across_two_notices_is_refused() -> None:
    raw = _raw_base()
    cp501 = next(n for n in raw["notices"] if n["code"] == "CP501")
    cp501["aliases"].append("cp-14")  # CP14's key
    with pytest.raises(ValidationError, match="CP14"):
        KnowledgeBase.parse_obj(raw)


def test_duplicate_notice_code_is_refused() -> None:
    raw = _raw_base()
    twin = copy.deepcopy(next(n for n in raw["notices"] if n["code"] == "CP14"))
    twin["title"] = "A second, contradicting CP14 entry"
    raw["notices"].append(twin)
    with pytest.raises(ValidationError):
        KnowledgeBase.parse_obj(raw)


def test_unknown_relief_option_is_refused() -> None:
    raw = _raw_base()
    raw["notices"][0]["relief_options"].append("win_the_lottery")
    with pytest.raises(ValidationError, match="win_the_lottery"):
        KnowledgeBase.parse_obj(raw)


def test_unknown_related_topic_is_refused() -> None:
    raw = _raw_base()
    raw["topics"][0]["related"].append("no_such_topic")
    with pytest.raises(ValidationError, match="no_such_topic"):
        KnowledgeBase.parse_obj(raw)


def test_two_main_topics_for_one_intent_are_refused() -> None:
    raw = _raw_base()
    levy_bank = next(t for t in raw["topics"] if t["id"] == "levy_bank")
    levy_bank["main"] = True
    with pytest.raises(ValidationError, match="ask_levy"):
        KnowledgeBase.parse_obj(raw)


def test_intent_without_main_topic_is_refused() -> None:
    raw = _raw_base()
    next(t for t in raw["topics"] if t["id"] == "lien")["main"] = False
    with pytest.raises(ValidationError, match="ask_lien"):
        KnowledgeBase.parse_obj(raw)


def test_duplicate_topic_id_is_refused() -> None:
    raw = _raw_base()
    raw["topics"].append(copy.deepcopy(next(t for t in raw["topics"] if t["id"] == "levy_bank")))
    with pytest.raises(ValidationError, match="levy_bank"):
        KnowledgeBase.parse_obj(raw)


def _write(tmp_path: Path, data: Any) -> Path:
    path = tmp_path / "kb.yml"
    path.write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return path


def test_load_missing_file_raises_knowledge_error(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="cannot read"):
        load_knowledge(tmp_path / "missing.yml")


@pytest.mark.parametrize("text", ["notices: [\n  - code: CP14\n    title: 'unterminated", "key: : : value\n\t- bad"])
def test_load_invalid_yaml_raises_knowledge_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(KnowledgeError, match="cannot read"):
        load_knowledge(_write(tmp_path, text))


@pytest.mark.parametrize("text", ["", "- just\n- a list\n", "version: '1'\n"])
def test_load_wrong_shape_raises_knowledge_error(tmp_path: Path, text: str) -> None:
    with pytest.raises(KnowledgeError, match="invalid"):
        load_knowledge(_write(tmp_path, text))


def test_load_schema_violation_raises_knowledge_error(tmp_path: Path) -> None:
    raw = _raw_base()
    raw["notices"][0]["source_url"] = "http://www.irs.gov/cp14"
    with pytest.raises(KnowledgeError, match="source_url"):
        load_knowledge(_write(tmp_path, raw))


def test_load_valid_copy_round_trips(tmp_path: Path) -> None:
    loaded = load_knowledge(_write(tmp_path, _raw_base()))
    assert [n.code for n in loaded.notices] == [n["code"] for n in RAW["notices"]]
    assert loaded.find_notice("cp 504").code == "CP504"


def test_topic_for_intent_prefers_matching_sub_topic(knowledge: Knowledge) -> None:
    assert knowledge.topic_for_intent("ask_levy", "they garnished my paycheck").id == "levy_wages"
    assert knowledge.topic_for_intent("ask_levy", "what is a levy").id == "levy"
    assert knowledge.topic_for_intent("ask_lien", "will it hurt my credit report?").id == "lien_credit"
    assert knowledge.topic_for_intent("no_such_intent", "anything") is None


def test_topics_by_ids_keeps_order_and_skips_unknown(knowledge: Knowledge) -> None:
    ids: List[str] = ["cdp_hearing", "nope", "levy"]
    assert [t.id for t in knowledge.topics_by_ids(ids)] == ["cdp_hearing", "levy"]
