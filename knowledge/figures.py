"""The dated figures table (knowledge/figures.yml) and the placeholders that put figures into text.

Dollar amounts, percentages and rates that change with the year or by IRS decision (user fees,
thresholds, interest rates) and the fixed amounts the Code sets live in one table, each with the
period it applies to, its source and the day it was last checked. Knowledge text never spells a
figure out: it writes ``{figure:passport_threshold}``, which renders as ``$66,000 (2026 figure)``,
or ``{figure:passport_threshold:value}`` for the bare ``$66,000`` when the sentence already names
the period. Rendering happens when the knowledge is loaded, so every consumer gets finished text.
Pure logic: no Rasa imports.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from pathlib import Path
from typing import Any, Dict, Optional

import yaml
from pydantic import BaseModel, Field, root_validator, validator

DEFAULT_FIGURES_PATH = Path(__file__).resolve().parents[1] / "knowledge" / "figures.yml"
PLACEHOLDER = re.compile(r"\{figure:([a-z][a-z0-9_]*)(?::(value))?\}")
# A raw amount or rate in knowledge text: it must come from the table instead.
RAW_FIGURE = re.compile(r"\$\s?\d|\b\d+(?:\.\d+)?\s?(?:%|percent\b)")


class FiguresError(ValueError):
    """The figures table is missing or invalid, or text names a figure it does not have."""


class Unit(str, Enum):
    """How a figure's value is written."""

    usd = "usd"
    percent = "percent"


class Basis(str, Enum):
    """What sets the figure, and so how often it changes."""

    statute = "statute"  # fixed by the Code until Congress changes it
    inflation_adjusted = "inflation_adjusted"  # re-set every year by revenue procedure
    irs_decision = "irs_decision"  # fees, program limits and rates the IRS or Treasury sets


class Figure(BaseModel):
    """One figure with its period, source and review date."""

    value: float
    unit: Unit
    basis: Basis
    applies_to: str = Field(..., min_length=4, max_length=60)  # "2026", "Q2 2026", "since 2024-07-01"
    label: Optional[str] = Field(None, max_length=40)  # appended in brackets: "2026 figure"
    label_es: Optional[str] = Field(None, max_length=50)  # the same label in Spanish: "cifra de 2026"
    valid_until: Optional[dt.date] = None  # the day a newer figure is due; stale after it
    source_url: str
    last_checked: dt.date
    note: Optional[str] = None

    class Config:
        extra = "forbid"
        allow_mutation = False

    @validator("source_url")
    def _https(cls, value: str) -> str:
        if not value.startswith("https://"):
            raise ValueError(f"source_url must be an https address, got {value!r}")
        return value

    def value_text(self) -> str:
        """The value as written in an answer: "$66,000", "$22", "7%"."""
        number = int(self.value) if float(self.value).is_integer() else self.value
        if self.unit is Unit.usd:
            return f"${number:,}"
        return f"{number}%"

    @root_validator(skip_on_failure=True)
    def _both_labels(cls, values: Dict[str, Any]) -> Dict[str, Any]:  # noqa: N805
        if bool(values.get("label")) != bool(values.get("label_es")):
            raise ValueError("a figure with a label needs label_es (its Spanish label), and only then")
        return values

    def text(self, language: str = "en") -> str:
        """The value with its period: "$66,000 (2026 figure)" / "$66,000 (cifra de 2026)".

        Statutory figures have no label.
        """
        label = self.label_es if language == "es" else self.label
        return f"{self.value_text()} ({label})" if label else self.value_text()


class FigureTable(BaseModel):
    """Every figure by name."""

    figures: Dict[str, Figure]

    class Config:
        extra = "forbid"

    @validator("figures")
    def _names(cls, value: Dict[str, Figure]) -> Dict[str, Figure]:
        bad = [name for name in value if not re.fullmatch(r"[a-z][a-z0-9_]*", name)]
        if bad:
            raise ValueError(f"figure names must be lower_snake_case: {bad}")
        return value

    def render(self, text: str, where: str = "", language: str = "en") -> str:
        """Replace every ``{figure:name}`` in ``text``.

        Raises:
            FiguresError: when ``text`` names a figure the table does not have.
        """

        def substitute(match: re.Match[str]) -> str:
            figure = self.figures.get(match.group(1))
            if figure is None:
                raise FiguresError(f"{where or 'text'} uses unknown figure {match.group(1)!r}")
            return figure.value_text() if match.group(2) else figure.text(language)

        return PLACEHOLDER.sub(substitute, text)

    def render_tree(self, data: Any, where: str = "", language: str = "en") -> Any:
        """Render every string inside nested lists and dicts (the raw knowledge YAML)."""
        if isinstance(data, str):
            return self.render(data, where, language)
        if isinstance(data, list):
            return [self.render_tree(item, where, language) for item in data]
        if isinstance(data, dict):
            label = data.get("code") or data.get("id") or where
            return {key: self.render_tree(value, str(label), language) for key, value in data.items()}
        return data


def load_figures(path: Path = DEFAULT_FIGURES_PATH) -> FigureTable:
    """Load and validate the figures table.

    Raises:
        FiguresError: when the file is missing, is not YAML or breaks the schema.
    """
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise FiguresError(f"cannot read figures file {path}: {exc}") from exc
    try:
        return FigureTable.parse_obj(raw)
    except ValueError as exc:
        raise FiguresError(f"figures file {path} is invalid:\n{exc}") from exc


def raw_figures_in(text: str) -> list:
    """Amounts or rates written out in ``text`` outside placeholders (should be none)."""
    return RAW_FIGURE.findall(PLACEHOLDER.sub("", text))
