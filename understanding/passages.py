"""The short answer passages (knowledge/answers.yml): one per question or situation, by context."""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import Collection, Dict, List, Optional, Sequence

import yaml
from pydantic import BaseModel, Field, root_validator, validator

from knowledge.figures import load_figures
from knowledge.numbers import numbers
from knowledge.schema import Stage, _check_official_url
from understanding.questions import QUESTIONS, normalise
from understanding.situations import SITUATIONS

DEFAULT_PATH = Path(__file__).resolve().parents[1] / "knowledge" / "answers.yml"
SPANISH_PATH = DEFAULT_PATH.parent / "es" / "answers.yml"
PASSAGE_MAX_WORDS = 50
SPANISH_PASSAGE_MAX_WORDS = 60  # Spanish runs about a fifth longer


class Passage(BaseModel):
    """A short answer to one question (or a note on one situation), with its official source."""

    id: str
    question: Optional[str] = None
    situation: Optional[str] = None
    when_stage: List[Stage] = []
    when_situation: Optional[str] = None
    # a note said only inside an out-of-scope answer of this kind (a state's own levy, plan or bill)
    when_scope: Optional[str] = Field(None, regex=r"^state_notice$")
    # situations that rule the passage out ("no levy has started" is wrong once one has)
    unless_situations: List[str] = []
    # notices that rule the passage out ("not yet: a final notice like CP91 comes first" is wrong about a CP91)
    unless_codes: List[str] = []
    # a pattern the message must match (after normalise): "can they take my pension" is not about Social Security
    when_words: Optional[str] = None
    text: str
    source_url: str

    class Config:
        extra = "forbid"
        allow_mutation = False

    @validator("when_words")
    def _pattern(cls, value: Optional[str]) -> Optional[str]:  # noqa: N805
        if value is not None:
            re.compile(value)
        return value

    @validator("question")
    def _known_question(cls, value: Optional[str]) -> Optional[str]:  # noqa: N805
        if value is not None and value not in QUESTIONS:
            raise ValueError(f"unknown question label {value!r}")
        return value

    @validator("situation", "when_situation", "unless_situations", each_item=True)
    def _known_situation(cls, value: Optional[str]) -> Optional[str]:  # noqa: N805
        if value is not None and value not in SITUATIONS:
            raise ValueError(f"unknown situation {value!r}")
        return value

    @validator("text")
    def _short(cls, value: str) -> str:  # noqa: N805
        if len(value.split()) > SPANISH_PASSAGE_MAX_WORDS:
            raise ValueError(f"passage longer than {SPANISH_PASSAGE_MAX_WORDS} words")
        return " ".join(value.split())

    # An https page of the IRS or of its Taxpayer Advocate Service, in English or Spanish
    # (www.irs.gov/es/..., es.taxpayeradvocate.irs.gov): the same rule as the notices and topics.
    _official = validator("source_url", allow_reuse=True)(_check_official_url)

    @root_validator(skip_on_failure=True)
    def _one_kind(cls, values: Dict) -> Dict:  # noqa: N805
        if (values.get("question") is None) == (values.get("situation") is None):
            raise ValueError("a passage answers exactly one question or describes one situation")
        return values

    def fits(
        self, stage: Optional[Stage], situations: Sequence[str], text: str = "", code: Optional[str] = None
    ) -> bool:
        """True when the notice stage, the situation, the message ``text`` and the notice ``code`` meet this
        passage's conditions."""
        if self.when_stage and stage not in self.when_stage:
            return False
        if code is not None and code in self.unless_codes:
            return False
        if set(self.unless_situations) & set(situations):
            return False
        if not self.words_fit(text):
            return False
        return self.when_situation is None or self.when_situation in situations

    def words_fit(self, text: str) -> bool:
        """True when the passage names no words or the message ``text`` contains them."""
        return self.when_words is None or bool(re.search(self.when_words, normalise(text), re.IGNORECASE))


class Passages:
    """Lookup of the best passage for a question or situation."""

    def __init__(self, passages: List[Passage]) -> None:
        self.all = passages

    def for_question(
        self,
        question: str,
        stage: Optional[Stage],
        situations: Sequence[str],
        text: str = "",
        said: Collection[str] = (),
        code: Optional[str] = None,
    ) -> Optional[Passage]:
        """The first passage for ``question`` whose conditions hold for the message ``text`` and the notice
        ``code`` and whose text is not among those already ``said`` in the answer."""
        return next(
            (
                p
                for p in self.all
                if p.question == question and p.text not in said and p.fits(stage, situations, text, code)
            ),
            None,
        )

    def for_situation(self, situation: str, scope: Optional[str] = None, text: str = "") -> Optional[Passage]:
        """The note for ``situation`` (in an answer of out-of-scope kind ``scope``, e.g. a state notice) whose
        words, if it has any, occur in the message ``text`` (refinancing a home is not selling it)."""
        return next(
            (p for p in self.all if p.situation == situation and p.when_scope == scope and p.words_fit(text)),
            None,
        )


@functools.lru_cache(maxsize=4)
def load_passages(path: Path = DEFAULT_PATH) -> Passages:
    """Read and validate the passages file (once per path); ``{figure:name}`` comes from knowledge/figures.yml."""
    data = load_figures().render_tree(yaml.safe_load(path.read_text(encoding="utf-8")), path.name)
    passages = [Passage(**item) for item in data["passages"]]
    too_long = [p.id for p in passages if len(p.text.split()) > PASSAGE_MAX_WORDS]
    if too_long:
        raise ValueError(f"passages longer than {PASSAGE_MAX_WORDS} words: {too_long}")
    ids = [p.id for p in passages]
    if len(ids) != len(set(ids)):
        raise ValueError("passage ids must be unique")
    return Passages(passages)


class SpanishPassage(BaseModel):
    """The Spanish text of one passage (knowledge/es/answers.yml); its conditions are the English one's."""

    id: str
    text: str
    source_url: str
    source_lang: str = Field(..., regex=r"^(es|en)$")  # the language of the source page

    class Config:
        extra = "forbid"


@functools.lru_cache(maxsize=4)
def load_spanish_passages(path: Path = SPANISH_PATH, english_path: Path = DEFAULT_PATH) -> Passages:
    """The passages in Spanish: each English passage's conditions with its Spanish text and source.

    A passage with no Spanish text is left out (so no English sentence reaches a Spanish reply).
    Raises ValueError when a Spanish entry names no English passage or changes a number.
    """
    english = {p.id: p for p in load_passages(english_path).all}
    if not path.exists():
        return Passages([])
    data = load_figures().render_tree(yaml.safe_load(path.read_text(encoding="utf-8")), path.name, "es")
    spanish: List[Passage] = []
    for item in data.get("passages") or []:
        entry = SpanishPassage(**item)
        source = english.get(entry.id)
        if source is None:
            raise ValueError(f"Spanish passage {entry.id!r} has no English passage")
        if numbers(entry.text) != numbers(source.text):
            raise ValueError(f"Spanish passage {entry.id!r} quotes other numbers than the English one")
        spanish.append(Passage(**{**source.dict(), "text": entry.text, "source_url": entry.source_url}))
    order = list(english)
    return Passages(sorted(spanish, key=lambda p: order.index(p.id)))


def passages_for(language: str) -> Passages:
    """The passages of the conversation's language."""
    return load_spanish_passages() if language == "es" else load_passages()
