"""Start the real action server and Rasa server on free loopback ports, for integration tests.

Both start the way ``make run`` starts them: ``python -m ops.action_server`` (with a shared token
Rasa sends from the endpoints file) and ``python -m ops.serve`` (``rasa run`` with the action
timeout from ``ACTION_TIMEOUT_S``), with the command lines, launch and readiness wait of
:mod:`ops.local_servers`; this module adds the :class:`Bot` client and the test environment.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Dict, Iterator, List, Optional, Tuple, TypeVar, cast

import aiohttp

from ops.local_servers import (
    PYTHON,
    ROOT,
    Command,
    action_server_command,
    channels_off,
    free_port,
    launch,
    model_loaded,
    rasa_answers,
    rasa_command,
    stop_processes,
    wait_ready,
)

T = TypeVar("T")
MODEL = ROOT / "models" / "tax-assistant.tar.gz"


@contextmanager
def running_desk(tmp_dir: Path, env: Dict[str, str]) -> Iterator[str]:
    """Run the agent desk (``python -m desk``) on a free port; yields its base URL."""
    port = free_port()
    log = tmp_dir / "desk.log"
    environment = {**os.environ, **env, "DESK_PORT": str(port), "DESK_HOST": "127.0.0.1"}
    process = launch(Command((str(PYTHON), "-m", "desk")), log, environment)
    try:
        wait_ready(f"http://127.0.0.1:{port}/health", process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        stop_processes([process])


class Bot:
    """A running bot reachable over the REST channel."""

    def __init__(self, url: str, actions: Optional[ActionServer] = None, jwt_secret: Optional[str] = None) -> None:
        self.url = url
        self.actions = actions  # the action server running_bot started, if it started one
        self.jwt_secret = jwt_secret  # Rasa's HTTP API wants a token signed with it (None: the API is open)

    def send(self, sender: str, message: str, timeout_s: float = 60) -> List[Dict]:
        """Send one user message and return the bot's replies."""
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(
            f"{self.url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return json.loads(response.read())

    def texts(self, sender: str, message: str) -> str:
        """All reply texts of one turn joined by newlines."""
        return "\n".join(r.get("text", "") for r in self.send(sender, message))

    def post(self, sender: str, message: str, timeout_s: float = 60) -> Tuple[int, List[Dict]]:
        """Send one user message; the status and the replies, also of a refused turn (e.g. 503)."""
        try:
            status, replies = 200, self.send(sender, message, timeout_s)
        except urllib.error.HTTPError as error:
            status, body = error.code, json.loads(error.read() or b"{}")
            replies = body.get("messages", []) if isinstance(body, dict) else []
        return status, replies

    def tracker(self, sender: str) -> Dict:
        """The conversation's tracker from Rasa's HTTP API (with an admin token when it is protected)."""
        url = f"{self.url}/conversations/{urllib.parse.quote(conversation(sender), safe=':+')}/tracker"
        headers = {}
        if self.jwt_secret:  # signed as the agent desk signs its admin token
            from desk.rasa_client import RasaClient

            token = RasaClient(self.url, self.jwt_secret, cast(aiohttp.ClientSession, None)).token()
            headers["Authorization"] = f"Bearer {token}"
        with urllib.request.urlopen(urllib.request.Request(url, headers=headers), timeout=30) as response:
            return json.loads(response.read())


class ActionServer:
    """``python -m ops.action_server`` on a fixed loopback port; can be killed and started again."""

    def __init__(self, tmp_dir: Path, env: Dict[str, str], port: Optional[int] = None) -> None:
        self.port = port or free_port()
        self.token = uuid.uuid4().hex
        self.log = tmp_dir / f"actions-{self.port}.log"
        self._env = {**env, "ACTION_SERVER_TOKEN": self.token}
        self.process: Optional[subprocess.Popen] = None

    @property
    def url(self) -> str:
        """The webhook URL Rasa calls (without the token)."""
        return f"http://127.0.0.1:{self.port}/webhook"

    def start(self) -> ActionServer:
        """Start the process and wait until it answers /health."""
        return self.launch().wait_ready()

    def launch(self) -> ActionServer:
        """Start the process without waiting (start Rasa meanwhile, then :meth:`wait_ready`)."""
        self.process = launch(action_server_command(self.port), self.log, self._env, append=True)
        return self

    def wait_ready(self) -> ActionServer:
        """Wait until the launched process answers /health."""
        assert self.process is not None, "launch() first"
        wait_ready(f"http://127.0.0.1:{self.port}/health", self.process, self.log)
        return self

    def kill(self) -> None:
        """Kill the process at once (SIGKILL), as a crash would."""
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=20)

    def stop(self) -> None:
        """Stop the process (SIGTERM, then SIGKILL after 20 s)."""
        if self.process is not None and self.process.poll() is None:
            stop_processes([self.process])


# The per-address and global conversation limits are off in tests (every test client is
# 127.0.0.1); tests of those limits set them (tests/security).
LIMITS_OFF = {"ADDRESS_MESSAGES_PER_MINUTE": "0", "ADDRESS_NEW_CONVERSATIONS": "0", "GLOBAL_NEW_CONVERSATIONS": "0"}


def conversation(sender: str, namespace: str = "rest") -> str:
    """The conversation id of a sender (channels/identity.py): ``rest:<sender>`` for a REST
    sender; an id that already names its channel is returned as it is."""
    from channels.identity import split

    return sender if split(sender)[0] is not None else f"{namespace}:{sender}"


def _environment(env: Optional[Dict[str, str]]) -> Dict[str, str]:
    return channels_off({**LIMITS_OFF, **os.environ, **(env or {})})


@contextmanager
def running_action_server(tmp_dir: Path, env: Optional[Dict[str, str]] = None) -> Iterator[ActionServer]:
    """Run ``python -m ops.action_server`` until the block ends."""
    server = ActionServer(tmp_dir, _environment(env))
    try:
        yield server.start()
    finally:
        server.stop()


@contextmanager
def running_bot(
    tmp_dir: Path,
    env: Optional[Dict[str, str]] = None,
    credentials: Optional[Path] = None,
    jwt_secret: Optional[str] = None,
    action_url: Optional[str] = None,
    action_token: Optional[str] = None,
) -> Iterator[Bot]:
    """Run the action server and the Rasa server until the block ends.

    Args:
        tmp_dir: where logs and the endpoints file go.
        env: extra environment for both servers (e.g. DATABASE_URL, ACTION_TIMEOUT_S).
        credentials: a credentials file (default: the project's).
        jwt_secret: protect Rasa's HTTP API with this JWT secret (as ``make run`` does).
        action_url: the action server Rasa calls; when given, no action server is started here
            (the caller runs one, e.g. with :func:`running_action_server`, maybe behind a proxy).
        action_token: the token Rasa sends to ``action_url``.
    """
    environment = _environment(env)
    actions: Optional[ActionServer] = None
    processes: List[subprocess.Popen] = []
    try:
        if action_url is None:  # it starts while Rasa does: both take seconds of one core each
            actions = ActionServer(tmp_dir, environment).launch()
            action_url, action_token = actions.url, actions.token
        endpoints = tmp_dir / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "{action_url}"\n' + (f'  token: "{action_token}"\n' if action_token else "")
        )
        rasa_port = free_port()
        rasa_log = tmp_dir / "rasa.log"
        command = rasa_command(
            MODEL,
            rasa_port,
            endpoints=endpoints,
            credentials=credentials or ROOT / "credentials.yml",
            enable_api=True,
            jwt_secret=jwt_secret,
        )
        processes.append(launch(command, rasa_log, environment))
        if actions is not None:
            actions.wait_ready()
        status_url = f"http://127.0.0.1:{rasa_port}/status"
        wait_ready(status_url, processes[0], rasa_log, ready=rasa_answers if jwt_secret else model_loaded)
        yield Bot(f"http://127.0.0.1:{rasa_port}", actions, jwt_secret)
    finally:
        stop_processes(processes)
        if actions is not None:
            actions.stop()


def wait_until(check: Callable[[], T], timeout_s: float = 20.0, interval_s: float = 0.1) -> Optional[T]:
    """The first truthy result of ``check`` within ``timeout_s`` (None if none)."""
    deadline = time.monotonic() + timeout_s
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() >= deadline:
            return None
        time.sleep(interval_s)
