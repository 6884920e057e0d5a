"""The Spanish knowledge base: Spanish text laid over the English entries (knowledge/es/*.yml).

The English files own everything that is not text (codes, stages, windows, urgency, relief options),
so the two languages can never disagree on a fact the code acts on. Each Spanish file gives, per
notice code or topic id, the text fields in Spanish, its source page (the IRS Spanish page where
there is one) and `source_lang`. Loading checks that every Spanish entry matches an English one,
keeps the same placeholders and the same numbers, and stays within the length limits.

`python -m knowledge.spanish` prints every problem and the coverage, for the writers.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import sys
from pathlib import Path
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

import yaml
from pydantic import BaseModel, Field, validator

from knowledge.codes import normalise_code
from knowledge.figures import FiguresError, FigureTable
from knowledge.loader import DEFAULT_PATH, Knowledge, KnowledgeError, cached_knowledge, load_figures_for, load_knowledge
from knowledge.numbers import numbers
from knowledge.schema import SMS_MAX_CHARS, KnowledgeBase, Notice, Topic, _check_official_url

SPANISH_DIR_NAME = "es"
TOPICS_FILE = "topics.yml"
ANSWERS_FILE = "answers.yml"
EXPLANATION_MAX_WORDS = 85  # Spanish runs about a fifth longer than English
TOPIC_ANSWER_MAX_WORDS = 110
_PLACEHOLDER = re.compile(r"\{figure:[a-z0-9_]+(?::value)?\}")


def _at_most(value: str, limit: int, what: str) -> str:
    words = len(value.split())
    if words > limit:
        raise ValueError(f"{what} has {words} words (max {limit})")
    return value


class _SpanishEntry(BaseModel):
    source_url: str
    source_lang: str = Field(..., regex=r"^(es|en)$")
    last_checked: dt.date

    class Config:
        extra = "forbid"
        anystr_strip_whitespace = True

    _url = validator("source_url", allow_reuse=True)(_check_official_url)


class SpanishNotice(_SpanishEntry):
    """The Spanish text of one notice."""

    code: str
    title: str = Field(..., min_length=5, max_length=180)
    explanation: str
    sms: str = Field(..., max_length=SMS_MAX_CHARS)
    what_to_do: List[str] = Field(..., min_items=2, max_items=4)
    purpose: str = Field(..., min_length=5, max_length=180)
    after_deadline: str = Field(..., min_length=10)
    sources_note: Optional[str] = None

    @validator("explanation")
    def _short(cls, value: str) -> str:  # noqa: N805
        return _at_most(value, EXPLANATION_MAX_WORDS, "explanation")


class SpanishTopic(_SpanishEntry):
    """The Spanish text of one topic."""

    id: str
    title: str = Field(..., min_length=3, max_length=140)
    keywords: List[str] = []
    answer: str
    sms: str = Field(..., max_length=SMS_MAX_CHARS)
    key_facts: List[str] = Field([], max_items=5)
    sources_note: Optional[str] = None

    @validator("answer")
    def _short(cls, value: str) -> str:  # noqa: N805
        return _at_most(value, TOPIC_ANSWER_MAX_WORDS, "answer")

    @validator("keywords", each_item=True)
    def _lower(cls, value: str) -> str:  # noqa: N805
        return value.lower()


def spanish_dir(path: Path = DEFAULT_PATH) -> Path:
    """The folder of Spanish files for the knowledge whose main file is ``path``."""
    return Path(path).parent / SPANISH_DIR_NAME


def _read(path: Path) -> Dict[str, Any]:
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"cannot read Spanish knowledge file {path}: {exc}") from exc
    if not isinstance(data, dict):
        raise KnowledgeError(f"Spanish knowledge file {path} must be a mapping")
    return data


def _same_facts(where: str, english: Sequence[str], spanish: Sequence[str]) -> List[str]:
    """Problems when the Spanish text drops or adds a number or a figure placeholder."""
    en_text, es_text = " ".join(english), " ".join(spanish)
    problems = []
    if sorted(_PLACEHOLDER.findall(en_text)) != sorted(_PLACEHOLDER.findall(es_text)):
        problems.append(f"{where}: figure placeholders differ from the English")
    missing = numbers(_PLACEHOLDER.sub("", en_text)) - numbers(_PLACEHOLDER.sub("", es_text))
    extra = numbers(_PLACEHOLDER.sub("", es_text)) - numbers(_PLACEHOLDER.sub("", en_text))
    if missing or extra:
        problems.append(f"{where}: numbers differ from the English (missing {sorted(missing)}, added {sorted(extra)})")
    return problems


def _notice_fields(notice: Dict[str, Any]) -> List[str]:
    """The text fields of a raw notice, English or Spanish, in one order so their facts can be compared.

    The English entry nests the purpose in its ``response_window``; the Spanish entry gives it at the top.
    """
    window = notice.get("response_window") or notice
    return [
        notice.get("title", ""),
        notice.get("explanation", ""),
        notice.get("sms", ""),
        *notice.get("what_to_do", []),
        window.get("purpose", ""),
        notice.get("after_deadline", ""),
        notice.get("sources_note") or "",
    ]


def _topic_fields(topic: Dict[str, Any]) -> List[str]:
    """The text fields of a raw topic, English or Spanish, in one order so their facts can be compared."""
    return [
        topic.get("title", ""),
        topic.get("answer", ""),
        topic.get("sms", ""),
        *topic.get("key_facts", []),
        topic.get("sources_note") or "",
    ]


class SpanishReport(BaseModel):
    """What loading the Spanish files found: problems and what is still missing."""

    problems: List[str] = []
    missing_notices: List[str] = []
    missing_topics: List[str] = []
    missing_labels: List[str] = []
    notices: int = 0
    topics: int = 0
    spanish_sources: int = 0


def _raw_english(path: Path) -> Dict[str, Any]:
    from knowledge.loader import load_raw

    raw = load_raw(path)
    raw.pop("_more_notices", None)
    return raw


def _entries(
    file_name: str,
    items: List[Dict[str, Any]],
    model: Any,
    english: Dict[str, Dict[str, Any]],
    list_field: str,
    fields: Callable[[Dict[str, Any]], List[str]],
    report: SpanishReport,
    seen: Dict[str, Any],
) -> Dict[str, Any]:
    """Validate one file's Spanish notices or topics against their English entries, by code or id."""
    found: Dict[str, Any] = {}
    for item in items:
        name = item.get("code") or item.get("id")
        try:
            entry = model.parse_obj(item)
        except ValueError as exc:
            report.problems.append(f"{file_name}: {name!r}: {exc}")
            continue
        key = normalise_code(entry.code) if isinstance(entry, SpanishNotice) else entry.id
        source = english.get(key) if key else None
        if key is None or source is None:
            report.problems.append(f"{file_name}: {name} is not an English entry")
            continue
        if key in seen or key in found:
            report.problems.append(f"{file_name}: {name} given twice")
        if len(getattr(entry, list_field)) != len(source.get(list_field) or []):
            report.problems.append(
                f"{file_name}: {name}: {list_field} has {len(getattr(entry, list_field))} items, "
                f"the English {len(source.get(list_field) or [])}"
            )
        if bool(entry.sources_note) != bool(source.get("sources_note")):
            report.problems.append(f"{file_name}: {name}: sources_note must be given exactly when the English has one")
        report.problems += _same_facts(f"{file_name}: {name}", fields(source), fields(item))
        found[key] = entry
    return found


def read_spanish(
    path: Path = DEFAULT_PATH,
) -> Tuple[Dict[str, SpanishNotice], Dict[str, SpanishTopic], Dict[str, str], SpanishReport]:
    """Read and check every Spanish file beside the knowledge at ``path`` (raw text, before figures)."""
    english = _raw_english(path)
    en_notices = {key: n for n in english["notices"] if (key := normalise_code(n["code"]))}
    en_topics = {t["id"]: t for t in english["topics"]}
    report = SpanishReport()
    notices: Dict[str, SpanishNotice] = {}
    topics: Dict[str, SpanishTopic] = {}
    labels: Dict[str, str] = {}
    folder = spanish_dir(path)
    for file in sorted(folder.glob("*.yml")) if folder.exists() else []:
        if file.name == ANSWERS_FILE:
            continue
        data = _read(file)
        unknown_keys = set(data) - {"notices", "topics", "intent_labels"}
        if unknown_keys:
            report.problems.append(f"{file.name}: unknown sections {sorted(unknown_keys)}")
        for key, title in (data.get("intent_labels") or {}).items():
            if key not in english["intent_labels"]:
                report.problems.append(f"{file.name}: label for unknown intent {key}")
            labels[key] = str(title)
        notices.update(
            _entries(
                file.name,
                data.get("notices") or [],
                SpanishNotice,
                en_notices,
                "what_to_do",
                _notice_fields,
                report,
                notices,
            )
        )
        topics.update(
            _entries(
                file.name, data.get("topics") or [], SpanishTopic, en_topics, "key_facts", _topic_fields, report, topics
            )
        )
    report.missing_notices = [n["code"] for k, n in en_notices.items() if k not in notices]
    report.missing_topics = [t for t in en_topics if t not in topics]
    report.missing_labels = [k for k in english["intent_labels"] if k not in labels]
    report.notices, report.topics = len(notices), len(topics)
    report.spanish_sources = sum(e.source_lang == "es" for e in [*notices.values(), *topics.values()])
    return notices, topics, labels, report


def _render(figures: FigureTable, text: Optional[str], where: str) -> Optional[str]:
    return figures.render(text, where, "es") if text is not None else None


def _spanish_notice(notice: Notice, entry: SpanishNotice, figures: FigureTable) -> Notice:
    where = notice.code
    window = notice.response_window.copy(update={"purpose": _render(figures, entry.purpose, where)})
    return notice.copy(
        update={
            "title": _render(figures, entry.title, where),
            "explanation": _render(figures, entry.explanation, where),
            "sms": _render(figures, entry.sms, where),
            "what_to_do": [figures.render(s, where, "es") for s in entry.what_to_do],
            "response_window": window,
            "after_deadline": _render(figures, entry.after_deadline, where),
            "sources_note": _render(figures, entry.sources_note, where),
            "source_url": entry.source_url,
            "last_checked": entry.last_checked,
        }
    )


def _spanish_topic(topic: Topic, entry: SpanishTopic, figures: FigureTable) -> Topic:
    where = topic.id
    return topic.copy(
        update={
            "title": _render(figures, entry.title, where),
            "keywords": entry.keywords,
            "answer": _render(figures, entry.answer, where),
            "sms": _render(figures, entry.sms, where),
            "key_facts": [figures.render(f, where, "es") for f in entry.key_facts],
            "sources_note": _render(figures, entry.sources_note, where),
            "source_url": entry.source_url,
            "last_checked": entry.last_checked,
        }
    )


def load_spanish_knowledge(path: Path = DEFAULT_PATH, english: Optional[Knowledge] = None) -> Knowledge:
    """The knowledge base in Spanish: only the entries that have Spanish text (never English text).

    Args:
        path: the English main file; the Spanish files are in :func:`spanish_dir` beside it.
        english: the English knowledge already loaded from ``path`` (its codes, stages and facts are
            reused); loaded here when not given.

    Raises:
        KnowledgeError: when a Spanish file breaks its schema or disagrees with the English facts.
    """
    if english is None:
        english = load_knowledge(path)
    notices, topics, labels, report = read_spanish(path)
    if report.problems:
        raise KnowledgeError("Spanish knowledge is invalid:\n" + "\n".join(report.problems))
    figures = load_figures_for(path)
    try:
        # A validated notice's first key is its own code, normalised (the key the Spanish files use).
        spanish_notices = [
            _spanish_notice(n, notices[n.keys[0]], figures) for n in english.notices if n.keys[0] in notices
        ]
        spanish_topics = [_spanish_topic(t, topics[t.id], figures) for t in english.topics if t.id in topics]
    except FiguresError as exc:
        raise KnowledgeError(f"Spanish knowledge: {exc}") from exc
    base = KnowledgeBase.construct(
        version=english.base.version, intent_labels=labels, notices=spanish_notices, topics=spanish_topics
    )
    return Knowledge(base)


@functools.lru_cache(maxsize=4)
def cached_spanish_knowledge(path: Path = DEFAULT_PATH) -> Knowledge:
    """The Spanish knowledge base, loaded on first use and kept for the life of the process.

    It is built on the cached English knowledge (:func:`cached_knowledge`), which the action server
    has loaded already, instead of loading and validating the English files a second time.
    """
    return load_spanish_knowledge(path, cached_knowledge(path))


def main(argv: Sequence[str] = ()) -> int:
    """Print the Spanish files' problems and coverage; exit 1 when there is a problem."""
    *_, report = read_spanish(Path(argv[0]) if argv else DEFAULT_PATH)
    for problem in report.problems:
        print("PROBLEM", problem)
    print(f"notices: {report.notices} in Spanish, {len(report.missing_notices)} missing")
    print(
        f"topics: {report.topics} in Spanish, {len(report.missing_topics)} missing; "
        f"labels missing: {len(report.missing_labels)}"
    )
    print(f"entries with a Spanish IRS source page: {report.spanish_sources}")
    return 1 if report.problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
