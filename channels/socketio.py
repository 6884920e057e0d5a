"""Rasa's socket.io channel, plus the handoff signs the website chat widget shows.

Rasa's ``SocketIOOutput`` emits only ``text`` (and buttons), so the widget could not tell a tax
pro's message from the bot's. This output adds two fields to the emitted text payloads:

- ``from_pro``: the pro's username, for a message the agent desk sent (a ``bot`` event with
  metadata ``{"from_pro": "<username>"}``; Rasa merges the metadata into the message);
- ``handed_back: true``: the bot's ``utter_handed_back`` response (the pro gave the chat back).

Every user message passes the message guard (channels/guard.py) before Rasa sees it.

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
from socketio import AsyncRedisManager, AsyncServer

from channels.guard import MessageGuard

logger = logging.getLogger(__name__)

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


class SocketIOOutput(rasa_socketio.SocketIOOutput):
    """Rasa's socket.io output; text payloads also carry ``from_pro`` / ``handed_back``."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Emit ``{"text": part, ...handoff fields}`` for each paragraph, as Rasa does."""
        fields = handoff_fields(kwargs)
        for part in text.strip().split("\n\n"):
            await self.sio.emit(self.bot_message_evt, {"text": part, **fields}, room=recipient_id)

    async def send_text_with_buttons(self, recipient_id: str, text: str, buttons: List[Dict[str, Any]],
                                     **kwargs: Any) -> None:
        """Emit one payload per paragraph; the last carries the buttons as ``quick_replies``."""
        fields = handoff_fields(kwargs)
        parts = text.strip().split("\n\n") or [text]
        messages: List[Dict[str, Any]] = [{"text": part, "quick_replies": [], **fields} for part in parts]
        messages[-1]["quick_replies"] = [
            {"content_type": "text", "title": button["title"], "payload": button["payload"]}
            for button in buttons
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

    def __init__(self, *args: Any, guard: Optional[MessageGuard] = None, **kwargs: Any) -> None:
        """Rasa's arguments, plus the message guard (default: one for this channel, from the environment)."""
        super().__init__(*args, **kwargs)
        self.guard = guard or MessageGuard(self.name())

    def get_output_channel(self) -> Optional[OutputChannel]:
        """The output for messages pushed through Rasa's HTTP API (None before the server starts)."""
        if self.sio is None:
            return super().get_output_channel()  # warns and returns None, as Rasa does
        return SocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's socket.io blueprint: each user message guarded, then answered through our output."""
        guarded = self.guard.wrap(on_new_message)

        async def answer_with_our_output(message: UserMessage) -> Any:
            if self.sio is not None:
                message.output_channel = SocketIOOutput(self.sio, self.bot_message_evt)
            return await guarded(message)

        blueprint = super().blueprint(answer_with_our_output)
        configure_server(self.sio, os.environ)
        self.guard.attach(blueprint)
        namespace = self.namespace or "/"
        rasa_handler = self.sio.handlers[namespace][self.user_message_evt]
        self.sio.on(self.user_message_evt, self._checked(rasa_handler), namespace=namespace)
        return blueprint

    def _checked(self, rasa_handler: Callable[[str, Any], Awaitable[Any]]) -> Callable[[str, Any], Awaitable[Any]]:
        """Rasa's message handler behind a shape check: Rasa raises on a non-text message or
        non-object metadata; here such a message is dropped, its metadata ignored, or its text
        emptied (the guard then asks for text)."""

        async def handle_message(sid: str, data: Any = None) -> None:
            if not isinstance(data, dict) or not isinstance(data.get("session_id", ""), (str, type(None))):
                logger.warning("socketio: ignored a message that is not an object with a text session_id")
                return
            data = dict(data)
            if not isinstance(data.get("message", ""), str):
                data["message"] = ""
            metadata = data.get(self.metadata_key)
            if isinstance(metadata, str):
                try:
                    metadata = json.loads(metadata)
                except ValueError:
                    metadata = None
            if metadata is not None and not isinstance(metadata, dict):
                metadata = None
            data[self.metadata_key] = metadata or {}
            await rasa_handler(sid, data)

        return handle_message
