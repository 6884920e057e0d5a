"""The action server: no error response or log line echoes the request; limits; the shared token.

Most tests serve :func:`ops.action_server.create_app` in-process with the sample actions below, whose
trackers carry a marker in every place a taxpayer's data can be (sender id, slots, message text,
events) and whose failures quote it. Two tests start the real ``python -m ops.action_server``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
import zlib
from pathlib import Path
from typing import Any, AsyncIterator, Dict, List, Optional

import aiohttp
import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import ActionExecutor, CollectingDispatcher
from rasa_sdk.interfaces import ActionExecutionRejection
from sanic import Sanic

from ops.action_server import ActionServerSettings, create_app
from tests.integration.servers import ROOT, free_port
from tests.sanic_app import serving

SECRET = "Jane-Doe-+15125550142-123-45-6789"
TOKEN = "shared-token-for-tests"


# Sample actions as plain functions: Action subclasses would be registered by every ActionExecutor
# of the test session (rasa-sdk scans all subclasses), breaking the domain contract test.
def sample_echo(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict]:
    """Answers with the slot it was sent: the one route where the data belongs in the response."""
    dispatcher.utter_message(text="ok")
    return [SlotSet("seen", tracker.get_slot("phone"))]


def sample_boom(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict]:
    raise ValueError(f"cannot parse {tracker.get_slot('phone')} for {tracker.sender_id}")


def sample_reject(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict]:
    raise ActionExecutionRejection("sample_reject", f"no slot in {tracker.latest_message.get('text')}")


def sample_domain(dispatcher: CollectingDispatcher, tracker: Tracker, domain: Dict[str, Any]) -> List[Dict]:
    """Tells which domain it was handed: its forms and whether it has the disclaimer response."""
    return [
        SlotSet("forms", sorted(domain.get("forms") or {})),
        SlotSet("disclaimer", "utter_disclaimer" in domain.get("responses", {})),
    ]


def sample_executor() -> ActionExecutor:
    executor = ActionExecutor()
    for action in (sample_echo, sample_boom, sample_reject, sample_domain):
        executor.register_function(action.__name__, action)
    return executor


def action_call(action: str = "sample_echo") -> Dict[str, Any]:
    """What Rasa posts to /webhook, with the marker wherever personal data can be."""
    user = {"event": "user", "text": f"my phone is {SECRET}", "parse_data": {"text": SECRET}}
    return {
        "next_action": action,
        "sender_id": SECRET,
        "version": "3.6.21",
        "domain": {"slots": {"phone": {}}},
        "tracker": {
            "sender_id": SECRET,
            "slots": {"phone": SECRET},
            "latest_message": {"text": SECRET},
            "events": [user],
            "paused": False,
            "followup_action": None,
            "active_loop": {},
            "latest_action_name": "action_listen",
        },
    }


class Server:
    """An in-process action server and an HTTP session to it."""

    def __init__(self, url: str, http: aiohttp.ClientSession) -> None:
        self.url, self.http = url, http

    async def post(
        self,
        body: bytes,
        path: str = "/webhook",
        headers: Optional[Dict[str, str]] = None,
    ) -> aiohttp.ClientResponse:
        response = await self.http.post(
            self.url + path, data=body, headers={"Content-Type": "application/json", **(headers or {})}
        )
        await response.read()
        return response


@pytest.fixture(autouse=True)
def _sanic_test_mode(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(Sanic, "test_mode", True)  # several apps of one name in one process


async def serve(settings: ActionServerSettings) -> AsyncIterator[Server]:
    app = create_app(settings, executor=sample_executor())
    async with serving(app) as url, aiohttp.ClientSession() as http:
        yield Server(url, http)


def settings(**values: Any) -> ActionServerSettings:
    return ActionServerSettings(_env_file=None, **{"action_server_max_body_bytes": 200_000, **values})


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    async for running in serve(settings()):
        yield running


@pytest.fixture
async def guarded() -> AsyncIterator[Server]:
    async for running in serve(settings(action_server_token=TOKEN)):
        yield running


def no_echo(response: aiohttp.ClientResponse, caplog: pytest.LogCaptureFixture) -> Dict[str, Any]:
    body = response._body.decode()  # read by Server.post
    assert SECRET not in body and "phone" not in body
    assert SECRET not in caplog.text
    return json.loads(body)


# -- responses -----------------------------------------------------------------------------------


async def test_an_action_runs(server: Server) -> None:
    response = await server.post(json.dumps(action_call()).encode())
    assert response.status == 200
    assert json.loads(response._body) == {
        "events": [{"event": "slot", "timestamp": None, "name": "seen", "value": SECRET}],
        "responses": [
            {
                "text": "ok",
                "buttons": [],
                "elements": [],
                "custom": {},
                "template": None,
                "response": None,
                "image": None,
                "attachment": None,
            }
        ],
    }


async def test_a_call_without_a_domain_gets_the_projects_domain(server: Server) -> None:
    call = {key: value for key, value in action_call("sample_domain").items() if key != "domain"}
    response = await server.post(json.dumps(call).encode())
    assert response.status == 200
    slots = {event["name"]: event["value"] for event in json.loads(response._body)["events"]}
    assert slots == {"forms": ["intake_form"], "disclaimer": True}


async def test_a_call_with_a_domain_keeps_its_own(server: Server) -> None:
    response = await server.post(json.dumps(action_call("sample_domain")).encode())
    slots = {event["name"]: event["value"] for event in json.loads(response._body)["events"]}
    assert slots == {"forms": [], "disclaimer": False}


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "endpoints.production.yml"])
def test_rasa_sends_no_domain_to_our_actions(endpoints: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from rasa.core.actions.action import RemoteAction
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import read_endpoint_config

    for name in re.findall(r"\$\{(\w+)\}", (ROOT / endpoints).read_text(encoding="utf-8")):
        monkeypatch.setenv(name, "5672" if name.endswith("PORT") else "unused")  # only the action endpoint is read
    endpoint = read_endpoint_config(str(ROOT / endpoints), "action_endpoint")
    domain = Domain.load(str(ROOT / "domain.yml"))
    tracker = DialogueStateTracker.from_events("someone", [], domain.slots)
    sent = {
        name
        for name in domain.user_actions
        if "domain" in RemoteAction(name, endpoint)._action_call_format(tracker, domain)
    }
    # Rasa always sends it to a form's validator; every other action (the answer, the session start) gets none.
    assert "action_answer_message" in domain.user_actions and sent == {"validate_intake_form"}


ERROR_CASES = {
    "bad JSON": (f'{{"next_action": "sample_echo", "tracker": {{"phone": "{SECRET}"'.encode(), {}, 400),
    "not an object": (json.dumps([SECRET]).encode(), {}, 400),
    "no tracker": (json.dumps({"next_action": "sample_echo", "sender_id": SECRET}).encode(), {}, 400),
    "no action": (json.dumps({**action_call(), "next_action": ""}).encode(), {}, 400),
    "odd version": (json.dumps({**action_call(), "version": {"v": SECRET}}).encode(), {}, 400),
    "unknown action": (json.dumps(action_call("action_nobody_has")).encode(), {}, 404),
    "wrong content type": (json.dumps(action_call()).encode(), {"Content-Type": "text/plain"}, 415),
    "unknown encoding": (json.dumps(action_call()).encode(), {"Content-Encoding": "br"}, 415),
    "broken deflate": (SECRET.encode(), {"Content-Encoding": "deflate"}, 400),
    "too large": (json.dumps({**action_call(), "pad": SECRET * 10_000}).encode(), {}, 413),
    "deflate bomb": (
        zlib.compress(json.dumps({**action_call(), "pad": "0" * 5_000_000}).encode()),
        {"Content-Encoding": "deflate"},
        413,
    ),
}


@pytest.mark.parametrize("case", list(ERROR_CASES))
async def test_refusals_say_only_what_went_wrong(server: Server, case: str, caplog: pytest.LogCaptureFixture) -> None:
    body, headers, status = ERROR_CASES[case]
    caplog.set_level("DEBUG")
    response = await server.post(body, headers=headers)
    assert response.status == status
    assert set(no_echo(response, caplog)) == {"error"}


async def test_a_compressed_call_works(server: Server) -> None:
    # What Rasa sends with COMPRESS_ACTION_SERVER_REQUEST=true.
    response = await server.post(
        zlib.compress(json.dumps(action_call()).encode()), headers={"Content-Encoding": "deflate"}
    )
    assert response.status == 200


async def test_an_exception_in_an_action(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    response = await server.post(json.dumps(action_call("sample_boom")).encode())
    assert response.status == 500
    body = no_echo(response, caplog)
    assert body["error"] == "internal error" and len(body["error_id"]) == 12
    # The log says which action failed, how and where, under the id the response gives.
    assert "sample_boom" in caplog.text and "ValueError" in caplog.text and body["error_id"] in caplog.text
    assert "test_action_server.py" in caplog.text


async def test_a_rejection_names_only_the_action(server: Server, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level("DEBUG")
    response = await server.post(json.dumps(action_call("sample_reject")).encode())
    assert response.status == 400
    assert no_echo(response, caplog) == {"error": "bad request", "action_name": "sample_reject"}


@pytest.mark.parametrize(
    "method, path, status", [("GET", "/nowhere", 404), ("GET", "/webhook", 405), ("DELETE", "/actions", 405)]
)
async def test_other_routes_answer_json(server: Server, method: str, path: str, status: int) -> None:
    async with server.http.request(method, server.url + path) as response:
        assert response.status == status
        assert set(await response.json()) == {"error"}


async def test_health_and_actions(server: Server) -> None:
    async with server.http.get(server.url + "/health") as response:
        assert await response.json() == {"status": "ok"}
    async with server.http.get(server.url + "/actions") as response:
        assert {"sample_echo", "sample_boom", "sample_reject"} <= {a["name"] for a in await response.json()}


# -- the shared token ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query, status", [("", 401), ("?token=wrong", 401), (f"?token={TOKEN}x", 401), (f"?token={TOKEN}", 200)]
)
async def test_the_token_guards_the_webhook(
    guarded: Server, query: str, status: int, caplog: pytest.LogCaptureFixture
) -> None:
    response = await guarded.post(json.dumps(action_call()).encode(), path="/webhook" + query)
    assert response.status == status
    if status == 401:
        assert no_echo(response, caplog) == {"error": "unauthorized"}
    assert TOKEN not in caplog.text


async def test_the_token_guards_the_action_list_but_not_health(guarded: Server) -> None:
    async with guarded.http.get(guarded.url + "/actions") as response:
        assert response.status == 401
    async with guarded.http.get(guarded.url + f"/actions?token={TOKEN}") as response:
        assert response.status == 200
    async with guarded.http.get(guarded.url + "/health") as response:
        assert response.status == 200


def test_an_empty_token_means_none() -> None:
    assert settings(action_server_token="").token is None
    assert settings(action_server_token=TOKEN).token == TOKEN


@pytest.mark.filterwarnings("ignore:Slot auto-fill has been removed")  # Rasa warns on every domain
async def test_rasa_sends_the_endpoint_token_and_reads_the_errors(guarded: Server, tmp_path: Path) -> None:
    """The contract with Rasa 3.6's own client, configured from an endpoints file like ours."""
    from rasa.core.actions.action import ActionExecutionRejection as RasaRejection
    from rasa.core.actions.action import RemoteAction
    from rasa.core.channels import CollectingOutputChannel
    from rasa.core.nlg import TemplatedNaturalLanguageGenerator
    from rasa.core.utils import read_endpoints_from_path
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.shared.exceptions import RasaException

    endpoints_file = tmp_path / "endpoints.yml"
    endpoints_file.write_text(f'action_endpoint:\n  url: "{guarded.url}/webhook"\n  token: "{TOKEN}"\n')
    endpoint = read_endpoints_from_path(endpoints_file).action
    domain = Domain.from_yaml("version: '3.1'\nslots:\n  phone:\n    type: any\n    mappings:\n    - type: custom\n")
    tracker = DialogueStateTracker(SECRET, domain.slots)
    nlg = TemplatedNaturalLanguageGenerator(domain.responses)

    async def run(name: str) -> List[Any]:
        return await RemoteAction(name, endpoint).run(CollectingOutputChannel(), nlg, tracker, domain)

    assert [event.as_dict()["event"] for event in await run("sample_echo")] == ["bot", "slot"]
    with pytest.raises(RasaRejection):
        await run("sample_reject")
    with pytest.raises(RasaException):
        await run("sample_boom")
    endpoint.token = None
    with pytest.raises(RasaException):
        await run("sample_echo")  # 401 without the token


# -- the real process ----------------------------------------------------------------------------


def start(env: Dict[str, str], *args: str, log: Path) -> subprocess.Popen:
    environment = {**os.environ, "ACTION_SERVER_TOKEN": "", **env}
    return subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "ops.action_server", *args],
        cwd=ROOT,
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )


def wait_healthy(url: str, process: subprocess.Popen, log: Path, timeout_s: float = 60) -> None:
    import urllib.request

    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise TimeoutError(log.read_text()[-3000:])


def stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


def test_the_module_serves_the_projects_actions_on_actions_port(tmp_path: Path) -> None:
    import urllib.error
    import urllib.request

    port = free_port()
    log = tmp_path / "actions.log"
    process = start({"ACTIONS_PORT": str(port), "ACTION_SERVER_TOKEN": TOKEN}, log=log)
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(url, process, log)
        with urllib.request.urlopen(f"{url}/actions?token={TOKEN}", timeout=10) as response:
            names = {item["name"] for item in json.loads(response.read())}
        assert {"action_submit_case", "action_answer_message"} <= names
        request = urllib.request.Request(
            f"{url}/webhook?token={TOKEN}",
            data=b'{"tracker": "' + SECRET.encode(),
            headers={"Content-Type": "application/json"},
        )
        with pytest.raises(urllib.error.HTTPError) as refused:
            urllib.request.urlopen(request, timeout=10)
        assert refused.value.code == 400 and SECRET not in refused.value.read().decode()
    finally:
        assert stop(process) == 0
    assert TOKEN not in log.read_text() and SECRET not in log.read_text()


def test_the_port_option_wins_over_the_environment(tmp_path: Path) -> None:
    port = free_port()
    log = tmp_path / "actions.log"
    process = start({"ACTIONS_PORT": "1"}, "--port", str(port), log=log)
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process, log)
    finally:
        stop(process)


def test_the_sentence_classifiers_are_trained_before_serving() -> None:
    from ops.action_server import warm_up
    from understanding.question_classifier import question_classifier
    from understanding.situation_classifier import situation_classifier

    warm_up()
    assert question_classifier.cache_info().currsize == 1 and situation_classifier.cache_info().currsize == 1
