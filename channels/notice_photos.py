"""Photos and PDFs of a notice sent in the conversation: fetched, read, handed to the bot as fields.

Every channel that accepts a photo (the widget's upload, an MMS, a Messenger attachment) does the
same three steps here:

1. :func:`download` fetches the file from the channel's media URL (Twilio's with the account's
   basic auth; Messenger's CDN link) with a size limit and a timeout, into memory only;
2. :func:`read_photo` runs the notice reader (``notice_reader.read_notice_async``, in a worker so
   the event loop keeps serving) and keeps only the fields: code, dates, amount, tax years and the
   reader's list of problems, or ``{"error": reason}`` for a file it refused;
3. :func:`photo_message` builds the user message the bot gets: the fixed text
   :data:`PHOTO_TEXT`, intent ``notice_photo`` and the fields as the ``notice_photo_reading``
   entity, set as the message's parse data.

The OCR text never leaves the reader; the image stays in memory only (channels/notice_pages.py
holds a page that was read for 30 minutes, in case the taxpayer asks to attach it to their case;
it is stored only then). Nothing is logged but the reason a file was refused. A user cannot forge
a reading by typing: parse data can only be set by the server, the message guard strips
``/notice_photo{...}`` (never an offered button), and the action believes only an entity made
here, on a message with the ``notice_photo`` intent (typed, that intent only asks for the photo).
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional, Sequence, Tuple
from urllib.parse import urlsplit

import aiohttp
from rasa.core.channels.channel import OutputChannel, UserMessage

from channels.languages import valid_language
from channels.notice_pages import PENDING, READING_ENTITY

logger = logging.getLogger(__name__)

PHOTO_INTENT = "notice_photo"
PHOTO_TEXT = "[photo of a notice]"
EXTRACTOR = "notice_photos"
MAX_BYTES = 10 * 1024 * 1024  # the reader's own limit (notice_reader.MAX_BYTES)
DOWNLOAD_TIMEOUT_S = 15.0
READ_TIMEOUT_S = 20.0
READ_GRACE_S = 2.0  # the reader stops itself after its timeout; this is the backstop
CHUNK_BYTES = 64 * 1024
# Why a file could not be read; the bot has one reply for each (utter_notice_photo_<reason>).
ERRORS = (
    "too_large",
    "not_supported",
    "too_many_pages",
    "encrypted_pdf",
    "malformed",
    "image_bomb",
    "timeout",
    "download_failed",
)
TWILIO_API_ORIGIN = "https://api.twilio.com"

Reader = Callable[..., Awaitable[Any]]


class PhotoError(Exception):
    """A file that could not be fetched (``reason`` is one of :data:`ERRORS`)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Media:
    """A file a user sent: where to fetch it and the type the channel declared (None: unknown)."""

    url: str
    content_type: Optional[str] = None


def is_supported(content_type: Optional[str]) -> bool:
    """Whether a declared type may be a notice: any image, a PDF, or unknown (the reader checks)."""
    kind = (content_type or "").split(";")[0].strip().lower()
    return not kind or kind.startswith("image/") or kind == "application/pdf"


def _origin(url: str) -> Tuple[str, str, Optional[int]]:
    parts = urlsplit(url)
    return parts.scheme.lower(), (parts.hostname or "").lower(), parts.port


def twilio_media(params: Mapping[str, Any], api_base_url: str = TWILIO_API_ORIGIN) -> List[Media]:
    """The media of an MMS webhook (``MediaUrl0``…, ``MediaContentType0``…) that Twilio serves.

    Only links on Twilio's API (or the configured API base, a local fake in tests) are kept: the
    account's credentials are sent with the request and must not go anywhere else.
    """
    allowed = {_origin(TWILIO_API_ORIGIN), _origin(api_base_url)}
    media: List[Media] = []
    for index in range(10):
        url = params.get(f"MediaUrl{index}")
        if not isinstance(url, str) or not url:
            continue
        if _origin(url) not in allowed:
            logger.warning("notice photo: ignored an MMS media link outside Twilio's API")
            continue
        kind = params.get(f"MediaContentType{index}")
        media.append(Media(url, kind if isinstance(kind, str) else None))
    return media


async def download(
    url: str,
    *,
    auth: Optional[aiohttp.BasicAuth] = None,
    max_bytes: int = MAX_BYTES,
    timeout_s: float = DOWNLOAD_TIMEOUT_S,
) -> Tuple[bytes, Optional[str]]:
    """Fetch a file into memory; returns its bytes and the server's content type.

    Raises:
        PhotoError: ``too_large`` beyond ``max_bytes``, ``timeout``, or ``download_failed``.
    """
    if urlsplit(url).scheme not in ("http", "https"):
        raise PhotoError("download_failed")
    timeout = aiohttp.ClientTimeout(total=timeout_s)
    try:
        async with aiohttp.ClientSession(timeout=timeout) as session:
            async with session.get(url, auth=auth, allow_redirects=True) as answer:
                if answer.status != 200:
                    logger.warning("notice photo: the media server answered %d", answer.status)
                    raise PhotoError("download_failed")
                if (answer.content_length or 0) > max_bytes:
                    raise PhotoError("too_large")
                data = bytearray()
                async for chunk in answer.content.iter_chunked(CHUNK_BYTES):
                    data.extend(chunk)
                    if len(data) > max_bytes:
                        raise PhotoError("too_large")
                return bytes(data), answer.headers.get("Content-Type")
    except asyncio.TimeoutError:
        raise PhotoError("timeout") from None
    except aiohttp.ClientError as error:
        logger.warning("notice photo: download failed (%s)", type(error).__name__)
        raise PhotoError("download_failed") from None


def _default_reader() -> Reader:
    # Imported on first use: the reader loads OCR and imaging libraries the channels need only then.
    from notice_reader import read_notice_async

    return read_notice_async


def reading_fields(reading: Any) -> Dict[str, Any]:
    """The fields the bot keeps from a ``NoticeReading`` (JSON-ready; the amount as a string)."""
    amount = getattr(reading, "amount_due", None)
    notice_date, response_date = getattr(reading, "notice_date", None), getattr(reading, "response_date", None)
    return {
        "code": reading.code or None,
        "notice_date": notice_date.isoformat() if notice_date else None,
        "amount_due": f"{amount:.2f}" if amount is not None else None,
        "tax_years": [int(year) for year in (reading.tax_years or [])],
        "response_date": response_date.isoformat() if response_date else None,
        "problems": [str(problem) for problem in (reading.problems or [])],
    }


async def read_photo(
    data: bytes,
    content_type: Optional[str] = None,
    filename: Optional[str] = None,
    *,
    reader: Optional[Reader] = None,
    timeout_s: float = READ_TIMEOUT_S,
) -> Dict[str, Any]:
    """Read a notice from a file in memory: its fields, or ``{"error": reason}``."""
    if len(data) > MAX_BYTES:
        return {"error": "too_large"}
    if not is_supported(content_type):
        return {"error": "not_supported"}
    read = reader or _default_reader()
    try:
        reading = await asyncio.wait_for(
            read(data, content_type=content_type, filename=filename, timeout_s=timeout_s), timeout_s + READ_GRACE_S
        )
    except asyncio.TimeoutError:
        return {"error": "timeout"}
    except ValueError as error:  # NoticeReadError is a ValueError with a reason
        reason = getattr(error, "reason", "malformed")
        logger.info("notice photo: refused (%s)", reason)
        return {"error": reason if reason in ERRORS else "malformed"}
    except Exception as error:  # noqa: BLE001 - a reader bug must not stop the conversation
        # Only the type: the message could quote the file's text.
        logger.error("notice photo: the reader failed (%s)", type(error).__name__)
        return {"error": "malformed"}
    fields = reading_fields(reading)
    if fields["code"] or fields["notice_date"] or fields["amount_due"]:
        # Held in memory only, in case the taxpayer asks to attach the page to their case.
        fields["page_id"] = PENDING.keep(data, (content_type or "application/octet-stream").split(";")[0])
    return fields


async def read_media(
    media: Sequence[Media],
    *,
    auth: Optional[aiohttp.BasicAuth] = None,
    reader: Optional[Reader] = None,
    max_bytes: int = MAX_BYTES,
    download_timeout_s: float = DOWNLOAD_TIMEOUT_S,
) -> Dict[str, Any]:
    """Fetch and read the first file that may be a notice among what a user sent."""
    candidates = [item for item in media if is_supported(item.content_type)]
    if not candidates:
        return {"error": "not_supported"}
    item = candidates[0]
    try:
        data, served_type = await download(item.url, auth=auth, max_bytes=max_bytes, timeout_s=download_timeout_s)
    except PhotoError as error:
        return {"error": error.reason}
    return await read_photo(data, item.content_type or served_type, reader=reader)


def photo_message(
    reading: Dict[str, Any],
    output_channel: OutputChannel,
    sender_id: str,
    input_channel: str,
    metadata: Optional[Dict[str, Any]] = None,
    message_id: Optional[str] = None,
) -> UserMessage:
    """The user message that tells the bot what was read (never the image or its text)."""
    parse_data = {
        "text": PHOTO_TEXT,
        "intent": {"name": PHOTO_INTENT, "confidence": 1.0},
        "intent_ranking": [{"name": PHOTO_INTENT, "confidence": 1.0}],
        "entities": [{"entity": READING_ENTITY, "value": dict(reading), "start": 0, "end": 0, "extractor": EXTRACTOR}],
    }
    return UserMessage(
        PHOTO_TEXT,
        output_channel,
        sender_id,
        parse_data=parse_data,
        input_channel=input_channel,
        message_id=message_id,
        metadata=metadata,
    )


def origin_allowed(origin: Optional[str], allowed: Any, own_origin: str) -> bool:
    """Whether a browser page at ``origin`` may upload: the socket server's own origin rule
    (python-engineio's ``cors_allowed_origins``: None = same origin, ``"*"``, or a list)."""
    if not origin:
        return True  # not a browser's cross-site request (curl, a server)
    if allowed == "*":
        return True
    listed = [allowed] if isinstance(allowed, str) else list(allowed or [])
    return origin.rstrip("/") in [item.rstrip("/") for item in listed] or origin.rstrip("/") == own_origin


def add_widget_upload(
    blueprint: Any,
    sio: Any,
    namespace: str,
    on_message: Callable[[UserMessage], Awaitable[Any]],
    output: Callable[[], OutputChannel],
    channel: str,
) -> None:
    """``POST <channel prefix>/notice_photo``: the website widget's photo of the notice.

    A multipart form with ``file``, ``session_id`` and ``sid`` (the socket.io connection's id), and
    optionally ``language`` (``en`` / ``es``: the widget's language hint, passed as metadata).
    The upload counts only for a socket that joined that conversation's room, so nobody can put a
    reading into a conversation they are not holding open. Answers 200 once the bot has been told
    (its reply comes over the socket), 400 for a bad form, 403 for a foreign session or origin;
    bodies over the server's request limit get Sanic's 413 before this runs.
    """
    from sanic import response  # the channels' web framework; imported here to keep the module light

    def cors(request: Any, answer: Any) -> Any:
        origin = request.headers.get("Origin")
        if origin:
            answer.headers["Access-Control-Allow-Origin"] = origin
            answer.headers["Vary"] = "Origin"
        return answer

    @blueprint.route("/notice_photo", methods=["POST"])
    async def upload(request: Any) -> Any:
        own = f"{request.scheme}://{request.host}"
        if not origin_allowed(request.headers.get("Origin"), sio.eio.cors_allowed_origins, own):
            return response.json({"error": "origin not allowed"}, status=403)
        try:
            form, files = request.form, request.files
        except Exception:  # noqa: BLE001 - Sanic raises on a malformed multipart body
            form, files = None, None
        upload_file = files.get("file") if files else None
        session_id = form.get("session_id") if form else None
        sid = form.get("sid") if form else None
        if not (upload_file and isinstance(session_id, str) and session_id and isinstance(sid, str) and sid):
            return cors(request, response.json({"error": "send file, session_id and sid as a form"}, status=400))
        if session_id not in sio.rooms(sid, namespace):
            logger.warning("notice photo: refused an upload for a session its socket has not joined")
            return cors(request, response.json({"error": "unknown session"}, status=403))
        reading = await read_photo(upload_file.body, upload_file.type or None, upload_file.name or None)
        language = valid_language(form.get("language"))
        await on_message(
            photo_message(reading, output(), session_id, channel, {"language": language} if language else None)
        )
        return cors(request, response.json({"status": "read"}))
