"""Comparing secrets an attacker sends: constant time, and never an exception on odd input.

``hmac.compare_digest`` raises ``TypeError`` on a ``str`` with non-ASCII characters, and a header
may hold any Latin-1 or UTF-8 text (or, as Sanic decodes it, lone surrogates). Both sides are
encoded to bytes first, so a non-ASCII signature or token is simply wrong (403/401), not a 500.
"""

from __future__ import annotations

import hmac
from typing import Optional


def _bytes(value: str) -> bytes:
    return value.encode("utf-8", "surrogatepass")


def same_secret(given: Optional[str], expected: Optional[str]) -> bool:
    """Whether ``given`` equals ``expected`` (compared in constant time); False when either is empty."""
    if not given or not expected or not isinstance(given, str) or not isinstance(expected, str):
        return False
    try:
        return hmac.compare_digest(_bytes(given), _bytes(expected))
    except UnicodeEncodeError:
        return False
