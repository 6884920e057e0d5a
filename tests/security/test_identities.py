"""High 1-3: no channel can name another's conversation, replies follow the conversation's own
channel, and widget sessions are issued by the server and bound to their socket."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, Dict, List, Tuple

import pytest
from rasa.core.channels.channel import UserMessage
from sanic import Sanic

from channels.identity import ForeignId, local_part, output_channel_for
from channels.sms.menus import MenuMemory
from channels.socketio import SocketIOInput
from channels.twilio import TwilioOutput
from channels.widget_sessions import WidgetSessions
from desk.rasa_client import RasaClient
from tests.channels.test_rest import make_channel, serve

PHONE = "+15125550142"


@pytest.fixture(autouse=True)
def _sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)


async def test_a_rest_caller_using_a_taxpayers_phone_number_gets_its_own_conversation() -> None:
    async with serve(make_channel()) as client:
        response = await client.say("any update on my case?", sender=PHONE)
        assert response.status == 200
    [message] = client.bot.received
    assert message.sender_id == f"rest:{PHONE}"  # never the taxpayer's sms:+1512...
    with pytest.raises(ForeignId):
        local_part(message.sender_id, "sms")


class RecordingRasa(RasaClient):
    """Records the requests a real client would send to Rasa."""

    def __init__(self) -> None:
        super().__init__("http://rasa.invalid", "secret", session=None)  # type: ignore[arg-type]
        self.requests: List[Tuple[str, str, Dict[str, str]]] = []

    async def _request(self, method: str, url: str, params: Any = None, json: Any = None) -> Any:
        self.requests.append((method, url, dict(params or {})))
        return {}


async def test_a_pros_reply_goes_to_the_channel_the_conversation_belongs_to() -> None:
    rasa = RecordingRasa()
    await rasa.send_to_user(f"sms:{PHONE}", "Hello, this is Jane", "jane")
    await rasa.hand_back("messenger:2918301")
    channels = [params.get("output_channel") for _, _, params in rasa.requests if "output_channel" in params]
    assert channels and channels[0] == "twilio" and set(channels[1:]) == {"facebook"}
    assert "latest" not in channels
    assert output_channel_for("web:" + "a" * 32) == "socketio"


async def test_the_sms_output_refuses_a_conversation_of_another_channel() -> None:
    class Sender:
        def __init__(self) -> None:
            self.sent: List[Tuple[str, str]] = []

        def enqueue(self, phone: str, text: str, force: bool = False) -> None:
            self.sent.append((phone, text))

    sender = Sender()
    output = TwilioOutput(sender, MenuMemory())  # type: ignore[arg-type]
    await output.send_text_message(f"web:{PHONE}", "diverted?")
    await output.send_text_message(f"sms:{PHONE}", "for the taxpayer")
    assert sender.sent == [(PHONE, "for the taxpayer")]


async def test_widget_sessions_are_issued_by_the_server_and_bound_to_the_socket() -> None:
    received: List[UserMessage] = []

    async def bot(message: UserMessage) -> None:
        received.append(message)

    channel = SocketIOInput(session_persistence=True, sessions=WidgetSessions(b"test-secret"))
    channel.blueprint(bot)
    handler = channel.sio.handlers["/"]["user_uttered"]
    token = channel.sessions.open("visitor", None)
    visitor = channel.sessions.conversation_of("visitor")
    # a chosen id is not a session: the attacker's socket gets a new one of its own
    assert channel.sessions.open("attacker", "admin") != "admin"
    attacker = channel.sessions.conversation_of("attacker")
    assert attacker != visitor and attacker.startswith("web:") and len(token.split(".")[0]) >= 22  # 128 bits
    await handler("attacker", {"message": "hi", "session_id": visitor})
    await handler("attacker", {"message": "hi", "session_id": token})
    await handler("unbound-socket", {"message": "hi", "session_id": visitor})
    assert [m.sender_id for m in received] == [attacker, attacker]
    # a reload resumes only with the token the server gave that browser
    channel.sessions.open("visitor-after-reload", token)
    assert channel.sessions.conversation_of("visitor-after-reload") == visitor
    assert not WidgetSessions(b"another-secret").valid(token)


def test_the_desk_judges_a_conversation_by_the_channel_its_id_names() -> None:
    from desk.case_handling import can_push, conversation_channel
    from tests.store.factories import make_new_case

    # a case recorded "socketio" (the latest channel at the time) for an SMS conversation
    case = SimpleNamespace(**{**make_new_case(channel="socketio", sender_id=f"sms:{PHONE}").__dict__})
    assert conversation_channel(case) == "twilio" and can_push(case)  # type: ignore[arg-type]
    rest = SimpleNamespace(**{**make_new_case(channel="socketio", sender_id="rest:me").__dict__})
    assert conversation_channel(rest) == "rest" and not can_push(rest)  # type: ignore[arg-type]
    legacy = SimpleNamespace(**{**make_new_case(channel="twilio", sender_id=PHONE).__dict__})
    assert conversation_channel(legacy) == "twilio"  # type: ignore[arg-type]
