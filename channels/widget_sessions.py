"""Website-widget sessions the server issues and binds to one socket.

The browser never chooses its conversation. On ``session_request`` the server either resumes the
session named by a token it issued earlier (the widget keeps it in localStorage, so a reload
goes on with the same conversation) or issues a new one:

- a **token** is ``<nonce>.<tag>``: 16 random bytes (128 bits) and an HMAC-SHA256 tag over them
  with ``WIDGET_SESSION_SECRET``, both base64url; a token the server did not sign is never
  resumed (the caller gets a fresh session instead);
- the **conversation id** is ``web:`` and a digest of the token (channels/identity.py), so knowing
  a conversation id (in the desk, in logs) does not give its token;
- the socket that got or resumed the session is **bound** to it: its messages go to that
  conversation whatever ``session_id`` they carry, and a socket without a session is ignored.

``WIDGET_SESSION_SECRET`` (or a file named by ``WIDGET_SESSION_SECRET_FILE``) must be the same on
every replica; without it a random per-process secret is used, and sessions do not survive a
restart (a warning says so).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import logging
import os
import secrets
from pathlib import Path
from typing import Dict, Mapping, Optional

from channels.identity import WEB, scoped

logger = logging.getLogger(__name__)

NONCE_BYTES = 16
TAG_BYTES = 16
MAX_TOKEN_CHARS = 100


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode("ascii").rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def load_secret(environ: Mapping[str, str]) -> bytes:
    """The signing secret from ``WIDGET_SESSION_SECRET`` or ``WIDGET_SESSION_SECRET_FILE``;
    a random one (sessions end with the process) when neither is set."""
    value = (environ.get("WIDGET_SESSION_SECRET") or "").strip()
    path = (environ.get("WIDGET_SESSION_SECRET_FILE") or "").strip()
    if not value and path:
        value = Path(path).read_text(encoding="utf-8").strip()
    if value:
        return value.encode("utf-8")
    logger.warning("WIDGET_SESSION_SECRET is not set: widget sessions will not survive a restart")
    return secrets.token_bytes(32)


class WidgetSessions:
    """Issues and checks session tokens, and remembers which socket holds which conversation."""

    def __init__(self, secret: bytes) -> None:
        self._secret = secret
        self._bound: Dict[str, str] = {}

    def _tag(self, nonce: bytes) -> bytes:
        return hmac.new(self._secret, b"widget-session:" + nonce, hashlib.sha256).digest()[:TAG_BYTES]

    def issue(self) -> str:
        """A new token."""
        nonce = secrets.token_bytes(NONCE_BYTES)
        return f"{_b64(nonce)}.{_b64(self._tag(nonce))}"

    def valid(self, token: object) -> bool:
        """Whether ``token`` is one this server (or a replica with the same secret) issued."""
        if not isinstance(token, str) or len(token) > MAX_TOKEN_CHARS or token.count(".") != 1:
            return False
        nonce_text, tag_text = token.split(".")
        try:
            nonce, tag = _unb64(nonce_text), _unb64(tag_text)
        except (ValueError, UnicodeEncodeError):
            return False
        return len(nonce) == NONCE_BYTES and hmac.compare_digest(tag, self._tag(nonce))

    @staticmethod
    def conversation_id(token: str) -> str:
        """The conversation a token opens: ``web:`` and 128 bits of its SHA-256."""
        return scoped(WEB, hashlib.sha256(token.encode("ascii")).hexdigest()[:32])

    def open(self, sid: str, requested: object) -> str:
        """Bind socket ``sid`` to the session of ``requested`` when it is a valid token, else to
        a new session; returns the token the socket now holds."""
        token = requested if self.valid(requested) else self.issue()
        assert isinstance(token, str)
        self._bound[sid] = self.conversation_id(token)
        return token

    def conversation_of(self, sid: str) -> Optional[str]:
        """The conversation socket ``sid`` is bound to, or None."""
        return self._bound.get(sid)

    def close(self, sid: str) -> None:
        """Forget a disconnected socket."""
        self._bound.pop(sid, None)


def from_environment() -> WidgetSessions:
    """Sessions signed with the configured secret."""
    return WidgetSessions(load_secret(os.environ))
