"""Both notice files together: breadth, unique codes and aliases, sources and dates, the merge."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any, Dict, List

import pytest
import yaml

from knowledge.codes import normalise_code
from knowledge.loader import (
    DEFAULT_PATH,
    KnowledgeError,
    cached_knowledge,
    load_knowledge,
    more_notices_path,
)

MAIN: Dict[str, Any] = yaml.safe_load(DEFAULT_PATH.read_text(encoding="utf-8"))
MORE_PATH = more_notices_path(DEFAULT_PATH)
MORE: List[Dict[str, Any]] = (
    (yaml.safe_load(MORE_PATH.read_text(encoding="utf-8")) or {}).get("notices", []) if MORE_PATH.exists() else []
)
ALL_NOTICES = MAIN["notices"] + MORE
# IRS pages that explain two notice numbers together, so one entry answers both (by number).
SHARED_PAGES = {298: 91, 6331: 5071, 6330: 4883}


def test_at_least_120_notices_across_both_files() -> None:
    """Breadth: the notices taxpayers actually get (the supplementary file adds most of them)."""
    assert len(cached_knowledge().notices) >= 120


def test_codes_and_aliases_are_unique_across_both_files() -> None:
    owners: Dict[str, str] = {}
    for notice in ALL_NOTICES:
        keys = {normalise_code(c) for c in [notice["code"], *notice.get("aliases", [])]}
        for key in keys:
            assert key, f"{notice['code']}: an alias is not a notice code"
            assert owners.setdefault(key, notice["code"]) == notice["code"], (
                f"{key} belongs to both {owners[key]} and {notice['code']}"
            )


@pytest.mark.parametrize("notice", ALL_NOTICES, ids=lambda n: n["code"])
def test_every_notice_is_sourced_dated_and_ranked(notice: Dict[str, Any]) -> None:
    assert str(notice.get("source_url", "")).startswith("https://")
    assert notice.get("last_checked"), "last_checked is required"
    assert notice.get("urgency") in {"low", "medium", "high", "critical"}


def test_every_topic_is_sourced_and_dated() -> None:
    for topic in MAIN["topics"]:
        assert str(topic.get("source_url", "")).startswith("https://"), topic["id"]
        assert topic.get("last_checked"), topic["id"]


def _number(code: str) -> int:
    """The notice number without prefix or suffix: "CP504B" -> 504, "Letter 1058" -> 1058."""
    key = normalise_code(code) or ""
    match = re.search(r"\d+", key)
    assert match, f"{code!r} has no number"
    return int(match.group())


@pytest.mark.parametrize("notice", ALL_NOTICES, ids=lambda n: n["code"])
def test_every_alias_is_a_spelling_of_its_own_notice(notice: Dict[str, Any]) -> None:
    """An alias carries the notice's own number, or one the IRS explains on the same page
    (CP140 listed under CP40 would fail: a different number is a different notice)."""
    number = _number(notice["code"])
    for alias in notice.get("aliases", []):
        other = _number(alias)
        assert other == number or SHARED_PAGES.get(other) == number, (
            f"alias {alias!r} is not a spelling of {notice['code']}"
        )


def test_cp140_is_not_an_alias_of_cp40() -> None:
    found = cached_knowledge().find_notice("CP140")
    assert found is None or found.code != "CP40"


# --- the merge ------------------------------------------------------------------------------


def _extra_notice(code: str = "CP999", **changes: Any) -> Dict[str, Any]:
    entry = copy.deepcopy(next(n for n in MAIN["notices"] if n["code"] == "CP14"))
    entry.update(code=code, aliases=[code], sms=f"{code} = a test notice. Call the number on it.")
    entry.update(changes)
    return entry


def _files(tmp_path: Path, more: Any) -> Path:
    main = tmp_path / "irs_knowledge.yml"
    main.write_text(DEFAULT_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    (tmp_path / "more_notices.yml").write_text(yaml.safe_dump(more, sort_keys=False), encoding="utf-8")
    return main


def test_supplementary_notices_are_merged(tmp_path: Path) -> None:
    loaded = load_knowledge(_files(tmp_path, {"notices": [_extra_notice()]}))
    assert loaded.find_notice("cp 999").code == "CP999"
    assert len(loaded.notices) == len(MAIN["notices"]) + 1


def test_missing_supplementary_file_is_fine(tmp_path: Path) -> None:
    main = tmp_path / "irs_knowledge.yml"
    main.write_text(DEFAULT_PATH.read_text(encoding="utf-8"), encoding="utf-8")
    assert len(load_knowledge(main).notices) == len(MAIN["notices"])


def test_code_in_both_files_is_refused(tmp_path: Path) -> None:
    with pytest.raises(KnowledgeError, match="CP14"):
        load_knowledge(_files(tmp_path, {"notices": [_extra_notice("CP999", aliases=["CP999", "CP-14"])]}))


@pytest.mark.parametrize("field", ["source_url", "last_checked", "urgency"])
def test_supplementary_entry_without_a_required_field_names_the_file(tmp_path: Path, field: str) -> None:
    entry = _extra_notice()
    del entry[field]
    with pytest.raises(KnowledgeError, match=f"more_notices.yml(.|\n)*{field}"):
        load_knowledge(_files(tmp_path, {"notices": [entry]}))


@pytest.mark.parametrize("content", [["a", "list"], {"topics": []}, {"notices": "none"}])
def test_supplementary_file_without_a_notices_list_is_refused(tmp_path: Path, content: Any) -> None:
    with pytest.raises(KnowledgeError, match="notices"):
        load_knowledge(_files(tmp_path, content))
