"""The socket.io channel: what it emits for text, buttons, a tax pro's message and the hand-back."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Tuple

import pytest
import yaml
from rasa.core.channels.channel import UserMessage
from rasa.shared.utils.common import class_from_module_path
from socketio import AsyncServer

from channels.socketio import SocketIOInput, SocketIOOutput, handoff_fields

ROOT = Path(__file__).resolve().parents[2]
BUTTONS = [{"title": "My options", "payload": "/ask_relief_options"},
           {"title": "Talk to a tax pro", "payload": "/request_human"}]


class FakeServer:
    """Records what the output emits (python-socketio's AsyncServer.emit signature)."""

    def __init__(self) -> None:
        self.emitted: List[Tuple[str, Any, str]] = []

    async def emit(self, event: str, data: Any = None, room: str = "", **_: Any) -> None:
        self.emitted.append((event, data, room))


async def emitted_for(message: Dict[str, Any]) -> List[Any]:
    """What the widget receives when Rasa sends ``message`` (a BotUttered's message dict)."""
    server = FakeServer()
    output = SocketIOOutput(server, "bot_uttered")  # type: ignore[arg-type]
    await output.send_response("conv-1", dict(message))
    assert {(event, room) for event, _, room in server.emitted} <= {("bot_uttered", "conv-1")}
    return [data for _, data, _ in server.emitted]


@pytest.mark.parametrize("message, fields", [
    ({"text": "Hi"}, {}),
    ({"text": "Hi", "from_pro": "jane"}, {"from_pro": "jane"}),
    ({"text": "Hi", "from_pro": ""}, {}),
    ({"text": "Hi", "from_pro": None}, {}),
    ({"text": "Hi", "from_pro": 7}, {}),
    ({"text": "Back", "utter_action": "utter_handed_back"}, {"handed_back": True}),
    ({"text": "Hi", "utter_action": "utter_greet"}, {}),
])
def test_handoff_fields(message: Dict[str, Any], fields: Dict[str, Any]) -> None:
    assert handoff_fields(message) == fields


async def test_text_is_emitted_as_rasa_does() -> None:
    message = {"text": "**CP504**\nA notice.\n\nSecond part", "timestamp": 1.0, "utter_action": "utter_x"}
    assert await emitted_for(message) == [{"text": "**CP504**\nA notice."}, {"text": "Second part"}]


async def test_buttons_go_with_the_last_paragraph_as_quick_replies() -> None:
    assert await emitted_for({"text": "One\n\nWhat next?", "buttons": BUTTONS}) == [
        {"text": "One", "quick_replies": []},
        {"text": "What next?", "quick_replies": [
            {"content_type": "text", "title": "My options", "payload": "/ask_relief_options"},
            {"content_type": "text", "title": "Talk to a tax pro", "payload": "/request_human"},
        ]},
    ]


async def test_a_pro_message_carries_from_pro_on_every_part() -> None:
    message = {"text": "Hi, I'm Jane.\n\nI'm reading your notice.", "from_pro": "jane", "timestamp": 2.0}
    assert await emitted_for(message) == [{"text": "Hi, I'm Jane.", "from_pro": "jane"},
                                    {"text": "I'm reading your notice.", "from_pro": "jane"}]


async def test_a_pro_message_with_buttons_carries_from_pro() -> None:
    [payload] = await emitted_for({"text": "Pick one", "buttons": BUTTONS[:1], "from_pro": "jane"})
    assert payload["from_pro"] == "jane" and payload["quick_replies"][0]["title"] == "My options"


async def test_the_hand_back_response_is_flagged() -> None:
    assert await emitted_for({"text": "The tax pro has handed you back to me.", "utter_action": "utter_handed_back"}) == [
        {"text": "The tax pro has handed you back to me.", "handed_back": True}]


async def test_images_and_custom_payloads_are_rasas() -> None:
    assert await emitted_for({"image": "https://example.com/a.png"}) == [
        {"attachment": {"type": "image", "payload": {"src": "https://example.com/a.png"}}}]


def test_credentials_yml_opens_this_channel_under_rasas_name() -> None:
    # Plain YAML: the other channels' ${ENV} values need not be set for this test.
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text())
    # How `rasa run` opens a channel that is not built in (rasa.core.run._create_single_channel).
    channel = class_from_module_path("channels.socketio.SocketIOInput").from_credentials(
        credentials["channels.socketio.SocketIOInput"])
    assert isinstance(channel, SocketIOInput)
    assert channel.name() == "socketio" and SocketIOOutput.name() == "socketio"
    assert (channel.user_message_evt, channel.bot_message_evt, channel.session_persistence) == (
        "user_uttered", "bot_uttered", True)
    assert "socketio" not in credentials, "Rasa's own socket.io channel would be opened twice"


def test_no_output_before_the_server_starts() -> None:
    with pytest.warns(UserWarning):
        assert SocketIOInput().get_output_channel() is None


async def test_pushed_messages_and_replies_use_this_output() -> None:
    received: List[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    channel = SocketIOInput(session_persistence=True)
    channel.blueprint(on_new_message)
    assert isinstance(channel.sio, AsyncServer)
    assert isinstance(channel.get_output_channel(), SocketIOOutput)  # output_channel=latest (agent desk)

    handler = channel.sio.handlers["/"]["user_uttered"]
    await handler("sid-1", {"message": "what is a CP504?", "session_id": "0b7c9b1e-4a52-4c1e-9a57-1f0e8a3b2c4d"})
    [message] = received
    assert isinstance(message.output_channel, SocketIOOutput)
    assert (message.text, message.sender_id, message.input_channel) == (
        "what is a CP504?", "0b7c9b1e-4a52-4c1e-9a57-1f0e8a3b2c4d", "socketio")
