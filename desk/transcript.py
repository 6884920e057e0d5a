"""Turn a Rasa tracker (``GET /conversations/{id}/tracker``) into lines a pro can read.

Pure functions, no Rasa import: the tracker is the JSON dict Rasa's HTTP API returns.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

KIND_USER = "user"
KIND_BOT = "bot"
KIND_PRO = "pro"
KIND_MARKER = "marker"

MARKER_PAUSED = "handed to a pro"
MARKER_RESUMED = "handed back to the bot"
MARKER_SESSION = "new conversation session"


@dataclass(frozen=True)
class Line:
    """One line of a transcript.

    Attributes:
        kind: ``user``, ``bot``, ``pro`` (a bot message a pro sent) or ``marker``.
        text: what was said, or the marker's description.
        time: when, timezone-aware UTC (None if the tracker had no timestamp).
        channel: the input channel of a user message.
        buttons: titles of the buttons a bot message offered.
        pro: the username of the pro who sent a ``pro`` line.
    """

    kind: str
    text: str
    time: Optional[dt.datetime] = None
    channel: Optional[str] = None
    buttons: List[str] = field(default_factory=list)
    pro: Optional[str] = None

    @property
    def author(self) -> str:
        """Who the line is from, for display: taxpayer, assistant or ``pro <username>``."""
        if self.kind == KIND_USER:
            return "taxpayer"
        if self.kind == KIND_PRO:
            return f"pro {self.pro}"
        if self.kind == KIND_BOT:
            return "assistant"
        return ""

    def to_dict(self) -> Dict[str, Any]:
        """JSON-ready form (the TranscriptLine schema of the desk API)."""
        return {
            "kind": self.kind,
            "text": self.text,
            "time": self.time.isoformat() if self.time else None,
            "channel": self.channel,
            "buttons": list(self.buttons),
            "pro": self.pro,
        }


def transcript(tracker: Dict[str, Any]) -> List[Line]:
    """The readable lines of a tracker: messages, hand-over markers and session starts.

    Actions, slots and other bookkeeping events are skipped. A user message that is a button
    payload (``/affirm``) is shown as the title of the button that sent it when the previous
    bot messages offered one, else as the intent name.
    """
    lines: List[Line] = []
    payload_titles: Dict[str, str] = {}
    for event in tracker.get("events") or []:
        kind = event.get("event")
        time = _time(event.get("timestamp"))
        if kind == "user":
            lines.append(Line(KIND_USER, _user_text(event, payload_titles), time, channel=event.get("input_channel")))
        elif kind == "bot":
            buttons = _buttons(event)
            payload_titles.update({b["payload"]: b["title"] for b in buttons})
            pro = (event.get("metadata") or {}).get("from_pro")
            text = event.get("text") or ""
            titles = [b["title"] for b in buttons]
            if not text and not titles:
                continue  # images or custom payloads only: nothing to read
            lines.append(Line(KIND_PRO if pro else KIND_BOT, text, time, buttons=titles, pro=str(pro) if pro else None))
        elif kind == "pause":
            lines.append(Line(KIND_MARKER, MARKER_PAUSED, time))
        elif kind == "resume":
            lines.append(Line(KIND_MARKER, MARKER_RESUMED, time))
        elif kind == "session_started":
            lines.append(Line(KIND_MARKER, MARKER_SESSION, time))
    return lines


def _time(timestamp: Any) -> Optional[dt.datetime]:
    if isinstance(timestamp, (int, float)):
        return dt.datetime.fromtimestamp(timestamp, dt.timezone.utc)
    return None


def _buttons(event: Dict[str, Any]) -> List[Dict[str, str]]:
    data = event.get("data") or {}
    found = []
    for button in (data.get("buttons") or []) + (data.get("quick_replies") or []):
        if isinstance(button, dict) and button.get("title"):
            found.append({"title": str(button["title"]), "payload": str(button.get("payload", ""))})
    return found


def _user_text(event: Dict[str, Any], payload_titles: Dict[str, str]) -> str:
    text = event.get("text") or ""
    if not text.startswith("/"):
        return text
    if text in payload_titles:
        return payload_titles[text]
    intent = ((event.get("parse_data") or {}).get("intent") or {}).get("name")
    if intent:
        return str(intent)
    return text[1:].split("{", 1)[0]
