"""The message mixes of bench/messages.yml as typed conversations."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, List, Tuple

import yaml

from bench.paths import MESSAGES


@dataclass(frozen=True)
class Turn:
    """One user message and whether the bot must answer it."""

    text: str
    expect_reply: bool = True


@dataclass(frozen=True)
class Conversation:
    """A scripted conversation: its turns are sent one after the other."""

    name: str
    turns: Tuple[Turn, ...]


@dataclass(frozen=True)
class Mix:
    """A bot's message mix: the conversations and the message that times start-up."""

    name: str
    startup: str
    conversations: Tuple[Conversation, ...]

    @property
    def messages(self) -> int:
        """How many messages one pass over every conversation sends."""
        return sum(len(c.turns) for c in self.conversations)


def _turn(raw: Any, where: str) -> Turn:
    if isinstance(raw, str) and raw.strip():
        return Turn(raw.strip())
    if isinstance(raw, dict) and isinstance(raw.get("text"), str) and raw["text"].strip():
        return Turn(raw["text"].strip(), bool(raw.get("reply", True)))
    raise ValueError(f"{where}: a turn is a non-empty string or {{text: ..., reply: false}}, got {raw!r}")


def _mix(name: str, raw: Dict[str, Any], source: Path) -> Mix:
    conversations: List[Conversation] = []
    for index, conversation in enumerate(raw.get("conversations") or []):
        where = f"{source}: mixes.{name}.conversations[{index}]"
        turns = tuple(_turn(t, where) for t in conversation.get("turns") or [])
        if not turns:
            raise ValueError(f"{where}: no turns")
        conversations.append(Conversation(str(conversation.get("name", f"#{index}")), turns))
    if not conversations:
        raise ValueError(f"{source}: mix {name!r} has no conversations")
    startup = raw.get("startup")
    if not isinstance(startup, str) or not startup.strip():
        raise ValueError(f"{source}: mix {name!r} needs a `startup` message")
    return Mix(name, startup.strip(), tuple(conversations))


def load_mixes(path: Path = MESSAGES) -> Dict[str, Mix]:
    """Read every mix from ``path``; raise ``ValueError`` with the place of any mistake."""
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    mixes = data.get("mixes")
    if not isinstance(mixes, dict) or not mixes:
        raise ValueError(f"{path}: no `mixes`")
    return {name: _mix(name, raw or {}, path) for name, raw in mixes.items()}
