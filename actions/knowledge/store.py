"""Load the knowledge base once and answer lookups by code, intent and topic id."""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Dict, Iterable, List, Optional

import yaml

from actions.knowledge.codes import normalise_code
from actions.knowledge.schema import KnowledgeBase, Notice, Topic

DEFAULT_PATH = Path(__file__).resolve().parents[2] / "knowledge" / "irs_knowledge.yml"


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


def load_knowledge(path: Path = DEFAULT_PATH) -> Knowledge:
    """Load and validate the knowledge file at ``path``.

    Raises:
        KnowledgeError: when the file is missing, is not YAML, or breaks the schema.
    """
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise KnowledgeError(f"cannot read knowledge file {path}: {exc}") from exc
    try:
        return Knowledge(KnowledgeBase.parse_obj(raw))
    except ValueError as exc:
        raise KnowledgeError(f"knowledge file {path} is invalid:\n{exc}") from exc


@functools.lru_cache(maxsize=4)
def cached_knowledge(path: Path = DEFAULT_PATH) -> Knowledge:
    """The knowledge base, loaded on first use and kept for the life of the process."""
    return load_knowledge(path)
