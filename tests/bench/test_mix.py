"""bench/messages.yml and its loader."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.mix import Turn, load_mixes


def test_the_shipped_mixes_cover_what_the_issue_asks_for() -> None:
    mixes = load_mixes()
    assert {"ours", "stock"} <= set(mixes)
    ours = " ".join(t.text.lower() for c in mixes["ours"].conversations for t in c.turns)
    for needle in ("cp2000", "lt11", "dated", "offer in compromise", "payment plan", "talk to a tax pro", "555"):
        assert needle in ours, needle
    stock = " ".join(t.text.lower() for c in mixes["stock"].conversations for t in c.turns)
    for needle in ("hello", "sad", "bye", "are you a bot"):
        assert needle in stock, needle
    assert all(isinstance(t.text, str) for m in mixes.values() for c in m.conversations for t in c.turns)


def test_turns_may_expect_no_reply(tmp_path: Path) -> None:
    path = tmp_path / "m.yml"
    path.write_text(
        "mixes:\n  x:\n    startup: hi\n    conversations:\n"
        "      - name: a\n        turns: [hi, {text: quiet, reply: false}]\n"
    )
    mix = load_mixes(path)["x"]
    assert mix.conversations[0].turns == (Turn("hi"), Turn("quiet", expect_reply=False))
    assert mix.messages == 2


@pytest.mark.parametrize(
    "body, message",
    [
        ("mixes: {}\n", "no `mixes`"),
        ("mixes:\n  x:\n    startup: hi\n    conversations: []\n", "no conversations"),
        ("mixes:\n  x:\n    conversations:\n      - turns: [hi]\n", "`startup`"),
        ("mixes:\n  x:\n    startup: hi\n    conversations:\n      - turns: [yes]\n", "got True"),
    ],
)
def test_mistakes_are_reported_with_their_place(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "m.yml"
    path.write_text(body)
    with pytest.raises(ValueError, match=message):
        load_mixes(path)
