"""Every response in domain.yml has a Spanish twin for each English variation (same channel,
same placeholders, same button payloads), and the Spanish text reads as Spanish."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from nlp.language import detect_language

DOMAIN: Dict[str, Any] = yaml.safe_load(
    (Path(__file__).resolve().parents[2] / "domain.yml").read_text(encoding="utf-8")
)
_PLACEHOLDER = re.compile(r"{([a-z_]+)}")


def _spanish(variation: Dict[str, Any]) -> bool:
    return any(c.get("name") == "language" and c.get("value") == "es" for c in variation.get("condition") or [])


def _payloads(variation: Dict[str, Any]) -> List[str]:
    return [b.get("payload") for b in variation.get("buttons") or []]


@pytest.mark.parametrize("name", sorted(DOMAIN["responses"]))
def test_every_variation_has_a_spanish_twin(name: str) -> None:
    variations = DOMAIN["responses"][name]
    english = [v for v in variations if not v.get("condition")]
    spanish = [v for v in variations if _spanish(v)]
    assert len(spanish) == len(english), name
    for en in english:
        twins = [es for es in spanish if es.get("channel") == en.get("channel") and _payloads(es) == _payloads(en)]
        assert twins, (name, en.get("channel"))
        assert set(_PLACEHOLDER.findall(twins[0].get("text", ""))) == set(_PLACEHOLDER.findall(en.get("text", ""))), (
            name
        )


def test_spanish_response_text_reads_as_spanish() -> None:
    english = []
    for name, variations in DOMAIN["responses"].items():
        for variation in variations:
            text = _PLACEHOLDER.sub("", variation.get("text", ""))
            if _spanish(variation) and len(text.split()) >= 4 and detect_language(text) == "en":
                english.append((name, text))
    assert english == []
