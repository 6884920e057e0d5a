"""The webhook signature: what we send verifies, and anything altered, stale or malformed does not."""

from __future__ import annotations

from typing import Any

import pytest

from services.signing import sign, signature_headers, verify

SECRET = "whsec_test"
BODY = b'{"event":"case.created","reference":"MTS-7K3Q9"}'
SENT_AT = 1764169445
GOOD = sign(SECRET, BODY, SENT_AT)


def test_the_documented_test_vector() -> None:
    assert GOOD == "v1=e133187c7cf17af6ff33128f7267673dd90071a7293ef29f79c868d854243bcb"


def test_signature_headers() -> None:
    headers = signature_headers(SECRET, BODY, SENT_AT + 0.9)
    assert headers == {"X-Handoff-Timestamp": str(SENT_AT), "X-Handoff-Signature": GOOD}


def test_sign_refuses_an_empty_secret() -> None:
    with pytest.raises(ValueError):
        sign("", BODY, SENT_AT)


@pytest.mark.parametrize(
    "secret, body, timestamp, signature, now, expected",
    [
        (SECRET, BODY, str(SENT_AT), GOOD, SENT_AT, True),
        (SECRET, BODY, str(SENT_AT), GOOD, SENT_AT + 300, True),  # at the edge of the tolerance
        (SECRET, BODY, str(SENT_AT), GOOD, SENT_AT - 300, True),
        (SECRET, BODY, str(SENT_AT), f"v1={'0' * 64}, {GOOD}", SENT_AT, True),  # rotation: any may match
        (SECRET, BODY + b" ", str(SENT_AT), GOOD, SENT_AT, False),  # tampered body
        (SECRET, BODY.replace(b"7K3Q9", b"7K3Q8"), str(SENT_AT), GOOD, SENT_AT, False),
        ("another secret", BODY, str(SENT_AT), GOOD, SENT_AT, False),  # wrong secret
        ("", BODY, str(SENT_AT), GOOD, SENT_AT, False),
        (SECRET, BODY, str(SENT_AT + 1), GOOD, SENT_AT, False),  # timestamp changed
        (SECRET, BODY, str(SENT_AT), GOOD, SENT_AT + 301, False),  # stale
        (SECRET, BODY, str(SENT_AT), GOOD, SENT_AT - 301, False),  # from the future
        (SECRET, BODY, str(SENT_AT), GOOD, float("nan"), False),
        (SECRET, BODY, str(SENT_AT), GOOD.upper(), SENT_AT, False),  # malformed values below
        (SECRET, BODY, str(SENT_AT), GOOD[3:], SENT_AT, False),
        (SECRET, BODY, str(SENT_AT), "v2=" + GOOD[3:], SENT_AT, False),
        (SECRET, BODY, str(SENT_AT), GOOD[:-1], SENT_AT, False),
        (SECRET, BODY, str(SENT_AT), GOOD + "0", SENT_AT, False),
        (SECRET, BODY, str(SENT_AT), "", SENT_AT, False),
        (SECRET, BODY, str(SENT_AT), "v1=", SENT_AT, False),
        (SECRET, BODY, str(SENT_AT), "v1=zz" + GOOD[5:], SENT_AT, False),
        (SECRET, BODY, "", GOOD, SENT_AT, False),
        (SECRET, BODY, "abc", GOOD, SENT_AT, False),
        (SECRET, BODY, f"{SENT_AT}.0", GOOD, SENT_AT, False),
        (SECRET, BODY, f" {SENT_AT}", GOOD, SENT_AT, False),
        (SECRET, BODY, f"-{SENT_AT}", GOOD, SENT_AT, False),
        (SECRET, BODY, "9" * 400, GOOD, SENT_AT, False),
        (SECRET, BODY, None, GOOD, SENT_AT, False),
        (SECRET, BODY, str(SENT_AT), None, SENT_AT, False),
        (SECRET, BODY.decode(), str(SENT_AT), GOOD, SENT_AT, False),  # str instead of raw bytes
        (None, BODY, str(SENT_AT), GOOD, SENT_AT, False),
    ],
)
def test_verify(secret: Any, body: Any, timestamp: Any, signature: Any, now: float, expected: bool) -> None:
    assert verify(secret, body, timestamp, signature, now) is expected


def test_verify_with_a_narrower_tolerance() -> None:
    assert verify(SECRET, BODY, str(SENT_AT), GOOD, SENT_AT + 30, tolerance_s=60)
    assert not verify(SECRET, BODY, str(SENT_AT), GOOD, SENT_AT + 61, tolerance_s=60)
