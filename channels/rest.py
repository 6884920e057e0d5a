"""Rasa's REST channel behind the message guard, with clear HTTP errors for hostile requests.

Same channel name (``rest``), so the webhook stays ``/webhooks/rest/webhook``. In credentials.yml,
instead of ``rest:``::

    channels.rest.RestInput:

What changes against Rasa's ``RestInput``:

- the body is read up to ``REST_MAX_BODY_BYTES`` (413 beyond, before parsing);
- it must be ``Content-Type: application/json``, valid UTF-8 and a JSON object with string
  ``sender`` (1-255 characters) and ``message``, and ``metadata`` an object if given: 400 otherwise,
  with ``{"error": ..., "detail": ...}``, never a traceback;
- every message goes through :class:`channels.guard.MessageGuard`: 429 with ``Retry-After`` over
  the rate limit, 503 when the bot failed (with the polite reply in ``messages``);
- ``input_channel`` from the body is ignored (a client could otherwise pose as another channel and
  have a tax pro's replies pushed there), and replies are never streamed (``?stream`` is ignored);
- the conversation is ``rest:<sender>`` (channels/identity.py): a REST client can never name an
  SMS, Messenger or widget conversation; ``sender`` may use letters, digits and ``._~@+-`` only;
- with ``REST_TOKEN`` set, every request needs ``Authorization: Bearer <REST_TOKEN>`` (401
  otherwise); the production profile (``BOT_PROFILE=production``) without a token switches the
  channel off (403);
- metadata keeps only the fields the project reads (channels/metadata.py); JSON nested deeper
  than the limit is a 400.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Dict, Optional

from rasa.core.channels import rest as rasa_rest
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels.client_address import client_address
from channels.guard import MessageGuard, OnNewMessage, Verdict
from channels.guard_settings import GuardSettings, get_guard_settings
from channels.identity import LOCAL_ID, MAX_LOCAL_CHARS, REST, scoped
from channels.metadata import TooDeep, loads_bounded, sanitize_metadata
from channels.secrets import same_secret

MAX_SENDER_CHARS = MAX_LOCAL_CHARS


@dataclass(frozen=True)
class RestRequest:
    """A valid REST message."""

    sender: str
    message: str
    metadata: Optional[Dict[str, Any]]


class BadRequest(ValueError):
    """The request cannot be a REST message; the text says why (safe to show the client)."""


def parse_request(content_type: str, body: bytes) -> RestRequest:
    """Read a REST request body, or raise :class:`BadRequest` saying what is wrong.

    Args:
        content_type: the request's ``Content-Type`` header.
        body: the raw body.
    """
    mime, *parameters = content_type.lower().split(";")
    options = dict(p.strip().split("=", 1) for p in parameters if "=" in p)
    charset = options.get("charset", "utf-8").strip().strip('"')
    if mime.strip() != "application/json" or charset not in ("utf-8", "utf8"):
        raise BadRequest("Content-Type must be application/json (UTF-8)")
    try:
        data = loads_bounded(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise BadRequest("the body is not valid UTF-8") from None
    except TooDeep:
        raise BadRequest("the body is nested too deeply") from None
    except ValueError:
        raise BadRequest("the body is not valid JSON (NaN and Infinity are not JSON)") from None
    if not isinstance(data, dict):
        raise BadRequest("the body must be a JSON object with 'sender' and 'message'")
    sender, message, metadata = data.get("sender"), data.get("message"), data.get("metadata")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > MAX_SENDER_CHARS:
        raise BadRequest(f"'sender' must be a non-empty string of at most {MAX_SENDER_CHARS} characters")
    if not LOCAL_ID.match(sender):  # it becomes a tracker key and a URL segment of Rasa's API
        raise BadRequest("'sender' may only use letters, digits and . _ ~ @ + -")
    if not isinstance(message, str):
        raise BadRequest("'message' must be a string")
    if metadata is not None and not isinstance(metadata, dict):
        raise BadRequest("'metadata' must be a JSON object")
    return RestRequest(sender, message, sanitize_metadata(metadata))


async def read_body(request: Request, limit: int) -> Optional[bytes]:
    """The request body, or None when it is longer than ``limit`` bytes.

    The route streams, so Sanic has not read the body: a declared Content-Length over the limit
    is refused without reading, and a chunked body is read only up to the limit. Sanic discards
    the rest after the response, so the client still reads the 413.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.strip().isdigit() and int(declared) > limit:
        return None
    stream = request.stream
    if stream is None or not getattr(stream, "request_body", None):
        return request.body or b""
    chunks, size = [], 0
    async for chunk in stream:
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    request.body = b"".join(chunks)
    return request.body


def _error(status: int, error: str, detail: str, **extra: Any) -> HTTPResponse:
    return response.json({"error": error, "detail": detail, **extra}, status=status)


class RestInput(rasa_rest.RestInput):
    """Rasa's REST channel, guarded. Channel name ``rest``."""

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> RestInput:
        """The channel (its credentials.yml block takes no values)."""
        return cls()

    def __init__(self, settings: Optional[GuardSettings] = None, guard: Optional[MessageGuard] = None) -> None:
        """Args:
        settings: limits, ``REST_TOKEN`` and the profile (default: read from the environment).
        guard: the message guard (default: one for this channel with these settings).
        """
        self.settings = settings or get_guard_settings()
        self.guard = guard or MessageGuard(self.name(), self.settings)

    def _refusal(self, request: Request) -> Optional[HTTPResponse]:
        """403 when the channel is off (production without a token), 401 without the right token."""
        token = self.settings.rest_token
        if not token:
            if self.settings.production:
                return _error(403, "forbidden", "the REST channel is off in production unless REST_TOKEN is set")
            return None
        given = request.headers.get("authorization") or ""
        scheme, _, value = given.partition(" ")
        if scheme.lower() != "bearer" or not same_secret(value.strip(), token):
            refused = _error(401, "unauthorized", "this endpoint needs 'Authorization: Bearer <REST_TOKEN>'")
            refused.headers["WWW-Authenticate"] = "Bearer"
            return refused
        return None

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """``GET /`` (health) and ``POST /webhook``."""
        webhook = Blueprint("custom_webhook_RestInput", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"], stream=True)
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        self.guard.attach(webhook)
        return webhook

    async def _receive(self, request: Request, on_new_message: OnNewMessage) -> HTTPResponse:
        refused = self._refusal(request)
        if refused is not None:
            return refused
        body = await read_body(request, self.settings.rest_max_body_bytes)
        if body is None:
            return _error(
                413, "payload_too_large", f"the request body is larger than {self.settings.rest_max_body_bytes} bytes"
            )
        try:
            parsed = parse_request(request.headers.get("content-type", ""), body)
        except BadRequest as problem:
            return _error(400, "bad_request", str(problem))
        collector = CollectingOutputChannel()
        message = UserMessage(
            parsed.message, collector, scoped(REST, parsed.sender), input_channel=self.name(), metadata=parsed.metadata
        )
        address = client_address(request, self.settings.proxies)
        result = await self.guard.process(message, on_new_message, address=address)
        if result.verdict is Verdict.RATE_LIMITED:
            seconds = result.retry_after_s
            limited = _error(
                429,
                "too_many_requests",
                f"too many messages or new conversations from this client; retry in {seconds} s",
                retry_after=seconds,
            )
            limited.headers["Retry-After"] = str(seconds)
            return limited
        if result.verdict is Verdict.FAILED:
            return _error(
                503,
                "service_unavailable",
                "the bot could not handle the message; try again later",
                messages=collector.messages,
            )
        return response.json(collector.messages)
