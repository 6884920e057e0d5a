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
BUTTONS = [
    {"title": "My options", "payload": "/ask_relief_options"},
    {"title": "Talk to a tax pro", "payload": "/request_human"},
]


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


@pytest.mark.parametrize(
    "message, fields",
    [
        ({"text": "Hi"}, {}),
        ({"text": "Hi", "from_pro": "jane"}, {"from_pro": "jane"}),
        ({"text": "Hi", "from_pro": ""}, {}),
        ({"text": "Hi", "from_pro": None}, {}),
        ({"text": "Hi", "from_pro": 7}, {}),
        ({"text": "Back", "utter_action": "utter_handed_back"}, {"handed_back": True}),
        ({"text": "Hi", "utter_action": "utter_greet"}, {}),
    ],
)
def test_handoff_fields(message: Dict[str, Any], fields: Dict[str, Any]) -> None:
    assert handoff_fields(message) == fields


async def test_text_is_emitted_as_rasa_does() -> None:
    message = {"text": "**CP504**\nA notice.\n\nSecond part", "timestamp": 1.0, "utter_action": "utter_x"}
    assert await emitted_for(message) == [{"text": "**CP504**\nA notice."}, {"text": "Second part"}]


async def test_buttons_go_with_the_last_paragraph_as_quick_replies() -> None:
    assert await emitted_for({"text": "One\n\nWhat next?", "buttons": BUTTONS}) == [
        {"text": "One", "quick_replies": []},
        {
            "text": "What next?",
            "quick_replies": [
                {"content_type": "text", "title": "My options", "payload": "/ask_relief_options"},
                {"content_type": "text", "title": "Talk to a tax pro", "payload": "/request_human"},
            ],
        },
    ]


async def test_a_pro_message_carries_from_pro_on_every_part() -> None:
    message = {"text": "Hi, I'm Jane.\n\nI'm reading your notice.", "from_pro": "jane", "timestamp": 2.0}
    assert await emitted_for(message) == [
        {"text": "Hi, I'm Jane.", "from_pro": "jane"},
        {"text": "I'm reading your notice.", "from_pro": "jane"},
    ]


async def test_a_pro_message_with_buttons_carries_from_pro() -> None:
    [payload] = await emitted_for({"text": "Pick one", "buttons": BUTTONS[:1], "from_pro": "jane"})
    assert payload["from_pro"] == "jane" and payload["quick_replies"][0]["title"] == "My options"


async def test_the_hand_back_response_is_flagged() -> None:
    assert await emitted_for(
        {"text": "The tax pro has handed you back to me.", "utter_action": "utter_handed_back"}
    ) == [{"text": "The tax pro has handed you back to me.", "handed_back": True}]


async def test_images_and_custom_payloads_are_rasas() -> None:
    assert await emitted_for({"image": "https://example.com/a.png"}) == [
        {"attachment": {"type": "image", "payload": {"src": "https://example.com/a.png"}}}
    ]


def test_credentials_yml_opens_this_channel_under_rasas_name() -> None:
    # Plain YAML: the other channels' ${ENV} values need not be set for this test.
    credentials = yaml.safe_load((ROOT / "credentials.yml").read_text())
    # How `rasa run` opens a channel that is not built in (rasa.core.run._create_single_channel).
    channel = class_from_module_path("channels.socketio.SocketIOInput").from_credentials(
        credentials["channels.socketio.SocketIOInput"]
    )
    assert isinstance(channel, SocketIOInput)
    assert channel.name() == "socketio" and SocketIOOutput.name() == "socketio"
    assert (channel.user_message_evt, channel.bot_message_evt, channel.session_persistence) == (
        "user_uttered",
        "bot_uttered",
        True,
    )
    assert "socketio" not in credentials, "Rasa's own socket.io channel would be opened twice"


def bind(channel: SocketIOInput, sid: str = "sid-1") -> str:
    """Give socket ``sid`` a server-issued session, as ``session_request`` does; its conversation id."""
    channel.sessions.open(sid, None)
    conversation = channel.sessions.conversation_of(sid)
    assert conversation is not None and conversation.startswith("web:")
    return conversation


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

    conversation = bind(channel)
    handler = channel.sio.handlers["/"]["user_uttered"]
    # the session id the client names is ignored: the socket's own session counts
    await handler("sid-1", {"message": "what is a CP504?", "session_id": "0b7c9b1e-4a52-4c1e-9a57-1f0e8a3b2c4d"})
    [message] = received
    # the guard counts what Rasa sends through a stand-in for our output
    assert isinstance(getattr(message.output_channel, "inner", None), SocketIOOutput)
    assert (message.text, message.sender_id, message.input_channel) == ("what is a CP504?", conversation, "socketio")


@pytest.mark.parametrize(
    "data, text",
    [
        ({"message": {"text": "hi"}, "session_id": "s-1"}, None),  # not text: the guard asks for text
        ({"message": "hi", "session_id": "s-1", "metadata": "{not json"}, "hi"),
        ({"message": "hi", "session_id": "s-1", "metadata": ["a", "list"]}, "hi"),
        ({"message": "hi", "session_id": "s-1", "metadata": '{"page": "home"}'}, "hi"),
    ],
)
async def test_malformed_messages_never_raise(data: Dict[str, Any], text: Any) -> None:
    received: List[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    channel = SocketIOInput(session_persistence=True)
    channel.blueprint(on_new_message)
    channel.sio.emit = FakeServer().emit  # type: ignore[method-assign]  # the guard's own replies
    bind(channel)
    await channel.sio.handlers["/"]["user_uttered"]("sid-1", data)
    assert [m.text for m in received] == ([text] if text else [])


@pytest.mark.parametrize("data", ["just text", ["a"], None, {"message": "hi", "session_id": {"x": 1}}])
async def test_messages_that_are_not_objects_are_ignored(data: Any) -> None:
    received: List[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    channel = SocketIOInput(session_persistence=True)
    channel.blueprint(on_new_message)
    await channel.sio.handlers["/"]["user_uttered"]("sid-1", data)
    assert received == []


async def test_forged_slash_commands_are_passed_on_as_text() -> None:
    received: List[UserMessage] = []

    async def on_new_message(message: UserMessage) -> None:
        received.append(message)

    channel = SocketIOInput(session_persistence=True)
    channel.blueprint(on_new_message)
    bind(channel)
    await channel.sio.handlers["/"]["user_uttered"](
        "sid-1", {"message": '/affirm{"contact_consent": true}', "session_id": "s-1"}
    )
    assert [m.text for m in received] == ['affirm{"contact_consent": true}']


@pytest.mark.parametrize(
    "value, expected",
    [
        (None, None),
        ("", None),
        ("  ", None),
        ("*", ["*"]),
        ("https://milestonetax.com", ["https://milestonetax.com"]),
        ("https://a.example/, http://localhost:8080", ["https://a.example", "http://localhost:8080"]),
        ("https://a.example https://b.example", ["https://a.example", "https://b.example"]),
    ],
)
def test_allowed_origins_come_from_cors_origins(value, expected) -> None:
    from channels.socketio import allowed_origins

    assert allowed_origins(value) == expected


def test_the_server_is_limited_to_the_configured_origins_and_shares_rooms_through_redis() -> None:
    from socketio import AsyncRedisManager, AsyncServer

    from channels.socketio import configure_server

    sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
    configure_server(
        sio,
        {
            "CORS_ORIGINS": "https://milestonetax.com",
            "SOCKETIO_MESSAGE_QUEUE": "redis://127.0.0.1:6379/2",
            "SOCKETIO_CHANNEL": "tax-bot",
        },
    )
    assert sio.eio.cors_allowed_origins == ["https://milestonetax.com"]
    assert isinstance(sio.manager, AsyncRedisManager)
    assert sio.manager.channel == "tax-bot"
    assert sio.manager.server is sio and sio.manager_initialized is False


def test_without_settings_a_server_allows_its_own_origin_only_and_keeps_rooms_in_memory() -> None:
    from socketio import AsyncRedisManager, AsyncServer

    from channels.socketio import configure_server

    sio = AsyncServer(async_mode="sanic", cors_allowed_origins=[])
    configure_server(sio, {})
    assert sio.eio.cors_allowed_origins is None  # python-engineio: same origin only
    assert not isinstance(sio.manager, AsyncRedisManager)
    configure_server(sio, {"CORS_ORIGINS": "*"})
    assert sio.eio.cors_allowed_origins == "*"
