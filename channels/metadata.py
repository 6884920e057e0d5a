"""Client-supplied JSON read safely, and message metadata cut down to what the project uses.

Rasa stores a user message's metadata verbatim in the tracker (and publishes it to the event
broker). The REST and socket.io clients choose it freely, so without a filter it would carry
unmasked SSNs, megabytes of junk or ``NaN`` (which Python's json writes as non-standard JSON).
The widget may say which page and language it runs on, so only these fields pass, as short
strings, masked like the text:

| field | at most |
| --- | --- |
| ``page`` | 300 characters (the page URL the widget runs on) |
| ``locale`` | 35 characters (a BCP 47 language tag) |
| ``language`` | ``en`` or ``es`` only (any other value is dropped) |

``language`` is the conversation's language hint: ``action_session_start`` reads it from a new
conversation's first message and greets in that language. :func:`with_language` gives every user
message one (the message guard calls it for all channels): the channel's own hint when it has one
(the widget's browser language or the taxpayer's switch, Messenger's locale), else the language
the text itself shows (``nlp.language.read_language``), else none.

:func:`loads_bounded` parses JSON that may come from anyone: nesting deeper than
:data:`MAX_DEPTH` raises :class:`TooDeep` (Python's parser would hit its recursion limit and the
server answer 500), and ``NaN`` / ``Infinity`` are refused as the invalid JSON they are.
"""

from __future__ import annotations

import json
from typing import Any, Dict, Optional

from channels.languages import text_language, valid_language
from services.pii import mask_pii

MAX_DEPTH = 32
ALLOWED_FIELDS: Dict[str, int] = {"page": 300, "locale": 35}
LANGUAGE_FIELD = "language"


class TooDeep(ValueError):
    """JSON nested deeper than :data:`MAX_DEPTH`."""


def nesting_depth(text: str) -> int:
    """The deepest nesting of ``[``/``{`` outside strings (a linear scan, no recursion)."""
    depth = deepest = 0
    in_string = escaped = False
    for character in text:
        if in_string:
            if escaped:
                escaped = False
            elif character == "\\":
                escaped = True
            elif character == '"':
                in_string = False
        elif character == '"':
            in_string = True
        elif character in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif character in "]}":
            depth -= 1
    return deepest


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads_bounded(text: str, max_depth: int = MAX_DEPTH) -> Any:
    """``json.loads`` for untrusted text.

    Raises:
        TooDeep: nested deeper than ``max_depth``.
        ValueError: not valid JSON (``NaN``, ``Infinity`` and ``-Infinity`` included).
    """
    if nesting_depth(text) > max_depth:
        raise TooDeep(f"JSON nested deeper than {max_depth} levels")
    return json.loads(text, parse_constant=_refuse_constant)


def sanitize_metadata(metadata: Any) -> Optional[Dict[str, str]]:
    """The allowed fields of client metadata, as masked strings cut to their limits (None if none)."""
    if not isinstance(metadata, dict):
        return None
    kept: Dict[str, str] = {}
    for field, limit in ALLOWED_FIELDS.items():
        value = metadata.get(field)
        if isinstance(value, str) and value.strip():
            kept[field] = mask_pii(value.strip()[:limit]).text
    language = valid_language(metadata.get(LANGUAGE_FIELD))
    if language:
        kept[LANGUAGE_FIELD] = language
    return kept or None


def with_language(metadata: Any, text: Any = None, hint: Optional[str] = None) -> Any:
    """``metadata`` with its ``language`` field decided: ``hint`` (the channel's own), else the
    ``language`` already in the metadata, else the language ``text`` shows; only ``en`` / ``es``.

    An invalid ``language`` value is removed. Metadata that is not a dict is returned as it is
    when no language is known (None stays None), otherwise it becomes ``{"language": ...}``.
    """
    current = metadata if isinstance(metadata, dict) else {}
    language = valid_language(hint) or valid_language(current.get(LANGUAGE_FIELD)) or text_language(text)
    if language is None:
        if LANGUAGE_FIELD not in current:
            return metadata
        rest = {key: value for key, value in current.items() if key != LANGUAGE_FIELD}
        return rest or None
    return {**current, LANGUAGE_FIELD: language}
