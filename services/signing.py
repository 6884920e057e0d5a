"""Signing new-case webhooks, so the receiving CRM can check they came from us, unchanged and fresh.

The scheme (for the developer of the receiving end)
---------------------------------------------------
Every webhook is an HTTP POST whose body is JSON (UTF-8) with these headers::

    Content-Type: application/json
    X-Handoff-Event: case.created
    X-Handoff-Delivery: 42                  # the notification's id: the same for every retry
    X-Handoff-Timestamp: 1764169445         # Unix time in seconds when this attempt was signed
    X-Handoff-Signature: v1=<64 hex digits>

The signature is the lowercase hex HMAC-SHA256, keyed with the shared secret
(HANDOFF_WEBHOOK_SECRET, as UTF-8 bytes), of the timestamp, a dot and the raw body bytes::

    expected = hmac.new(secret.encode(), f"{timestamp}.".encode() + raw_body, hashlib.sha256).hexdigest()

To verify: take the raw body exactly as received (before any JSON parsing), compute ``expected``,
compare it with the value after ``v1=`` in constant time (``hmac.compare_digest``), and reject
timestamps more than 5 minutes from your clock (replays). The header may hold several
comma-separated ``v1=`` values (e.g. while a secret is rotated); accept if any matches. Answer 2xx
only once the case is stored: anything else is retried (with the same X-Handoff-Delivery, so use
it to drop duplicates). ``verify()`` below does all of this.

Test vector: secret ``whsec_test``, timestamp ``1764169445`` and body
``{"event":"case.created","reference":"MTS-7K3Q9"}`` give
``v1=e133187c7cf17af6ff33128f7267673dd90071a7293ef29f79c868d854243bcb``.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from typing import Dict

SCHEME = "v1"
TIMESTAMP_HEADER = "X-Handoff-Timestamp"
SIGNATURE_HEADER = "X-Handoff-Signature"
DEFAULT_TOLERANCE_S = 300

_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")


def _digest(secret: str, body: bytes, timestamp: int) -> str:
    message = f"{timestamp}.".encode("ascii") + body
    return hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int) -> str:
    """The ``X-Handoff-Signature`` value for ``body`` sent at ``timestamp`` (Unix seconds).

    Raises:
        ValueError: the secret is empty.
    """
    if not secret:
        raise ValueError("an empty webhook secret cannot sign")
    return f"{SCHEME}={_digest(secret, body, int(timestamp))}"


def signature_headers(secret: str, body: bytes, now: float) -> Dict[str, str]:
    """The timestamp and signature headers for sending ``body`` at ``now`` (Unix time)."""
    timestamp = int(now)
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: sign(secret, body, timestamp)}


def verify(
    secret: str,
    body: bytes,
    timestamp: str,
    signature: str,
    now: float,
    tolerance_s: int = DEFAULT_TOLERANCE_S,
) -> bool:
    """Whether a received webhook is authentic and fresh; never raises.

    Args:
        secret: the shared secret.
        body: the raw request body.
        timestamp: the ``X-Handoff-Timestamp`` header value.
        signature: the ``X-Handoff-Signature`` header value.
        now: the receiver's clock (Unix time).
        tolerance_s: how far the timestamp may be from ``now``, either way.

    Returns:
        False for a wrong signature, a stale or future timestamp, or malformed values.
    """
    try:
        if (
            not secret
            or not isinstance(body, bytes)
            or not isinstance(timestamp, str)
            or not isinstance(signature, str)
            or not _TIMESTAMP.fullmatch(timestamp)
        ):
            return False
        sent_at = int(timestamp)
        if not abs(now - sent_at) <= tolerance_s:  # also rejects a NaN clock
            return False
        expected = _digest(secret, body, sent_at)
        matched = False
        for part in signature.split(","):
            scheme, _, value = part.strip().partition("=")
            if scheme == SCHEME and _HEX_DIGEST.fullmatch(value):
                # No early exit: every candidate is compared in constant time.
                matched = hmac.compare_digest(value, expected) or matched
        return matched
    except Exception:  # noqa: BLE001 - a verifier must answer, not crash the receiver
        return False
