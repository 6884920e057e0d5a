"""The JSON API: bearer tokens, case data, messages, hand back, close, notes and errors."""

from __future__ import annotations

import datetime as dt

import pytest

from settings.assistant import Settings
from store.cases import CaseRepository
from store.pros import ProRepository
from store.records import EVENT_MESSAGE
from tests.desk.conftest import Desk, api_token, make_case
from tests.desk.fake_rasa import FakeRasa


@pytest.fixture
def token(pros: ProRepository) -> str:
    return api_token(pros)


@pytest.mark.parametrize("header", [None, "not-a-token", "Basic amFuZTp4"])
async def test_missing_or_bad_token_is_401(desk: Desk, header) -> None:
    headers = {"Authorization": header} if header and header.startswith("Basic") else {}
    token = header if header and not header.startswith("Basic") else None
    if headers:
        response = await desk.http.get(f"{desk.url}/api/cases", headers=headers)
    else:
        response = await desk.api("GET", "/cases", token)
    assert response.status == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")
    assert "error" in await response.json()


async def test_revoked_token_is_401(desk: Desk, pros: ProRepository, token: str) -> None:
    assert (await desk.api("GET", "/cases", token)).status == 200
    assert pros.revoke_tokens("jane") == 1
    response = await desk.api("GET", "/cases", token)
    assert response.status == 401 and 'error="invalid_token"' in response.headers["WWW-Authenticate"]


async def test_session_cookie_is_not_an_api_credential(signed_in: Desk) -> None:
    assert (await signed_in.api("GET", "/cases", None)).status == 401


async def test_list_cases(desk: Desk, token: str, cases: CaseRepository, core: Settings) -> None:
    normal = make_case(cases, name="Tom Baker")
    critical = make_case(cases, name="Maria Lopez", priority="critical", deadline=core.today() + dt.timedelta(days=2))
    closed = make_case(cases, status="closed")
    response = await desk.api("GET", "/cases", token)
    body = await response.json()
    assert [c["reference"] for c in body["cases"]] == [critical.reference, normal.reference]
    assert body["cases"][0]["intake"]["full_name"] == "Maria Lopez"
    assert body["cases"][0]["deadline"] == (core.today() + dt.timedelta(days=2)).isoformat()

    async def refs(query: str):
        return [c["reference"] for c in (await (await desk.api("GET", f"/cases?{query}", token)).json())["cases"]]

    assert await refs("status=closed") == [closed.reference]
    assert await refs("status=all&limit=1") == [critical.reference]
    assert await refs("priority=normal") == [normal.reference]
    assert await refs("q=baker") == [normal.reference]
    for query in ("status=bogus", "priority=urgent", "limit=0", "limit=abc", "limit=501"):
        response = await desk.api("GET", f"/cases?{query}", token)
        assert response.status == 422 and "error" in await response.json()


async def test_get_case_events_and_404(desk: Desk, token: str, cases: CaseRepository) -> None:
    case = make_case(cases, name="Maria Lopez")
    body = await (await desk.api("GET", f"/cases/{case.reference}", token)).json()
    assert body["reference"] == case.reference and body["status"] == "new"
    assert body["intake"]["consent"]["wording"].startswith("You may contact me")
    events = (await (await desk.api("GET", f"/cases/{case.reference}/events", token)).json())["events"]
    assert [e["kind"] for e in events] == ["created"] and events[0]["actor"] == "bot"
    for path in ("", "/events", "/transcript"):
        response = await desk.api("GET", f"/cases/MTS-NOPE1{path}", token)
        assert response.status == 404 and await response.json() == {"error": "no case has this reference"}
    for path in ("/messages", "/handback", "/close", "/notes"):
        response = await desk.api("POST", f"/cases/MTS-NOPE1{path}", token, json={"text": "x"})
        assert response.status == 404


async def test_transcript(desk: Desk, token: str, cases: CaseRepository, rasa: FakeRasa) -> None:
    case = make_case(cases)
    rasa.trackers[case.sender_id] = [
        {"event": "user", "text": "hello", "timestamp": 1.0, "input_channel": "socketio"},
        {"event": "action", "name": "utter_greet"},
        {"event": "bot", "text": "Hi!", "timestamp": 2.0},
    ]
    body = await (await desk.api("GET", f"/cases/{case.reference}/transcript", token)).json()
    assert [(line["kind"], line["text"]) for line in body["lines"]] == [("user", "hello"), ("bot", "Hi!")]
    assert body["lines"][0]["channel"] == "socketio"
    rasa.fail_status = 500
    response = await desk.api("GET", f"/cases/{case.reference}/transcript", token)
    assert response.status == 502 and "Rasa" in (await response.json())["error"]


async def test_first_message_pauses_the_bot_and_takes_the_case(
    desk: Desk, token: str, cases: CaseRepository, rasa: FakeRasa
) -> None:
    case = make_case(cases, channel="twilio", sender_id="+15125550142")
    response = await desk.api(
        "POST", f"/cases/{case.reference}/messages", token, json={"text": "Hi, this is Jane from Milestone."}
    )
    assert response.status == 201
    event = await response.json()
    assert (event["kind"], event["actor"], event["body"]) == (EVENT_MESSAGE, "jane", "Hi, this is Jane from Milestone.")
    pause, message = rasa.posted("events", "+15125550142")
    assert pause.body == {"event": "pause"}
    assert message.body == {
        "event": "bot",
        "text": "Hi, this is Jane from Milestone.",
        "metadata": {"from_pro": "jane"},
    }
    assert message.query == {"execute_side_effects": "true", "output_channel": "latest"}
    stored = cases.get(case.reference)
    assert stored.status == "in_conversation" and stored.assigned_to == "jane"
    kinds = [e.kind for e in cases.events(case.reference)]
    assert kinds == ["created", "status", "message"]
    # A second message does not pause again.
    await desk.api("POST", f"/cases/{case.reference}/messages", token, json={"text": "Still there?"})
    assert [c.body.get("event") for c in rasa.posted("events")] == ["pause", "bot", "bot"]
    assert [e.kind for e in cases.events(case.reference)][-1] == "message"


async def test_message_to_a_rest_channel_case_is_409(
    desk: Desk, token: str, cases: CaseRepository, rasa: FakeRasa
) -> None:
    case = make_case(cases, channel="rest")
    response = await desk.api("POST", f"/cases/{case.reference}/messages", token, json={"text": "Hello"})
    assert response.status == 409
    assert "phone or e-mail" in (await response.json())["error"]
    assert rasa.calls == []


async def test_message_to_a_closed_case_is_409(desk: Desk, token: str, cases: CaseRepository) -> None:
    case = make_case(cases, status="closed")
    response = await desk.api("POST", f"/cases/{case.reference}/messages", token, json={"text": "Hello"})
    assert response.status == 409 and "closed" in (await response.json())["error"]


@pytest.mark.parametrize("fail", ["status", "unreachable"])
async def test_rasa_down_is_502_and_nothing_is_recorded(
    desk: Desk, token: str, cases: CaseRepository, rasa: FakeRasa, fail: str
) -> None:
    case = make_case(cases)
    if fail == "status":
        rasa.fail_status = 500
    else:
        await rasa.stop()
    response = await desk.api("POST", f"/cases/{case.reference}/messages", token, json={"text": "Hello"})
    assert response.status == 502 and "Rasa" in (await response.json())["error"]
    stored = cases.get(case.reference)
    assert stored.status == "new" and stored.assigned_to is None
    assert [e.kind for e in cases.events(case.reference)] == ["created"]


async def test_failed_delivery_after_pausing_resumes_the_bot(
    desk: Desk, token: str, cases: CaseRepository, rasa: FakeRasa
) -> None:
    case = make_case(cases)
    rasa.fail_events = {"bot"}
    response = await desk.api("POST", f"/cases/{case.reference}/messages", token, json={"text": "Hello"})
    assert response.status == 502
    assert rasa.paused[case.sender_id] is False
    assert [e.kind for e in cases.events(case.reference)] == ["created"]


@pytest.mark.parametrize(
    "kwargs, status, message",
    [
        ({"data": b"{not json"}, 400, "must be JSON"),
        ({"json": ["text"]}, 400, "JSON object"),
        ({"json": {"body": "hi"}}, 400, '"text"'),
        ({"json": {"text": ""}}, 422, "empty"),
        ({"json": {"text": "   "}}, 422, "empty"),
        ({"json": {"text": 42}}, 422, "empty"),
        ({"json": {"text": "x" * 1601}}, 422, "at most 1600"),
    ],
)
async def test_message_validation(
    desk: Desk, token: str, cases: CaseRepository, rasa: FakeRasa, kwargs, status: int, message: str
) -> None:
    case = make_case(cases)
    response = await desk.api("POST", f"/cases/{case.reference}/messages", token, **kwargs)
    assert response.status == status
    assert message in (await response.json())["error"]
    assert rasa.posted("events") == []


async def test_hand_back(desk: Desk, token: str, cases: CaseRepository, rasa: FakeRasa) -> None:
    case = make_case(cases)
    await desk.api("POST", f"/cases/{case.reference}/messages", token, json={"text": "Hello"})
    response = await desk.api("POST", f"/cases/{case.reference}/handback", token)
    assert response.status == 200
    assert (await response.json())["body"] == "handed back to the bot"
    assert [c.body for c in rasa.posted("events")][-2:] == [[{"event": "resume"}], LISTEN]
    [execute] = rasa.posted("execute", case.sender_id)
    assert execute.body == {"name": "utter_handed_back"}
    assert execute.query == {"output_channel": "latest"}
    assert cases.get(case.reference).status == "in_conversation"  # status kept
    # Replying again takes the conversation over again.
    await desk.api("POST", f"/cases/{case.reference}/messages", token, json={"text": "One more"})
    assert rasa.posted("events")[-2].body == {"event": "pause"}


LISTEN = [{"event": "action", "name": "action_listen"}]


async def test_hand_back_needs_a_paused_bot(desk: Desk, token: str, cases: CaseRepository, rasa: FakeRasa) -> None:
    case = make_case(cases)
    response = await desk.api("POST", f"/cases/{case.reference}/handback", token)
    assert response.status == 409 and "nothing to hand back" in (await response.json())["error"]
    assert rasa.posted("events") == [] and rasa.posted("execute") == []
    assert [e.kind for e in cases.events(case.reference)] == ["created"]


async def test_hand_back_of_a_conversation_the_bot_paused(
    desk: Desk, token: str, cases: CaseRepository, rasa: FakeRasa
) -> None:
    case = make_case(cases, status="waiting")
    rasa.paused[case.sender_id] = True  # the bot's live handoff paused it
    assert (await desk.api("POST", f"/cases/{case.reference}/handback", token)).status == 200
    assert rasa.paused[case.sender_id] is False
    # A first reply to a conversation the bot already paused does not pause it again.
    rasa.paused[case.sender_id] = True
    await desk.api("POST", f"/cases/{case.reference}/messages", token, json={"text": "Hi"})
    assert [c.body for c in rasa.posted("events")][-1]["event"] == "bot"
    assert {"event": "pause"} not in [c.body for c in rasa.posted("events")]
    assert cases.get(case.reference).status == "in_conversation"


async def test_hand_back_when_rasa_is_down(desk: Desk, token: str, cases: CaseRepository, rasa: FakeRasa) -> None:
    case = make_case(cases)
    rasa.fail_status = 502
    response = await desk.api("POST", f"/cases/{case.reference}/handback", token)
    assert response.status == 502
    assert [e.kind for e in cases.events(case.reference)] == ["created"]


async def test_close_hands_back_a_paused_conversation(
    desk: Desk, token: str, cases: CaseRepository, rasa: FakeRasa
) -> None:
    case = make_case(cases)
    await desk.api("POST", f"/cases/{case.reference}/messages", token, json={"text": "Hello"})
    response = await desk.api("POST", f"/cases/{case.reference}/close", token)
    assert response.status == 200 and (await response.json())["status"] == "closed"
    assert rasa.paused[case.sender_id] is False
    assert len(rasa.posted("execute")) == 1
    # Closed: no more messages or hand backs; closing again changes nothing.
    assert (await desk.api("POST", f"/cases/{case.reference}/handback", token)).status == 409
    again = await desk.api("POST", f"/cases/{case.reference}/close", token)
    assert again.status == 200 and len(rasa.posted("execute")) == 1


async def test_close_without_pause_does_not_resume(
    desk: Desk, token: str, cases: CaseRepository, rasa: FakeRasa
) -> None:
    case = make_case(cases)
    rest_case = make_case(cases, channel="rest")
    assert (await desk.api("POST", f"/cases/{case.reference}/close", token)).status == 200
    assert (await desk.api("POST", f"/cases/{rest_case.reference}/close", token)).status == 200
    assert rasa.posted("events") == [] and rasa.posted("execute") == []
    assert [c.sender_id for c in rasa.calls] == [case.sender_id]  # the tracker check only


async def test_notes(desk: Desk, token: str, cases: CaseRepository, rasa: FakeRasa) -> None:
    case = make_case(cases)
    response = await desk.api(
        "POST", f"/cases/{case.reference}/notes", token, json={"text": "  Called, left a voicemail.  "}
    )
    assert response.status == 201
    body = await response.json()
    assert (body["kind"], body["actor"], body["body"]) == ("note", "jane", "Called, left a voicemail.")
    assert rasa.calls == []
    too_long = await desk.api("POST", f"/cases/{case.reference}/notes", token, json={"text": "n" * 4001})
    assert too_long.status == 422


async def test_unknown_api_route_is_json_404(desk: Desk, token: str) -> None:
    response = await desk.api("GET", "/nothing-here", token)
    assert response.status == 404 and "error" in await response.json()


@pytest.mark.parametrize(
    "hours_ago, status, tag",
    [
        (1, 201, None),  # inside Messenger's 24-hour window
        (72, 201, "HUMAN_AGENT"),  # a human agent may answer for 7 days, with the tag
        (24 * 8, 409, None),  # after 7 days the reply is refused
    ],
)
async def test_messenger_reply_window(
    desk: Desk, token: str, cases: CaseRepository, rasa: FakeRasa, hours_ago: int, status: int, tag: object
) -> None:
    import time

    case = make_case(cases, channel="facebook")
    rasa.trackers[case.sender_id] = [{"event": "user", "text": "hello", "timestamp": time.time() - hours_ago * 3600}]
    response = await desk.api("POST", f"/cases/{case.reference}/messages", token, json={"text": "Hi, this is Sam"})
    assert response.status == status
    bots = [
        c.body
        for c in rasa.posted("events", case.sender_id)
        if isinstance(c.body, dict) and c.body.get("event") == "bot"
    ]
    if status == 409:
        assert bots == [] and "7 days" in (await response.json())["error"]
    else:
        assert bots[-1]["metadata"].get("messaging_tag") == tag
        assert bots[-1]["metadata"]["from_pro"]


async def test_messenger_reply_without_any_user_message_is_refused(
    desk: Desk, token: str, cases: CaseRepository, rasa: FakeRasa
) -> None:
    case = make_case(cases, channel="facebook")
    response = await desk.api("POST", f"/cases/{case.reference}/messages", token, json={"text": "Hi"})
    assert response.status == 409
