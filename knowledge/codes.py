"""Normalise IRS notice and letter codes however people write them.

``normalise_code`` turns "cp 504", "CP-504", "504 notice", "letter 1058", "L1058", "LTR 3172",
"Form 668-W", "668(Y)(c)" into one lookup key ("CP504", "1058", "3172", "668W", "668YC"). The
knowledge base indexes every code and alias by the same key, so lookups are exact matches.
Pure logic: no Rasa imports.
"""

from __future__ import annotations

import re
from typing import Optional

# Words that surround a code but are not part of it (English and Spanish).
_FILLER_WORDS = re.compile(
    r"\b(?:irs|notice|notices|letter|letters|ltr|form|formulario|forma|aviso|carta|no|number|num)\b",
    re.IGNORECASE,
)
_NON_ALNUM = re.compile(r"[^0-9A-Za-z]+")
_GLUED_PREFIX = re.compile(r"^(?:LETTER|LTR|FORM|NOTICE|CARTA|AVISO)(?=\d)")  # "LTR1058", "FORM668W"
_L_PREFIX = re.compile(r"^L(?=\d)")  # "L1058" is Letter 1058; "LT11" is not touched
_VALID_KEY = re.compile(r"^(?:CP|LT)?\d{1,5}[A-Z]{0,4}$")


def normalise_code(raw: str) -> Optional[str]:
    """Return the lookup key for a notice code, or None when ``raw`` holds no code.

    Args:
        raw: the code as the user wrote it or as the entity extractor found it.

    Returns:
        An upper-case key such as "CP504", "LT11", "1058" (Letter 1058), "5071C" or "668W".
    """
    if not raw:
        return None
    text = _FILLER_WORDS.sub(" ", raw)
    key = _NON_ALNUM.sub("", text).upper()
    key = _L_PREFIX.sub("", _GLUED_PREFIX.sub("", key))
    if not key or not _VALID_KEY.match(key):
        return None
    return key


def display_code(raw: str) -> str:
    """Return a tidy version of a code the knowledge base does not know, for messages."""
    key = normalise_code(raw)
    if key is None:
        return " ".join(raw.split())[:40]
    if key[:1].isdigit() and not key.startswith("668"):
        return f"Letter {key}"
    if key.startswith("668"):
        return f"Form {key}"
    return key
