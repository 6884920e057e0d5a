"""RasaClient against the fake Rasa: JWT, endpoints and query strings, errors."""

from __future__ import annotations

import aiohttp
import jwt
import pytest

from desk.rasa_client import RasaClient, RasaUnavailable
from tests.desk.conftest import JWT_SECRET
from tests.desk.fake_rasa import FakeRasa, free_port

SENDER = "whatsapp:+15125550142"


@pytest.fixture
async def client(rasa: FakeRasa):
    async with aiohttp.ClientSession() as http:
        yield RasaClient(rasa.url + "/", JWT_SECRET, http)


def test_token_payload() -> None:
    client = RasaClient("http://x", JWT_SECRET, session=None)  # type: ignore[arg-type]
    payload = jwt.decode(client.token(), JWT_SECRET, algorithms=["HS256"])
    assert payload["user"] == {"username": "agent-desk", "role": "admin"}
    assert payload["username"] == "agent-desk"
    assert payload["exp"] - payload["iat"] == 300


async def test_tracker(client: RasaClient, rasa: FakeRasa) -> None:
    rasa.trackers[SENDER] = [{"event": "user", "text": "hi"}]
    tracker = await client.tracker(SENDER)
    assert tracker["events"] == [{"event": "user", "text": "hi"}]
    call = rasa.calls[-1]
    assert (call.method, call.sender_id, call.query) == ("GET", SENDER, {"include_events": "ALL"})
    assert rasa.auth_failures == 0


async def test_send_to_user(client: RasaClient, rasa: FakeRasa) -> None:
    await client.send_to_user(SENDER, "Hello, this is Jane.", "jane")
    [call] = rasa.posted("events", SENDER)
    assert call.query == {"execute_side_effects": "true", "output_channel": "latest"}
    assert call.body == {"event": "bot", "text": "Hello, this is Jane.", "metadata": {"from_pro": "jane"}}


async def test_pause_and_hand_back(client: RasaClient, rasa: FakeRasa) -> None:
    await client.pause(SENDER)
    assert rasa.paused[SENDER] is True
    await client.hand_back(SENDER)
    assert [c.body for c in rasa.posted("events")] == [
        {"event": "pause"},
        [{"event": "resume"}],
        [{"event": "action", "name": "action_listen"}],
    ]
    [execute] = rasa.posted("execute", SENDER)
    assert execute.body == {"name": "utter_handed_back"}
    assert execute.query == {"output_channel": "latest"}
    assert rasa.paused[SENDER] is False


async def test_wrong_secret_is_an_error(rasa: FakeRasa) -> None:
    async with aiohttp.ClientSession() as http:
        client = RasaClient(rasa.url, "another-secret-" + "y" * 32, http)
        with pytest.raises(RasaUnavailable, match="HTTP 401"):
            await client.tracker(SENDER)


@pytest.mark.parametrize("status", [300, 404, 500, 503])
async def test_non_2xx_is_an_error(client: RasaClient, rasa: FakeRasa, status: int) -> None:
    rasa.fail_status = status
    with pytest.raises(RasaUnavailable, match=f"HTTP {status}"):
        await client.send_to_user(SENDER, "hi", "jane")


async def test_unreachable() -> None:
    async with aiohttp.ClientSession() as http:
        client = RasaClient(f"http://127.0.0.1:{free_port()}", JWT_SECRET, http)
        with pytest.raises(RasaUnavailable, match="unreachable"):
            await client.pause(SENDER)


async def test_timeout(rasa: FakeRasa) -> None:
    rasa.delay_s = 1.0
    async with aiohttp.ClientSession() as http:
        client = RasaClient(rasa.url, JWT_SECRET, http, timeout_s=0.1)
        with pytest.raises(RasaUnavailable, match="in time"):
            await client.tracker(SENDER)
