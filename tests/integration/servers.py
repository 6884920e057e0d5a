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
def running_bot(tmp_dir: Path, env: Optional[Dict[str, str]] = None) -> Iterator[Bot]:
    """Run the action server and the Rasa server until the block ends."""
    import os

    actions_port, rasa_port = free_port(), free_port()
    endpoints = tmp_dir / "endpoints.yml"
    endpoints.write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{actions_port}/webhook"\n')
    environment = {**os.environ, **(env or {})}
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
             "--endpoints", str(endpoints), "--credentials", str(ROOT / "credentials.yml"),
             "-i", "127.0.0.1"],
            cwd=ROOT, env=environment, stdout=rasa_log.open("w"), stderr=subprocess.STDOUT))
        _wait(f"http://127.0.0.1:{rasa_port}/status", processes[1], rasa_log, check=_model_loaded)
        yield Bot(f"http://127.0.0.1:{rasa_port}")
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
