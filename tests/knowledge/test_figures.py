"""The dated figures table and the placeholders that put its figures into the knowledge text."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, Iterator, Tuple

import pytest
import yaml

from knowledge.figures import (
    DEFAULT_FIGURES_PATH,
    Basis,
    FiguresError,
    FigureTable,
    load_figures,
    raw_figures_in,
)
from knowledge.loader import DEFAULT_PATH, KnowledgeError, cached_knowledge, load_knowledge, more_notices_path

TABLE = load_figures()
ANSWERS_PATH = DEFAULT_PATH.parent / "answers.yml"  # the short passages composed answers are made of
KNOWLEDGE_FILES = [p for p in (DEFAULT_PATH, more_notices_path(DEFAULT_PATH), ANSWERS_PATH) if p.exists()]


def _strings(data: Any, where: str = "") -> Iterator[Tuple[str, str]]:
    if isinstance(data, str):
        yield where, data
    elif isinstance(data, list):
        for item in data:
            yield from _strings(item, where)
    elif isinstance(data, dict):
        label = str(data.get("code") or data.get("id") or where)
        for key, value in data.items():
            yield from _strings(value, f"{label}.{key}")


def test_every_figure_is_sourced_dated_and_says_its_period() -> None:
    assert len(TABLE.figures) >= 10
    for name, figure in TABLE.figures.items():
        assert figure.source_url.startswith("https://"), name
        assert figure.last_checked <= dt.date.today(), name
        assert figure.applies_to.strip(), name
        if figure.basis is not Basis.statute:
            # a figure that changes must tell the taxpayer which year or period it is for
            assert figure.label, f"{name} changes over time but has no period label"


@pytest.mark.parametrize("path", KNOWLEDGE_FILES, ids=lambda p: p.name)
def test_no_amount_or_rate_is_written_out_in_the_knowledge(path: Path) -> None:
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    offenders = [(where, text) for where, text in _strings(raw) if raw_figures_in(text)]
    assert not offenders, f"write these through {{figure:...}} placeholders: {offenders[:5]}"


@pytest.mark.parametrize("path", KNOWLEDGE_FILES, ids=lambda p: p.name)
def test_every_placeholder_names_a_figure_in_the_table(path: Path) -> None:
    TABLE.render_tree(yaml.safe_load(path.read_text(encoding="utf-8")))  # raises on an unknown name


def test_loaded_text_has_no_placeholders_left_and_carries_the_figures() -> None:
    knowledge = cached_knowledge()
    texts = [text for notice in knowledge.notices for _, text in _strings(notice.dict())]
    texts += [text for topic in knowledge.topics for _, text in _strings(topic.dict())]
    assert not [t for t in texts if "{figure:" in t]
    joined = "\n".join(texts)
    for name in (
        "passport_threshold",
        "ia_guaranteed_limit",
        "ia_fee_online_direct_debit",
        "oic_application_fee",
        "ss_levy_max_rate",
    ):
        assert TABLE.figures[name].value_text() in joined, name


def test_rendering_adds_the_period_unless_asked_for_the_value() -> None:
    table = FigureTable.parse_obj(
        {
            "figures": {
                "limit": {
                    "value": 66000,
                    "unit": "usd",
                    "basis": "inflation_adjusted",
                    "applies_to": "2026",
                    "label": "2026 figure",
                    "label_es": "cifra de 2026",
                    "source_url": "https://www.irs.gov/x",
                    "last_checked": "2026-12-01",
                },
                "rate": {
                    "value": 7.5,
                    "unit": "percent",
                    "basis": "statute",
                    "applies_to": "IRC 1",
                    "source_url": "https://www.irs.gov/y",
                    "last_checked": "2026-12-01",
                },
            }
        }
    )
    assert table.render("over {figure:limit} now") == "over $66,000 (2026 figure) now"
    assert table.render("over {figure:limit:value}") == "over $66,000"
    assert table.render("up to {figure:rate}") == "up to 7.5%"
    assert table.render("más de {figure:limit}", language="es") == "más de $66,000 (cifra de 2026)"
    assert table.render("hasta {figure:rate}", language="es") == "hasta 7.5%"
    with pytest.raises(FiguresError, match="nope"):
        table.render("{figure:nope}")


@pytest.mark.parametrize(
    "change",
    [
        {"unit": "euro"},
        {"source_url": "http://www.irs.gov/x"},
        {"basis": "rumour"},
        {"extra": 1},
        {"last_checked": "soon"},
        {"label": "2026 figure"},
        {"label_es": "cifra de 2026"},
    ],
)
def test_broken_figure_is_refused(change: dict) -> None:
    entry = {
        "value": 1,
        "unit": "usd",
        "basis": "statute",
        "applies_to": "IRC 1",
        "source_url": "https://www.irs.gov/x",
        "last_checked": "2026-12-01",
    }
    entry.update(change)
    with pytest.raises(ValueError):
        FigureTable.parse_obj({"figures": {"name": entry}})


def test_unknown_placeholder_in_the_knowledge_fails_the_load(tmp_path: Path) -> None:
    raw = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
    raw["notices"][0]["sources_note"] = "Costs {figure:no_such_fee} to fix."
    path = tmp_path / "kb.yml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(KnowledgeError, match="no_such_fee"):
        load_knowledge(path)


def test_missing_figures_file_fails_the_load(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="cannot read figures"):
        load_knowledge(DEFAULT_PATH, figures_path=tmp_path / "missing.yml")


def test_default_table_is_the_project_file() -> None:
    assert DEFAULT_FIGURES_PATH.name == "figures.yml" and DEFAULT_FIGURES_PATH.exists()
