"""Rasa's socket.io channel, plus the handoff signs the website chat widget shows.

Rasa's ``SocketIOOutput`` emits only ``text`` (and buttons), so the widget could not tell a tax
pro's message from the bot's. This output adds two fields to the emitted text payloads:

- ``from_pro``: the pro's username, for a message the agent desk sent (a ``bot`` event with
  metadata ``{"from_pro": "<username>"}``; Rasa merges the metadata into the message);
- ``handed_back: true``: the bot's ``utter_handed_back`` response (the pro gave the chat back).

Same channel name (``socketio``), so ``output_channel=latest`` and ``channel: socketio`` response
variants keep working. In credentials.yml, instead of ``socketio:``::

    channels.socketio.SocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true
"""
from __future__ import annotations

from typing import Any, Awaitable, Callable, Dict, List, Optional

from rasa.core.channels import socketio as rasa_socketio
from rasa.core.channels.channel import OutputChannel, UserMessage
from sanic import Blueprint

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


class SocketIOInput(rasa_socketio.SocketIOInput):
    """Rasa's socket.io input, answering through :class:`SocketIOOutput`.

    Replies to the user's own messages and messages pushed through the HTTP API
    (``output_channel=latest``, used by the agent desk) both go through the output above.
    """

    def get_output_channel(self) -> Optional[OutputChannel]:
        """The output for messages pushed through Rasa's HTTP API (None before the server starts)."""
        if self.sio is None:
            return super().get_output_channel()  # warns and returns None, as Rasa does
        return SocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """Rasa's socket.io blueprint, with each user message answered through our output."""

        async def answer_with_our_output(message: UserMessage) -> Any:
            if self.sio is not None:
                message.output_channel = SocketIOOutput(self.sio, self.bot_message_evt)
            return await on_new_message(message)

        return super().blueprint(answer_with_our_output)
