"""Passwords, API tokens, browser sessions and the failed-login throttle of the agent desk.

Passwords are hashed with stdlib scrypt; tokens and session ids are random and stored only as
SHA-256 digests, so a copy of the database does not let anyone sign in.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import string
import time
from dataclasses import dataclass, field
from typing import Callable, Dict, List, Optional, Tuple

MIN_PASSWORD_LENGTH = 12
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
SALT_BYTES = 16
HASH_BYTES = 32
SCHEME = "scrypt"

SESSION_COOKIE = "desk_session"
LOGIN_CSRF_COOKIE = "desk_login_csrf"
CSRF_FIELD = "csrf_token"

MAX_FAILURES = 5
LOCKOUT_S = 15 * 60


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def hash_password(password: str) -> str:
    """Hash a password as ``scrypt$16384$8$1$<salt b64>$<hash b64>``.

    Raises:
        ValueError: if the password is shorter than :data:`MIN_PASSWORD_LENGTH` characters.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"a password needs at least {MIN_PASSWORD_LENGTH} characters")
    salt = secrets.token_bytes(SALT_BYTES)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, n=SCRYPT_N, r=SCRYPT_R, p=SCRYPT_P, dklen=HASH_BYTES)
    return f"{SCHEME}${SCRYPT_N}${SCRYPT_R}${SCRYPT_P}${_b64(salt)}${_b64(digest)}"


def verify_password(password: str, stored: Optional[str]) -> bool:
    """True if ``password`` matches the ``stored`` hash; False for any malformed hash."""
    try:
        scheme, n, r, p, salt_b64, hash_b64 = (stored or "").split("$")
        if scheme != SCHEME:
            return False
        salt = base64.b64decode(salt_b64, validate=True)
        expected = base64.b64decode(hash_b64, validate=True)
        n_i, r_i, p_i = int(n), int(r), int(p)
        if not (2 <= n_i <= 2**20 and 1 <= r_i <= 32 and 1 <= p_i <= 16 and expected):
            return False  # refuse parameters that would let a bad row exhaust memory
        actual = hashlib.scrypt(
            password.encode("utf-8"), salt=salt, n=n_i, r=r_i, p=p_i, dklen=len(expected), maxmem=256 * 1024 * 1024
        )
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(actual, expected)


def random_password(length: int = 20) -> str:
    """A random password of letters and digits."""
    alphabet = string.ascii_letters + string.digits
    return "".join(secrets.choice(alphabet) for _ in range(length))


def new_token() -> str:
    """A new API token or session id (shown or sent once, stored only as its digest)."""
    return secrets.token_urlsafe(32)


def digest(token: str) -> str:
    """The SHA-256 hex digest under which a token or session id is stored (any text: a header's
    undecodable bytes reach us as lone surrogates, which simply match nothing)."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def bearer_token(authorization: Optional[str]) -> Optional[str]:
    """The token of an ``Authorization: Bearer <token>`` header, or None."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    if scheme.lower() != "bearer" or not token:
        return None
    return token


def same_token(expected: Optional[str], given: Optional[str]) -> bool:
    """Constant-time comparison of a CSRF token; False when either is missing."""
    if not expected or not given:
        return False
    return hmac.compare_digest(expected.encode("utf-8", "surrogatepass"), given.encode("utf-8", "surrogatepass"))


# Failures before a lockout, per scope: the (username, address) pair, the username from any
# address (a locked username gets no fresh tries from elsewhere), the address across usernames
# (password spraying), and all sign-ins together (spraying from many addresses).
USERNAME_MAX_FAILURES = 10
ADDRESS_MAX_FAILURES = 20
GLOBAL_MAX_FAILURES = 200


@dataclass
class LoginThrottle:
    """Counts failed sign-ins in memory per username and address, per username, per address and
    overall.

    When a scope reaches its limit (:data:`MAX_FAILURES` for the pair, then the limits above)
    sign-ins in that scope are refused for :data:`LOCKOUT_S` seconds from its last failure; a
    success clears the pair and the username's count. Memory only: a restart forgets, which is
    acceptable for a single-process desk.
    """

    max_failures: int = MAX_FAILURES
    lockout_s: float = LOCKOUT_S
    clock: Callable[[], float] = time.monotonic
    username_max_failures: int = USERNAME_MAX_FAILURES
    address_max_failures: int = ADDRESS_MAX_FAILURES
    global_max_failures: int = GLOBAL_MAX_FAILURES
    _failures: Dict[Tuple[str, ...], Tuple[int, float]] = field(default_factory=dict)

    def _scopes(self, username: str, ip: str) -> List[Tuple[Tuple[str, ...], int]]:
        name = username.strip().lower()
        return [
            (("pair", name, ip), self.max_failures),
            (("user", name), self.username_max_failures),
            (("address", ip), self.address_max_failures),
            (("all",), self.global_max_failures),
        ]

    def locked_for(self, username: str, ip: str) -> float:
        """Seconds sign-ins for this username from this address stay refused (0 when they may try)."""
        longest = 0.0
        for key, limit in self._scopes(username, ip):
            count, since = self._failures.get(key, (0, 0.0))
            if count < limit:
                continue
            left = since + self.lockout_s - self.clock()
            if left <= 0:
                self._failures.pop(key, None)
            else:
                longest = max(longest, left)
        return longest

    def failed(self, username: str, ip: str) -> None:
        """Record a failed sign-in in every scope; a lockout runs from the last failure."""
        now = self.clock()
        for key, _ in self._scopes(username, ip):
            count, since = self._failures.get(key, (0, now))
            if now - since > self.lockout_s:  # an old streak: start counting again
                count = 0
            self._failures[key] = (count + 1, now)
        if len(self._failures) > 10_000:  # forget the oldest entries rather than grow unbounded
            for old in sorted(self._failures, key=lambda k: self._failures[k][1])[:1000]:
                del self._failures[old]

    def succeeded(self, username: str, ip: str) -> None:
        """Forget the failures of the pair and of the username."""
        for key, _ in self._scopes(username, ip)[:2]:
            self._failures.pop(key, None)
