"""A message from Rasa's event broker read as a tracker event, refusing anything else."""

from __future__ import annotations

import json
from typing import Any, Dict

MAX_BODY_BYTES = 1_000_000


class MalformedEvent(ValueError):
    """A broker message that is not a Rasa tracker event; the text never quotes the message."""


def parse_event(body: bytes) -> Dict[str, Any]:
    """The tracker event in a broker message.

    Raises:
        MalformedEvent: unless the body is a JSON object with string ``sender_id`` and ``event``.
    """
    if len(body) > MAX_BODY_BYTES:
        raise MalformedEvent(f"larger than {MAX_BODY_BYTES} bytes")
    try:
        event = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise MalformedEvent("not JSON") from None
    if not isinstance(event, dict):
        raise MalformedEvent("not a JSON object")
    for key in ("sender_id", "event"):
        if not isinstance(event.get(key), str) or not event[key]:
            raise MalformedEvent(f"no {key}")
    return event
