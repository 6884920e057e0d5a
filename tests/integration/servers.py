"""Start the real action server and Rasa server on free loopback ports, for integration tests."""
from __future__ import annotations

import json
import socket
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from typing import Dict, Iterator, List, Optional

ROOT = Path(__file__).resolve().parents[2]
RASA = ROOT / ".venv" / "bin" / "rasa"
MODEL = ROOT / "models" / "tax-assistant.tar.gz"
START_TIMEOUT_S = 180
# credentials.yml reads the channel secrets from the environment; empty values switch a channel off.
CHANNEL_ENV = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER", "TWILIO_PUBLIC_BASE_URL",
               "FACEBOOK_VERIFY_TOKEN", "FACEBOOK_APP_SECRET", "FACEBOOK_PAGE_ACCESS_TOKEN")


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ready(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2) as response:
            return response.status == 200
    except (urllib.error.URLError, OSError):
        return False


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
    import os

    port = free_port()
    log = tmp_dir / "desk.log"
    environment = {**os.environ, **env, "DESK_PORT": str(port), "DESK_HOST": "127.0.0.1"}
    process = subprocess.Popen([str(ROOT / ".venv" / "bin" / "python"), "-m", "desk"], cwd=ROOT,
                               env=environment, stdout=log.open("w"), stderr=subprocess.STDOUT)
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

    def __init__(self, url: str) -> None:
        self.url = url

    def send(self, sender: str, message: str) -> List[Dict]:
        """Send one user message and return the bot's replies."""
        body = json.dumps({"sender": sender, "message": message}).encode()
        request = urllib.request.Request(f"{self.url}/webhooks/rest/webhook", data=body,
                                         headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def texts(self, sender: str, message: str) -> str:
        """All reply texts of one turn joined by newlines."""
        return "\n".join(r.get("text", "") for r in self.send(sender, message))


@contextmanager
def running_bot(
    tmp_dir: Path,
    env: Optional[Dict[str, str]] = None,
    credentials: Optional[Path] = None,
    jwt_secret: Optional[str] = None,
) -> Iterator[Bot]:
    """Run the action server and the Rasa server until the block ends.

    Args:
        tmp_dir: where logs and the endpoints file go.
        env: extra environment for both servers (e.g. DATABASE_URL).
        credentials: a credentials file (default: the project's).
        jwt_secret: protect Rasa's HTTP API with this JWT secret (as ``make run`` does).
    """
    import os

    actions_port, rasa_port = free_port(), free_port()
    endpoints = tmp_dir / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n')
    environment = {**{name: "" for name in CHANNEL_ENV}, **os.environ, **(env or {})}
    processes: List[subprocess.Popen] = []
    try:
        actions_log = tmp_dir / "actions.log"
        processes.append(subprocess.Popen(
            [str(RASA), "run", "actions", "--actions", "actions", "--port", str(actions_port)],
            cwd=ROOT, env=environment, stdout=actions_log.open("w"), stderr=subprocess.STDOUT))
        _wait(f"http://127.0.0.1:{actions_port}/health", processes[0], actions_log)
        rasa_log = tmp_dir / "rasa.log"
        processes.append(subprocess.Popen(
            [str(RASA), "run", "--model", str(MODEL), "--port", str(rasa_port), "--enable-api",
             "--endpoints", str(endpoints), "--credentials", str(credentials or ROOT / "credentials.yml"),
             "-i", "127.0.0.1", *(["--jwt-secret", jwt_secret, "--jwt-method", "HS256"] if jwt_secret else [])],
            cwd=ROOT, env=environment, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT))
        status_url = f"http://127.0.0.1:{rasa_port}/status"
        _wait(status_url, processes[1], rasa_log, check=_model_loaded if not jwt_secret else _ready_any)
        yield Bot(f"http://127.0.0.1:{rasa_port}")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
