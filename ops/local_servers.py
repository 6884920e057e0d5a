"""Running the project's servers as local processes: what the test suite and the benchmark share.

Both start the action server and the Rasa server on free loopback ports, wait until they answer,
and stop them; the launchers (tests/integration/servers.py, bench/servers.py) add what each
needs on top (a client for the tests, start-up timing and memory sampling for the benchmark).
"""

from __future__ import annotations

import socket
import subprocess
import urllib.error
import urllib.request
from typing import Dict, Iterable, Mapping

# credentials.yml reads the channel secrets from the environment; empty values switch a channel off.
CHANNEL_ENV = (
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_NUMBER",
    "TWILIO_PUBLIC_BASE_URL",
    "FACEBOOK_VERIFY_TOKEN",
    "FACEBOOK_APP_SECRET",
    "FACEBOOK_PAGE_ACCESS_TOKEN",
)


def channels_off(env: Mapping[str, str]) -> Dict[str, str]:
    """``env`` over an environment where every channel secret is empty (SMS and Messenger off)."""
    return {**{name: "" for name in CHANNEL_ENV}, **env}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def answers_ok(url: str, timeout_s: float = 2.0) -> bool:
    """Whether ``url`` answers a GET with HTTP 200 (False while the server is not up)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def stop_processes(processes: Iterable[subprocess.Popen], timeout_s: float = 20.0) -> None:
    """SIGTERM every process still running, then SIGKILL those not gone after ``timeout_s``."""
    processes = list(processes)
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
