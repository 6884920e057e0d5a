"""Password hashing, token helpers and the failed-login throttle (pure functions)."""

from __future__ import annotations

import base64
import hashlib

import pytest

from desk.auth import (
    LoginThrottle,
    bearer_token,
    digest,
    hash_password,
    new_token,
    random_password,
    same_token,
    verify_password,
)

GOOD = "correct horse battery"
STORED = hash_password(GOOD)


def test_hash_format() -> None:
    scheme, n, r, p, salt, value = STORED.split("$")
    assert (scheme, n, r, p) == ("scrypt", "16384", "8", "1")
    assert len(base64.b64decode(salt)) == 16
    assert len(base64.b64decode(value)) == 32


def test_salts_differ() -> None:
    assert hash_password(GOOD) != hash_password(GOOD)


def test_hash_matches_stdlib_scrypt() -> None:
    salt = base64.b64decode(STORED.split("$")[4])
    expected = hashlib.scrypt(GOOD.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    assert base64.b64decode(STORED.split("$")[5]) == expected


@pytest.mark.parametrize(
    "password, stored, expected",
    [
        (GOOD, STORED, True),
        ("correct horse batterY", STORED, False),
        ("", STORED, False),
        (GOOD + " ", STORED, False),
        (GOOD, None, False),
        (GOOD, "", False),
        (GOOD, "plaintext", False),
        (GOOD, STORED.replace("scrypt$", "bcrypt$"), False),
        (GOOD, STORED.rsplit("$", 1)[0] + "$not*base64", False),
        (GOOD, STORED.replace("$16384$", "$1073741824$"), False),  # absurd cost refused
        (GOOD, STORED.replace("$16384$", "$abc$"), False),
        (GOOD, STORED + "$extra", False),
    ],
)
def test_verify_password(password: str, stored: str, expected: bool) -> None:
    assert verify_password(password, stored) is expected


@pytest.mark.parametrize("short", ["", "elevenchars", "a" * 11])
def test_short_passwords_refused(short: str) -> None:
    with pytest.raises(ValueError, match="at least 12"):
        hash_password(short)


def test_random_password() -> None:
    password = random_password(20)
    assert len(password) == 20 and password.isalnum()
    assert random_password() != random_password()


def test_tokens_and_digests() -> None:
    token = new_token()
    assert len(token) >= 43 and token != new_token()
    assert digest(token) == hashlib.sha256(token.encode()).hexdigest()


@pytest.mark.parametrize(
    "header, expected",
    [
        ("Bearer abc", "abc"),
        ("bearer  abc ", "abc"),
        ("Basic abc", None),
        ("Bearer", None),
        ("Bearer ", None),
        ("", None),
        (None, None),
    ],
)
def test_bearer_token(header, expected) -> None:
    assert bearer_token(header) == expected


@pytest.mark.parametrize(
    "expected, given, same",
    [
        ("abc", "abc", True),
        ("abc", "abd", False),
        ("abc", None, False),
        ("", "", False),
        (None, "abc", False),
    ],
)
def test_same_token(expected, given, same) -> None:
    assert same_token(expected, given) is same


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_throttle_locks_after_five_failures_for_fifteen_minutes() -> None:
    clock = Clock()
    throttle = LoginThrottle(clock=clock)
    for _ in range(4):
        throttle.failed("Jane", "10.0.0.1")
        assert throttle.locked_for("jane", "10.0.0.1") == 0
    throttle.failed("jane ", "10.0.0.1")
    assert throttle.locked_for("jane", "10.0.0.1") == pytest.approx(900)
    assert throttle.locked_for("jane", "10.0.0.2") == 0  # another address
    assert throttle.locked_for("bob", "10.0.0.1") == 0  # another user
    clock.now += 899
    assert throttle.locked_for("jane", "10.0.0.1") == pytest.approx(1)
    clock.now += 2
    assert throttle.locked_for("jane", "10.0.0.1") == 0
    throttle.failed("jane", "10.0.0.1")
    assert throttle.locked_for("jane", "10.0.0.1") == 0  # the count started again


def test_success_clears_failures() -> None:
    throttle = LoginThrottle(clock=Clock())
    for _ in range(4):
        throttle.failed("jane", "ip")
    throttle.succeeded("jane", "ip")
    throttle.failed("jane", "ip")
    assert throttle.locked_for("jane", "ip") == 0
