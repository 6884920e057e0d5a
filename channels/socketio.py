"""Rasa's socket.io channel, plus the handoff signs the website chat widget shows.

Rasa's ``SocketIOOutput`` emits only ``text`` (and buttons), so the widget could not tell a tax
pro's message from the bot's. This output adds two fields to the emitted text payloads:

- ``from_pro``: the pro's username, for a message the agent desk sent (a ``bot`` event with
  metadata ``{"from_pro": "<username>"}``; Rasa merges the metadata into the message);
- ``handed_back: true``: the bot's ``utter_handed_back`` response (the pro gave the chat back);
- ``language``: ``en`` or ``es`` when the message is a domain response whose language is known
  (channels/languages.py), so the widget shows its own strings in the conversation's language.

The widget sends its language hint as message metadata ``{"language": "es"}`` (its browser's
language or the taxpayer's EN | ES switch); only ``en`` and ``es`` pass (channels/metadata.py).

Every user message passes the message guard (channels/guard.py) before Rasa sees it.

Sessions are issued by the server and bound to the socket (channels/widget_sessions.py): the
widget's ``session_request`` may carry the token it was given earlier (``session_id``), and the
server answers ``session_confirm`` with the token the socket now holds (the same one, or a new
one when it was not a token this server issued). Messages go to the socket's own conversation
(``web:<digest>``) whatever ``session_id`` they carry; a socket without a session is ignored.
Packets nested too deeply, carrying NaN/Infinity or otherwise unreadable end the connection;
metadata keeps only the allowed fields (channels/metadata.py).

Same channel name (``socketio``), so ``output_channel=latest`` and ``channel: socketio`` response
variants keep working. In credentials.yml, instead of ``socketio:``::

    channels.socketio.SocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Mapping, Optional

from rasa.core.channels import socketio as rasa_socketio
from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint
from socketio import AsyncRedisManager, AsyncServer, packet

from channels import notice_pages, notice_photos
from channels.client_address import environ_address
from channels.guard import MessageGuard
from channels.guard_settings import get_guard_settings
from channels.identity import WEB, ForeignId, local_part
from channels.languages import response_language
from channels.metadata import loads_bounded, sanitize_metadata
from channels.widget_sessions import WidgetSessions, from_environment

logger = logging.getLogger(__name__)

# Carries the client address from the socket handler to the guard; removed before Rasa sees it.
_ADDRESS_KEY = "__client_address__"
# The response the agent desk runs when a pro hands the conversation back (desk.rasa_client).
HANDED_BACK_RESPONSE = "utter_handed_back"


def handoff_fields(message: Dict[str, Any]) -> Dict[str, Any]:
    """The widget's handoff fields for one outgoing message (the keyword arguments Rasa passes).

    Args:
        message: the rest of the message Rasa hands to a send method (metadata merged in,
            ``utter_action`` naming the response the text came from).

    Returns:
        ``{"from_pro": username}``, ``{"handed_back": True}`` or ``{}``.
    """
    pro = message.get("from_pro")
    if isinstance(pro, str) and pro:
        return {"from_pro": pro}
    if message.get("utter_action") == HANDED_BACK_RESPONSE:
        return {"handed_back": True}
    return {}


class _BoundedJson:
    """The json module python-socketio decodes packets with, refusing deep nesting and NaN."""

    dumps = staticmethod(json.dumps)
    loads = staticmethod(loads_bounded)


class GuardedPacket(packet.Packet):
    """A socket.io packet whose JSON is read with limits (:func:`channels.metadata.loads_bounded`):
    nesting too deep or NaN/Infinity raise ValueError, and :func:`drop_malformed` then closes the
    connection."""

    json = _BoundedJson


def drop_malformed(sio: AsyncServer) -> None:
    """Close the connection of a client whose packet cannot be read (malformed, nested too deeply,
    NaN, an unexpected packet type) instead of letting python-socketio log a traceback and keep it.

    python-socketio registers its packet handler with engine.io when the server is built, so the
    guarded handler is registered in its place."""
    handle = sio._handle_eio_message

    async def guarded(eio_sid: str, data: Any) -> None:
        try:
            await handle(eio_sid, data)
        except (ValueError, RecursionError):
            logger.warning("socketio: dropped a client that sent a malformed packet")
            await sio.eio.disconnect(eio_sid)

    sio.eio.on("message", guarded)


def _room(recipient_id: str) -> Optional[str]:
    """The room of a widget conversation; None (logged) for another channel's conversation."""
    try:
        local_part(recipient_id, WEB)
    except ForeignId as refused:
        logger.error("socketio: not sent: %s", refused)
        return None
    return recipient_id


def widget_fields(message: Dict[str, Any], responses: Optional[Mapping[str, Any]] = None) -> Dict[str, Any]:
    """The handoff fields (:func:`handoff_fields`) and the message's ``language`` when known."""
    fields = handoff_fields(message)
    language = None if "from_pro" in fields else response_language(message, responses)
    return {**fields, "language": language} if language else fields


class SocketIOOutput(rasa_socketio.SocketIOOutput):
    """Rasa's socket.io output; text payloads also carry ``from_pro`` / ``handed_back`` /
    ``language``; nothing is emitted to another channel's conversation."""

    def __init__(
        self, sio: Any, bot_message_evt: str, responses: Optional[Callable[[], Optional[Mapping[str, Any]]]] = None
    ) -> None:
        """Rasa's arguments, and where the domain's responses come from (to tell an English
        variation of a bilingual response from a text of unknown language)."""
        super().__init__(sio, bot_message_evt)
        self._responses = responses

    def _fields(self, message: Dict[str, Any]) -> Dict[str, Any]:
        try:
            responses = self._responses() if self._responses is not None else None
        except Exception:  # noqa: BLE001 - no domain at hand: the language is simply not sent
            responses = None
        return widget_fields(message, responses)

    async def _send_message(self, socket_id: str, response: Any) -> None:
        """Emit to the conversation's room (Rasa's images, attachments, custom payloads)."""
        if _room(socket_id) is not None:
            await super()._send_message(socket_id, response)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Emit ``{"text": part, ...handoff fields, language}`` for each paragraph, as Rasa does."""
        fields = self._fields(kwargs)
        if _room(recipient_id) is None:
            return
        for part in text.strip().split("\n\n"):
            await self.sio.emit(self.bot_message_evt, {"text": part, **fields}, room=recipient_id)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Emit one payload per paragraph; the last carries the buttons as ``quick_replies``."""
        fields = self._fields(kwargs)
        if _room(recipient_id) is None:
            return
        parts = text.strip().split("\n\n") or [text]
        messages: List[Dict[str, Any]] = [{"text": part, "quick_replies": [], **fields} for part in parts]
        messages[-1]["quick_replies"] = [
            {"content_type": "text", "title": button["title"], "payload": button["payload"]} for button in buttons
        ]
        for message in messages:
            await self.sio.emit(self.bot_message_evt, message, room=recipient_id)


def allowed_origins(value: Optional[str]) -> Optional[List[str]]:
    """The web origins allowed to open a socket, from ``CORS_ORIGINS`` (comma or space separated).

    Unset or empty: None, which python-engineio reads as "same origin only". ``*`` allows any.
    """
    origins = [origin.strip().rstrip("/") for origin in (value or "").replace(",", " ").split()]
    return [origin for origin in origins if origin] or None


def configure_server(sio: AsyncServer, environ: Mapping[str, str]) -> None:
    """Restrict the socket.io server's origins and, with several replicas, share its rooms.

    Rasa builds the server with CORS checks switched off. ``SOCKETIO_MESSAGE_QUEUE`` (a Redis
    URL) gives it python-socketio's Redis client manager, so a message emitted on one replica
    (a pro's reply posted to any replica's HTTP API) reaches a socket held by another;
    ``SOCKETIO_CHANNEL`` names the Redis pub/sub channel (one per deployment). Must run before
    the first connection, which is when python-socketio initialises its client manager.
    """
    origins = allowed_origins(environ.get("CORS_ORIGINS"))
    sio.eio.cors_allowed_origins = "*" if origins == ["*"] else origins
    queue = (environ.get("SOCKETIO_MESSAGE_QUEUE") or "").strip()
    if queue:
        manager = AsyncRedisManager(queue, channel=environ.get("SOCKETIO_CHANNEL") or "socketio")
        manager.set_server(sio)
        sio.manager = manager
        sio.manager_initialized = False


class SocketIOInput(rasa_socketio.SocketIOInput):
    """Rasa's socket.io input, answering through :class:`SocketIOOutput`.

    Replies to the user's own messages and messages pushed through the HTTP API
    (``output_channel=latest``, used by the agent desk) both go through the output above.
    """

    def __init__(
        self, *args: Any, guard: Optional[MessageGuard] = None, sessions: Optional[WidgetSessions] = None, **kwargs: Any
    ) -> None:
        """Rasa's arguments, plus the message guard (default: one for this channel, from the
        environment) and the session issuer (default: signed with ``WIDGET_SESSION_SECRET``)."""
        super().__init__(*args, **kwargs)
        self.guard = guard or MessageGuard(self.name())
        self.sessions = sessions or from_environment()
        self._addresses: Dict[str, str] = {}  # socket id -> client address

    def get_output_channel(self) -> Optional[OutputChannel]:
        """The output for messages pushed through Rasa's HTTP API (None before the server starts)."""
        if self.sio is None:
            return super().get_output_channel()  # warns and returns None, as Rasa does
        return self._output()

    def _output(self) -> SocketIOOutput:
        view = self.guard.view
        return SocketIOOutput(self.sio, self.bot_message_evt, getattr(view, "responses", None))

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's socket.io blueprint: each user message guarded, then answered through our output."""
        on_new_message = notice_pages.with_page_consent(on_new_message)  # inside the guard

        async def answer_with_our_output(message: UserMessage) -> Any:
            if self.sio is not None:
                message.output_channel = self._output()
            if self.sessions.valid(message.sender_id):  # the photo upload names its session by token
                message.sender_id = self.sessions.conversation_id(str(message.sender_id))
            metadata = message.metadata if isinstance(message.metadata, dict) else {}
            address = metadata.pop(_ADDRESS_KEY, None)
            return await self.guard.process(message, on_new_message, address=address)

        blueprint = super().blueprint(answer_with_our_output)
        configure_server(self.sio, os.environ)
        self.sio.packet_class = GuardedPacket
        drop_malformed(self.sio)
        self.guard.attach(blueprint)
        namespace = self.namespace or "/"
        handlers = self.sio.handlers[namespace]
        rasa_connect, rasa_disconnect = handlers["connect"], handlers["disconnect"]
        rasa_handler = handlers[self.user_message_evt]
        proxies = get_guard_settings().proxies

        async def connect(sid: str, environ: Any, auth: Any = None) -> Any:
            self._addresses[sid] = environ_address(environ, proxies)
            return await rasa_connect(sid, environ, auth)

        async def disconnect(sid: str) -> None:
            self.sessions.close(sid)
            self._addresses.pop(sid, None)
            await rasa_disconnect(sid)

        self.sio.on("connect", connect, namespace=namespace)
        self.sio.on("disconnect", disconnect, namespace=namespace)
        self.sio.on("session_request", self._session_request, namespace=namespace)
        self.sio.on(self.user_message_evt, self._checked(rasa_handler), namespace=namespace)
        notice_photos.add_widget_upload(
            blueprint, self.sio, namespace, answer_with_our_output, self._output, self.name()
        )
        return blueprint

    async def _session_request(self, sid: str, data: Any = None) -> None:
        """Bind the socket to the session its token names, or to a new one; confirm the token.

        The socket joins its conversation's room (replies) and its token's room (the photo
        upload proves it holds the socket by naming a room the socket is in)."""
        namespace = self.namespace or "/"
        requested = data.get("session_id") if isinstance(data, dict) else None
        for room in self.sio.rooms(sid, namespace):
            if room != sid:
                self.sio.leave_room(sid, room, namespace=namespace)
        token = self.sessions.open(sid, requested)
        if requested is not None and requested != token:
            logger.info("socketio: a session token this server did not issue was replaced by a new session")
        self.sio.enter_room(sid, self.sessions.conversation_id(token), namespace=namespace)
        self.sio.enter_room(sid, token, namespace=namespace)
        await self.sio.emit("session_confirm", token, room=sid, namespace=namespace)

    def _checked(self, rasa_handler: Callable[[str, Any], Awaitable[Any]]) -> Callable[[str, Any], Awaitable[Any]]:
        """Rasa's message handler behind a shape check: Rasa raises on a non-text message or
        non-object metadata; here such a message is dropped, its metadata ignored, or its text
        emptied (the guard then asks for text)."""

        async def handle_message(sid: str, data: Any = None) -> None:
            conversation = self.sessions.conversation_of(sid)
            if conversation is None:
                logger.warning("socketio: ignored a message from a socket without a session")
                return
            if not isinstance(data, dict):
                logger.warning("socketio: ignored a message that is not an object")
                return
            metadata = data.get(self.metadata_key)
            if isinstance(metadata, str):
                try:
                    metadata = loads_bounded(metadata)
                except ValueError:
                    metadata = None
            message = data.get("message", "")
            checked = {
                "session_id": conversation,
                "message": message if isinstance(message, str) else "",
                self.metadata_key: {
                    **(sanitize_metadata(metadata) or {}),
                    _ADDRESS_KEY: self._addresses.get(sid, "unknown"),
                },
            }
            await rasa_handler(sid, checked)

        return handle_message
