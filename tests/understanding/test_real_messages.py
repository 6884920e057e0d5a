"""Whole-message understanding on real taxpayer messages (tests/understanding/dev.yml, heldout.yml).

The sets were written from public questions (see README.md beside this file); heldout.yml was kept
apart while the readers and passages were built. The gate runs the trained model's NLU for routing
and the real answer action, and judges each reply as a reviewer would (see evaluation.py).
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any, Dict

import pytest
from rasa.shared.nlu.training_data.loading import load_data

from settings.assistant import Settings
from tests.understanding.evaluation import ROOT, TODAY, evaluate, load_items
from understanding.questions import QUESTIONS
from understanding.situations import SITUATIONS

if TYPE_CHECKING:
    from rasa.core.agent import Agent

SCOPES = {None, "tax_prep", "refund_status", "state_notice", "other"}
# Floors the sets must keep: the measured figures (README.md) less about 0.03, so a regression fails
# here. The goal is 0.90 fully right on the held-out set; on 2026-12-04 it measured 0.475 (dev 0.885),
# then 0.566 after the broader readers. Since the third session of 2026-12-04 a reply that speaks to a
# situation the taxpayer did not state fails too, and dev grew to 319 items (60 scored first at 0.48):
# held-out 0.556 (dev 0.846), code recall 1.0; after the question classifier learned question labels, 0.566
# (dev 0.859). Fifth session of 2026-12-04: an out-of-scope reply that answers a collection question nobody
# asked fails too; after answers of at most 100 words, four new question labels and no intent question for
# an out-of-scope message: dev 0.868, held-out 0.556, es_dev 0.890, es_heldout 0.681. Sixth session: a fresh
# batch written before any fix scored 0.65 (60 EN) and 0.60 (40 ES); after readers generalised from its
# failures (scope classifier, form numbers, a final notice named by its title, ...): dev 0.855 (379 items),
# held-out 0.596, es_dev 0.875 (240), es_heldout 0.710; then, with notes on a state's own levy or plan and more
# general readers: dev 0.884, held-out 0.626, es_dev 0.917, es_heldout 0.739 (a second fresh batch follows).
# Seventh session: a third fresh batch (40 EN, 30 ES) scored 0.55 / 0.567 before any fix; after general fixes
# and DIET at 40 epochs: dev 0.895 (459 items), held-out 0.667, es_dev 0.903 (300), es_heldout 0.739.
# Eighth session: a fourth fresh batch (37 EN, 19 ES) scored 0.568 / 0.632 before any fix; after general fixes:
# dev 0.895 (496 items), held-out 0.667, es_dev 0.912 (319), es_heldout 0.739.
# Ninth session: a fifth fresh batch (46 EN, 25 ES) scored 0.630 / 0.640 before any fix; after general fixes:
# dev 0.891 (542 items), held-out 0.667, es_dev 0.910 (344), es_heldout 0.739.
# Eleventh session: a sixth fresh batch (46 EN, 24 ES) scored 0.609 / 0.792 first; dev 0.883 (588), held-out 0.687,
# es_dev 0.905 (368), es_heldout 0.725. Twelfth session: readers from dev's misses (dev 0.913, es_dev 0.935 on the same
# items; held-out unchanged, 0.687 and 0.725: 2 of its 168 items read differently at all); a seventh fresh batch (44 EN,
# 24 ES) scored 0.727 / 0.667 first, 39/44 and 20/24 after general fixes; with it dev 0.911 (632), es_dev 0.931 (392).
# Thirteenth session: wrong facts found by reading replies (dates beside codes and amounts, lapsed windows, Social
# Security before the final notice, pending innocent spouse requests, ...): dev 0.913, es_dev 0.934, held-out unchanged.
# Fourteenth session: two fresh batches (0.625 / 0.64 and 0.55 / 0.80 first) joined the dev sets: dev 0.896 (712),
# es_dev 0.923 (442), held-out 0.697 and 0.71.
MIN_FULLY_RIGHT = {"dev": 0.88, "heldout": 0.65, "es_dev": 0.90, "es_heldout": 0.70}
# Spanish: es_dev 0.860 and es_heldout 0.565 first, then 0.638 after the broader readers; with the
# stricter judge and es_dev at 200 items (40 scored first at 0.53): es_heldout 0.681 (es_dev 0.865),
# code recall 0.96.
MIN_CODE_RECALL = 0.93
SETS = ["dev", "heldout", "es_dev", "es_heldout"]  # es_*: Spanish, written from Spanish public questions (README_es.md)


@pytest.mark.parametrize("name", SETS)
def test_items_are_labelled_with_the_fixed_vocabulary(name: str) -> None:
    items = load_items(name)
    assert len({item["id"] for item in items}) == len(items)
    for item in items:
        expect: Dict[str, Any] = item["expect"]
        assert item["source"].startswith("http"), item["id"]
        assert set(expect.get("questions") or []) <= set(QUESTIONS), item["id"]
        assert set(expect.get("situations") or []) <= set(SITUATIONS), item["id"]
        assert expect.get("out_of_scope") in SCOPES, item["id"]
        assert expect.get("notice_date") is None or isinstance(expect["notice_date"], dt.date), item["id"]


@pytest.mark.parametrize(
    "dev_name, heldout_name, least, least_heldout", [("dev", "heldout", 200, 80), ("es_dev", "es_heldout", 150, 60)]
)
def test_sets_are_large_enough_and_heldout_is_never_trained_on(
    dev_name: str, heldout_name: str, least: int, least_heldout: int
) -> None:
    dev, heldout = load_items(dev_name), load_items(heldout_name)
    assert len(dev) + len(heldout) >= least and len(heldout) >= least_heldout
    assert not {i["source"] for i in dev} & {i["source"] for i in heldout}, "dev and held-out share a source page"
    training = {" ".join(m.get("text").lower().split()) for m in load_data(str(ROOT / "data" / "nlu")).intent_examples}
    assert not [i["text"] for i in heldout if " ".join(i["text"].lower().split()) in training]


@pytest.fixture(scope="module")
def parse(trained_agent: Agent):
    return trained_agent.parse_message


@pytest.mark.model
@pytest.mark.parametrize("name", SETS)
async def test_real_messages_are_answered_fully(name: str, parse, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Settings, "today", lambda self: TODAY)
    report = await evaluate(name, parse, "es" if name.startswith("es_") else "en")
    summary = report.summary()
    print(f"\n{name}: {summary}")
    assert summary["code_recall"] >= MIN_CODE_RECALL, report.failures
    assert summary["fully_right"] >= MIN_FULLY_RIGHT[name], [
        f["id"] + ": " + "; ".join(f["problems"]) for f in report.failures
    ]
