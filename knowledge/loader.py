"""Load the knowledge base once and answer lookups by code, intent and topic id.

The base is the main file (``irs_knowledge.yml``: labels, notices, topics) plus, when present,
the supplementary notices file next to it (``more_notices.yml``: top-level ``notices:``). Every
``{figure:...}`` placeholder is replaced from the dated figures table (``figures.yml`` next to the
main file, else the project's) before validation, so consumers only ever see finished text.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Dict, Iterable, List, Optional

import yaml

from knowledge.codes import normalise_code
from knowledge.figures import DEFAULT_FIGURES_PATH, FiguresError, FigureTable, load_figures
from knowledge.schema import KnowledgeBase, MoreNotices, Notice, Topic

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "knowledge" / "irs_knowledge.yml"
MORE_NOTICES_NAME = "more_notices.yml"
FIGURES_NAME = "figures.yml"


class KnowledgeError(RuntimeError):
    """The knowledge file is missing or does not match the schema."""


class Knowledge:
    """Read-only index over a validated knowledge base."""

    def __init__(self, base: KnowledgeBase) -> None:
        self.base = base
        self._by_key: Dict[str, Notice] = {k: n for n in base.notices for k in n.keys}
        self._topics: Dict[str, Topic] = {t.id: t for t in base.topics}

    @property
    def notices(self) -> List[Notice]:
        """Every notice entry."""
        return list(self.base.notices)

    @property
    def topics(self) -> List[Topic]:
        """Every topic entry."""
        return list(self.base.topics)

    def find_notice(self, raw_code: str) -> Optional[Notice]:
        """Return the notice for a code as the user wrote it, or None when we do not have it."""
        key = normalise_code(raw_code)
        return self._by_key.get(key) if key else None

    def topic(self, topic_id: str) -> Optional[Topic]:
        """Return a topic by id."""
        return self._topics.get(topic_id)

    def topic_for_intent(self, intent: str, text: str = "") -> Optional[Topic]:
        """Pick the topic for an intent: the sub-topic whose keywords best match ``text``, else the main one."""
        candidates = [t for t in self.base.topics if t.intent == intent]
        if not candidates:
            return None
        words = _words(text)
        scored = [(_keyword_score(t.keywords, words, text.lower()), t) for t in candidates if not t.main]
        best_score, best = max(scored, key=lambda pair: pair[0], default=(0, None))
        if best is not None and best_score > 0:
            return best
        return next(t for t in candidates if t.main)

    def topics_by_ids(self, ids: Iterable[str]) -> List[Topic]:
        """Return the topics for ``ids`` in order, skipping unknown ids."""
        return [self._topics[i] for i in ids if i in self._topics]


def _words(text: str) -> set:
    return {w.strip(".,!?;:'\"()").lower() for w in text.split()}


def _keyword_score(keywords: List[str], words: set, lowered: str) -> int:
    return sum(1 for k in keywords if (k in lowered if " " in k else k in words))


def _read_yaml(path: Path) -> Any:
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"cannot read knowledge file {path}: {exc}") from exc


def default_figures_path(path: Path) -> Path:
    """The figures table used with the main file at ``path``: its sibling, else the project's."""
    sibling = Path(path).parent / FIGURES_NAME
    return sibling if sibling.exists() else DEFAULT_FIGURES_PATH


def load_figures_for(path: Path = DEFAULT_PATH, figures_path: Optional[Path] = None) -> FigureTable:
    """The figures table for the knowledge at ``path`` (see :func:`default_figures_path`)."""
    try:
        return load_figures(figures_path or default_figures_path(path))
    except FiguresError as exc:
        raise KnowledgeError(str(exc)) from exc


def more_notices_path(path: Path = DEFAULT_PATH) -> Path:
    """The supplementary notices file that goes with the main file at ``path``."""
    return Path(path).parent / MORE_NOTICES_NAME


def load_raw(path: Path = DEFAULT_PATH, more_path: Optional[Path] = None) -> Dict[str, Any]:
    """The main file with the supplementary notices appended, before figures and validation.

    ``more_path`` defaults to :func:`more_notices_path`; a missing file is skipped.
    """
    raw = _read_yaml(path)
    more = Path(more_path) if more_path else more_notices_path(path)
    if not more.exists() or not isinstance(raw, dict):
        return raw
    extra = _read_yaml(more)
    if not isinstance(extra, dict) or not isinstance(extra.get("notices"), list):
        raise KnowledgeError(f"knowledge file {more} is invalid: it needs a top-level 'notices:' list")
    merged = dict(raw)
    merged["notices"] = list(raw.get("notices") or []) + list(extra["notices"])
    merged["_more_notices"] = (str(more), len(extra["notices"]))
    return merged


def load_knowledge(
    path: Path = DEFAULT_PATH, more_path: Optional[Path] = None, figures_path: Optional[Path] = None
) -> Knowledge:
    """Load, render and validate the knowledge base whose main file is ``path``.

    Args:
        path: the main file (labels, notices, topics).
        more_path: supplementary notices (default: ``more_notices.yml`` beside ``path``, if any).
        figures_path: the figures table (default: :func:`default_figures_path`).

    Raises:
        KnowledgeError: when a file is missing, is not YAML, names an unknown figure, or breaks
            the schema (including a code or alias used twice across the two notice files).
    """
    raw = load_raw(path, more_path)
    more = raw.pop("_more_notices", None) if isinstance(raw, dict) else None
    figures = load_figures_for(path, figures_path)
    try:
        rendered = figures.render_tree(raw)
    except FiguresError as exc:
        raise KnowledgeError(f"knowledge file {path}: {exc}") from exc
    if more is not None:
        more_file, count = more
        try:  # the supplementary file's own errors first, named by its file
            notices = rendered["notices"]
            MoreNotices.parse_obj({"notices": notices[len(notices) - count :]})
        except ValueError as exc:
            raise KnowledgeError(f"knowledge file {more_file} is invalid:\n{exc}") from exc
    try:
        return Knowledge(KnowledgeBase.parse_obj(rendered))
    except ValueError as exc:
        raise KnowledgeError(f"knowledge file {path} is invalid:\n{exc}") from exc


@functools.lru_cache(maxsize=4)
def cached_knowledge(path: Path = DEFAULT_PATH) -> Knowledge:
    """The knowledge base, loaded on first use and kept for the life of the process."""
    return load_knowledge(path)
