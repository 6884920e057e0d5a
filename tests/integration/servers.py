"""Start the real action server and Rasa server on free loopback ports, for integration tests.

Both start the way ``make run`` starts them: ``python -m ops.action_server`` (with a shared token
Rasa sends from the endpoints file) and ``python -m ops.serve`` (``rasa run`` with the action
timeout from ``ACTION_TIMEOUT_S``).
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

from ops.local_servers import answers_ok, channels_off, free_port, stop_processes

ROOT = Path(__file__).resolve().parents[2]
T = TypeVar("T")
RASA = ROOT / ".venv" / "bin" / "rasa"
PYTHON = ROOT / ".venv" / "bin" / "python"
MODEL = ROOT / "models" / "tax-assistant.tar.gz"
START_TIMEOUT_S = 180


def _ready(url: str) -> bool:
    return answers_ok(url)


def _wait(url: str, process: subprocess.Popen, log: Path, check=_ready) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited early; log:\n{log.read_text()[-3000:]}")
        if check(url):
            return
        time.sleep(0.5)
    raise TimeoutError(f"{url} not ready after {START_TIMEOUT_S} s; log:\n{log.read_text()[-3000:]}")


def _model_loaded(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return bool(json.loads(response.read()).get("model_file"))
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _ready_any(url: str) -> bool:
    """The server answers at all (a JWT-protected /status answers 401 until authorised)."""
    try:
        with urllib.request.urlopen(url.replace("/status", "/version"), timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


@contextmanager
def running_desk(tmp_dir: Path, env: Dict[str, str]) -> Iterator[str]:
    """Run the agent desk (``python -m desk``) on a free port; yields its base URL."""
    port = free_port()
    log = tmp_dir / "desk.log"
    environment = {**os.environ, **env, "DESK_PORT": str(port), "DESK_HOST": "127.0.0.1"}
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "python"), "-m", "desk"],
        cwd=ROOT,
        env=environment,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
    )
    try:
        _wait(f"http://127.0.0.1:{port}/health", process, log)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()


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
        self.process = subprocess.Popen(
            [str(PYTHON), "-m", "ops.action_server", "--port", str(self.port)],
            cwd=ROOT,
            env=self._env,
            stdout=self.log.open("a"),
            stderr=subprocess.STDOUT,
        )
        _wait(f"http://127.0.0.1:{self.port}/health", self.process, self.log)
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
        if action_url is None:
            actions = ActionServer(tmp_dir, environment).start()
            action_url, action_token = actions.url, actions.token
        endpoints = tmp_dir / "endpoints.yml"
        endpoints.write_text(
            f'action_endpoint:\n  url: "{action_url}"\n' + (f'  token: "{action_token}"\n' if action_token else "")
        )
        rasa_port = free_port()
        rasa_log = tmp_dir / "rasa.log"
        processes.append(
            subprocess.Popen(
                [
                    str(PYTHON),
                    "-m",
                    "ops.serve",
                    "--model",
                    str(MODEL),
                    "--port",
                    str(rasa_port),
                    "--enable-api",
                    "--endpoints",
                    str(endpoints),
                    "--credentials",
                    str(credentials or ROOT / "credentials.yml"),
                    "-i",
                    "127.0.0.1",
                    *(["--jwt-method", "HS256"] if jwt_secret else []),
                ],
                cwd=ROOT,
                env={**environment, **({"RASA_JWT_SECRET": jwt_secret} if jwt_secret else {})},
                stdout=rasa_log.open("w"),
                stderr=subprocess.STDOUT,
            )
        )
        status_url = f"http://127.0.0.1:{rasa_port}/status"
        _wait(status_url, processes[0], rasa_log, check=_model_loaded if not jwt_secret else _ready_any)
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
