"""The project's action server: rasa-sdk's ActionExecutor behind error responses that echo nothing.

Run it with ``python -m ops.action_server [--port N]`` instead of ``rasa run actions``. It serves the
same routes (``POST /webhook``, ``GET /actions``, ``GET /health``) for the same Rasa, but:

- no error response carries anything from the request (rasa-sdk 3.6 answers an exception with the
  whole tracker in ``request_body``): errors are ``{"error": "<fixed text>"}``, plus the registered
  ``action_name`` on a rejection (Rasa reads it) and an ``error_id`` on a 500;
- a failing action is logged with its name, exception type, stack and that error id: not the
  tracker, the exception's message (it may quote a slot) or the sender id (an SMS sender is a phone
  number);
- bodies above ``ACTION_SERVER_MAX_BODY_BYTES`` are refused with 413, before or after deflate;
- with ``ACTION_SERVER_TOKEN`` set, ``/webhook`` and ``/actions`` need ``?token=<value>``, which is
  what Rasa sends for ``action_endpoint: {url: ..., token: ...}`` in endpoints.yml. The access log
  is off, so the token does not end up in it.
"""

from __future__ import annotations

import argparse
import hmac
import json
import logging
import time
import traceback
import uuid
import zlib
from pathlib import Path
from typing import Any, Dict, List, Optional, Union

from pydantic import SecretStr, validator
from rasa_sdk import utils as sdk_utils
from rasa_sdk.executor import ActionExecutor
from rasa_sdk.interfaces import ActionExecutionRejection, ActionNotFoundException
from sanic import Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import HTTPResponse
from sanic.response import json as json_response

from ops.action_domain import DOMAIN_FILE, load_domain, with_domain
from settings.base import EnvSettings

logger = logging.getLogger(__name__)

APP_NAME = "action_server"
JSON_TYPES = ("application/json",)
ENCODINGS = ("", "identity", "deflate")
# What each refusal says: fixed texts, so nothing from the request can reach a response.
MESSAGES = {
    400: "bad request",
    401: "unauthorized",
    404: "not found",
    405: "method not allowed",
    413: "request too large",
    415: "unsupported media type",
    500: "internal error",
}


class ActionServerSettings(EnvSettings):
    """Settings of the action server (environment variables in capitals)."""

    actions_host: str = "127.0.0.1"
    actions_port: int = 5055
    actions_package: str = "actions"
    action_server_token: Optional[SecretStr] = None
    action_server_max_body_bytes: int = 8_000_000
    actions_domain: Path = DOMAIN_FILE

    @validator("action_server_max_body_bytes")
    def _positive(cls, value: int) -> int:
        if value < 1024:
            raise ValueError("ACTION_SERVER_MAX_BODY_BYTES must be at least 1024")
        return value

    @property
    def token(self) -> Optional[str]:
        """The shared token, or None when requests need none (an empty value counts as none)."""
        value = self.action_server_token.get_secret_value() if self.action_server_token else ""
        return value or None


class Refused(SanicException):
    """A request refused with one of the fixed :data:`MESSAGES`."""

    def __init__(self, status: int) -> None:
        super().__init__(MESSAGES[status], status_code=status)


def error(status: int, **extra: Any) -> HTTPResponse:
    """A JSON error response with the fixed message for ``status``."""
    return json_response({"error": MESSAGES.get(status, "request refused"), **extra}, status=status)


def create_app(
    settings: ActionServerSettings, package: Union[str, Any, None] = None, executor: Optional[ActionExecutor] = None
) -> Sanic:
    """Build the action server.

    Args:
        settings: port, token and body limit.
        package: the package (or module) whose actions to serve; default ``settings.actions_package``.
        executor: serve this executor's actions instead (tests register functions on one).
    """
    app = Sanic(APP_NAME, configure_logging=False)
    app.config.REQUEST_MAX_SIZE = settings.action_server_max_body_bytes
    if executor is None:
        executor = ActionExecutor()
        executor.register_package(package or settings.actions_package)
    app.ctx.executor = executor
    app.ctx.settings = settings
    domain = load_domain(settings.actions_domain)  # Rasa sends none (enable_selective_domain)

    @app.get("/health")
    async def health(_: Request) -> HTTPResponse:
        return json_response({"status": "ok"})

    @app.get("/actions")
    async def actions(request: Request) -> HTTPResponse:
        _check_token(request, settings)
        return json_response([{"name": name} for name in executor.actions])

    @app.post("/webhook")
    async def webhook(request: Request) -> HTTPResponse:
        _check_token(request, settings)
        call = _action_call(request, settings.action_server_max_body_bytes)
        return await _run(executor, with_domain(call, domain))

    app.error_handler.add(Exception, _on_error)
    return app


def _check_token(request: Request, settings: ActionServerSettings) -> None:
    expected = settings.token
    if expected is None:
        return
    given = request.args.get("token") or ""
    if not hmac.compare_digest(given.encode(), expected.encode()):
        raise Refused(401)


def _action_call(request: Request, limit: int) -> Dict[str, Any]:
    """The JSON body of an action call, decompressed when Rasa deflated it (bounded by ``limit``)."""
    if (request.content_type or "").split(";")[0].strip().lower() not in JSON_TYPES:
        raise Refused(415)
    encoding = (request.headers.get("Content-Encoding") or "").strip().lower()
    if encoding not in ENCODINGS:
        raise Refused(415)
    body = request.body
    if encoding == "deflate":
        body = _inflate(body, limit)
    try:
        call = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise Refused(400) from None
    if (
        not isinstance(call, dict)
        or not isinstance(call.get("next_action"), str)
        or not call["next_action"]
        or not isinstance(call.get("tracker"), dict)
        or not isinstance(call.get("version"), (str, type(None)))
    ):
        raise Refused(400)
    return call


def _inflate(body: bytes, limit: int) -> bytes:
    inflater = zlib.decompressobj()
    try:
        data = inflater.decompress(body, limit + 1)
    except zlib.error:
        raise Refused(400) from None
    if len(data) > limit or inflater.unconsumed_tail:
        raise Refused(413)  # a small deflated body can expand a thousandfold
    return data


async def _run(executor: ActionExecutor, call: Dict[str, Any]) -> HTTPResponse:
    name = call["next_action"]
    sdk_utils.check_version_compatibility(call.get("version"))
    try:
        result = await executor.run(call)
    except ActionNotFoundException:
        logger.error("Rasa asked for an action this server does not have")
        return error(404)
    except ActionExecutionRejection as exc:
        # Rasa reads action_name from a 400 to predict another action; the rejection's own message
        # is not passed on, since an action may have put the user's words in it.
        rejected = exc.action_name if exc.action_name in executor.actions else name
        logger.info("Action %s rejected to run", rejected)
        return error(400, action_name=rejected)
    except Exception as exc:  # noqa: BLE001 - one failing action must not take details out with it
        return _internal_error(exc, f"Action {name if name in executor.actions else '(unknown)'}")
    return json_response(result)


def _internal_error(exc: BaseException, what: str) -> HTTPResponse:
    error_id = uuid.uuid4().hex[:12]
    logger.error("%s failed (error id %s): %s\n%s", what, error_id, type(exc).__name__, _stack(exc))
    return error(500, error_id=error_id)


def _stack(exc: BaseException) -> str:
    """Where ``exc`` was raised (files, lines, code), without its message."""
    return "".join(traceback.format_tb(exc.__traceback__)).rstrip()


def _on_error(request: Request, exc: Exception) -> HTTPResponse:
    if isinstance(exc, SanicException) and exc.status_code < 500:
        return error(exc.status_code)
    return _internal_error(exc, f"{request.method} {request.path}")


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Command-line options; each defaults to its environment setting."""
    parser = argparse.ArgumentParser(
        prog="python -m ops.action_server", description="Serve the project's custom actions to Rasa."
    )
    parser.add_argument("--port", type=int, help="port (default: ACTIONS_PORT or 5055)")
    parser.add_argument("--host", help="interface (default: ACTIONS_HOST or 127.0.0.1)")
    parser.add_argument("--actions", help="package of actions (default: ACTIONS_PACKAGE or actions)")
    return parser.parse_args(argv)


def warm_up() -> None:
    """Train the sentence classifiers before serving (about 3 s on 2 cores): a first message, or the first
    after a restart, would otherwise wait for them and could run past Rasa's action timeout."""
    from understanding.question_classifier import question_classifier
    from understanding.situation_classifier import situation_classifier

    started = time.perf_counter()
    question_classifier()
    situation_classifier()
    logger.info("Sentence classifiers trained in %.1f s", time.perf_counter() - started)


def main(argv: Optional[List[str]] = None) -> None:
    """Read the settings and options, then serve until interrupted."""
    args = parse_args(argv)
    from ops.files import DEFAULT_DATA_DIR, secure_data_dir

    secure_data_dir(DEFAULT_DATA_DIR)  # the case database and the spool: 0600 files in a 0700 folder
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)-8s %(name)s  - %(message)s")
    overrides = {
        key: value
        for key, value in (("actions_port", args.port), ("actions_host", args.host), ("actions_package", args.actions))
        if value is not None
    }
    settings = ActionServerSettings(**overrides)
    app = create_app(settings)
    warm_up()
    from ops.gc_freeze import freeze

    freeze()  # full garbage collections skip the SDK and the actions loaded at start
    logger.info(
        "Action server on http://%s:%d (%d actions, token %s, body limit %d bytes)",
        settings.actions_host,
        settings.actions_port,
        len(app.ctx.executor.actions),
        "required" if settings.token else "not required",
        settings.action_server_max_body_bytes,
    )
    app.run(
        host=settings.actions_host,
        port=settings.actions_port,
        access_log=False,
        workers=sdk_utils.number_of_sanic_workers(),
    )


if __name__ == "__main__":
    main()
