"""The numbers a text quotes, to check that two languages state the same facts."""

from __future__ import annotations

import re
from typing import Set

_NUMBER = re.compile(r"\d[\d,.]*\d|\d")


def numbers(text: str) -> Set[str]:
    """The numbers ``text`` quotes ("30", "12153", "$66,000" -> "66000"), separators removed."""
    return {n.replace(",", "").replace(".", "") for n in _NUMBER.findall(text)}
