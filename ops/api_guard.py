"""Hardening of the Rasa server's own HTTP API and of how its secret reaches it.

- **Credentials that are not ASCII** (``Authorization: Bearer`` with other characters, or a
  ``?token=``) are refused with 401 before Rasa's JWT code sees them: PyJWT raises on them and
  Rasa answered 500. So is a bearer token on Rasa's API (not the channel webhooks, whose tokens
  are their own) that is not a valid HS256 JWT of ``RASA_JWT_SECRET``: Rasa answered 500 to
  ``alg: none`` and other malformed tokens. :func:`install` wraps
  ``rasa.core.run.configure_app`` so every app Rasa builds gets this check as its first request
  middleware.
- **The JWT secret never goes on the command line** (``ps`` shows it to every local user, who
  could then call Rasa's admin API). :func:`jwt_arguments` reads it from ``RASA_JWT_SECRET`` or
  the file named by ``RASA_JWT_SECRET_FILE`` and returns the arguments ``ops.serve`` hands to
  Rasa inside the process.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Callable, List, Mapping, Optional, Sequence

import jwt
from sanic import response

CREDENTIAL_HEADERS = ("authorization",)
JWT_ALGORITHM = "HS256"
# Paths with credentials of their own (channel webhooks, the widget's socket): not Rasa's API.
OWN_CREDENTIAL_PREFIXES = ("/webhooks/", "/socket.io")


class SecretOnCommandLine(ValueError):
    """``--jwt-secret`` was given as an argument."""


def ascii_credentials(headers: Mapping[str, str], args: Mapping[str, Any]) -> bool:
    """Whether the request's credentials (if any) are plain printable ASCII."""
    values: List[str] = [headers.get(name) or "" for name in CREDENTIAL_HEADERS]
    token = args.get("token")
    values.extend(token if isinstance(token, list) else [token or ""])
    return all(isinstance(value, str) and value.isascii() and value.isprintable() for value in values)


def _refusal() -> Any:
    return response.json(
        {
            "version": "",
            "status": "failure",
            "reason": "NotAuthenticated",
            "message": "The credentials are not valid.",
            "code": 401,
        },
        status=401,
    )


def valid_jwt(token: str, secret: str) -> bool:
    """Whether ``token`` is an HS256 JWT signed with ``secret`` (and not expired)."""
    try:
        jwt.decode(token, secret, algorithms=[JWT_ALGORITHM])
    except (jwt.PyJWTError, ValueError, TypeError):
        return False
    return True


def credentials_check(jwt_secret: Optional[str]) -> Callable[[Any], Any]:
    """Sanic request middleware: 401 for credentials that are not printable ASCII, and for a
    bearer token on Rasa's API that is not a valid JWT (when the secret is known)."""

    async def refuse(request: Any) -> Optional[Any]:
        if not ascii_credentials(request.headers, request.args):
            return _refusal()
        header = request.headers.get("authorization") or ""
        scheme, _, token = header.partition(" ")
        if (
            jwt_secret
            and scheme.lower() == "bearer"
            and not str(request.path).startswith(OWN_CREDENTIAL_PREFIXES)
            and not valid_jwt(token.strip(), jwt_secret)
        ):
            return _refusal()
        return None

    return refuse


refuse_odd_credentials = credentials_check(None)


def install(jwt_secret: Optional[str] = None) -> None:
    """Make every Rasa app check credentials first (idempotent)."""
    import rasa.core.run

    original: Callable[..., Any] = rasa.core.run.configure_app
    if getattr(original, "_api_guard", False):
        return
    check = credentials_check(jwt_secret)

    @functools.wraps(original)
    def configure_app(*args: Any, **kwargs: Any) -> Any:
        app = original(*args, **kwargs)
        app.register_middleware(check, "request")
        # Sanic runs request middleware in registration order: ours goes first.
        app.request_middleware.appendleft(app.request_middleware.pop())
        return app

    configure_app._api_guard = True  # type: ignore[attr-defined]
    rasa.core.run.configure_app = configure_app


def jwt_arguments(argv: Sequence[str], environ: Mapping[str, str]) -> List[str]:
    """``--jwt-secret=<secret>`` from the environment or its file ([] when neither is set); one
    argument, so a secret that starts with "-" is not read as another option.

    Raises:
        SecretOnCommandLine: ``argv`` already carries ``--jwt-secret``.
    """
    if any(arg == "--jwt-secret" or arg.startswith("--jwt-secret=") for arg in argv):
        raise SecretOnCommandLine(
            "pass the JWT secret as RASA_JWT_SECRET or RASA_JWT_SECRET_FILE, "
            "not as --jwt-secret (the command line is visible to every local user)"
        )
    secret = (environ.get("RASA_JWT_SECRET") or "").strip()
    path = (environ.get("RASA_JWT_SECRET_FILE") or "").strip()
    if not secret and path:
        secret = Path(path).read_text(encoding="utf-8").strip()
    return [f"--jwt-secret={secret}"] if secret else []
