"""Running the project's servers as local processes: what the test suite and the benchmark share.

Both start the action server and the Rasa server on free loopback ports, wait until they answer,
and stop them. The command lines are built here only (:func:`action_server_command`,
:func:`rasa_command`); :func:`launch` starts one with its log, and :func:`wait_ready` waits until a
URL answers while checking the process is still alive. The launchers (tests/integration/servers.py,
tests/integration/cluster.py, bench/servers.py) add what each needs on top (a client for the
tests, start-up timing and memory sampling for the benchmark).

Usage::

    port = free_port()
    process = launch(action_server_command(port), tmp / "actions.log", channels_off(os.environ))
    wait_ready(f"http://127.0.0.1:{port}/health", process, tmp / "actions.log")
    ...
    stop_processes([process])
"""

from __future__ import annotations

import json
import re
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Dict, Iterable, Mapping, Optional, Sequence, Tuple

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
# How `make run` starts the two servers (scripts/run.sh); options are appended by the builders below.
SERVE = (str(PYTHON), "-m", "ops.serve")
ACTION_SERVER = (str(PYTHON), "-m", "ops.action_server")
START_TIMEOUT_S = 180.0

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


@dataclass(frozen=True)
class Command:
    """A server's command line and the environment it needs on top of the caller's.

    Secrets go in ``env``, never in ``argv`` (``ps`` shows a command line to every user), except
    for stock ``rasa run``, which takes its JWT secret on the command line only.
    """

    argv: Tuple[str, ...]
    env: Mapping[str, str] = field(default_factory=dict)


def action_server_command(port: int, program: Sequence[str] = ACTION_SERVER) -> Command:
    """The action server on ``port``; ``program`` is what starts it (``rasa run actions`` also works)."""
    return Command((*program, "--port", str(port)))


def serves_through_ops(program: Sequence[str]) -> bool:
    """Whether ``program`` is our ``ops.serve``, which takes the JWT secret from the environment only."""
    return "ops.serve" in program


def rasa_command(
    model: Path,
    port: int,
    *,
    endpoints: Optional[Path] = None,
    credentials: Optional[Path] = None,
    enable_api: bool = False,
    jwt_secret: Optional[str] = None,
    program: Sequence[str] = SERVE,
) -> Command:
    """The Rasa server with ``model`` on 127.0.0.1:``port``.

    Args:
        model: the trained model.
        port: the port it listens on (loopback only).
        endpoints: an endpoints file (``None``: Rasa's default).
        credentials: a credentials file (``None``: Rasa's default).
        enable_api: open Rasa's HTTP API (``--enable-api``).
        jwt_secret: protect the HTTP API with this HS256 secret; ``ops.serve`` gets it as
            ``RASA_JWT_SECRET``, stock ``rasa run`` as ``--jwt-secret``.
        program: what starts Rasa (``ops.serve`` as ``make run`` does, or ``rasa run``).
    """
    argv = [*program, "--model", str(model), "--port", str(port), "-i", "127.0.0.1"]
    if credentials is not None:
        argv += ["--credentials", str(credentials)]
    if endpoints is not None:
        argv += ["--endpoints", str(endpoints)]
    if enable_api:
        argv.append("--enable-api")
    env: Dict[str, str] = {}
    if jwt_secret:
        argv += ["--jwt-method", "HS256"]
        if serves_through_ops(program):
            env["RASA_JWT_SECRET"] = jwt_secret
        else:  # stock `rasa run`: the only way it takes a secret
            argv += ["--jwt-secret", jwt_secret]
    return Command(tuple(argv), env)


def launch(
    command: Command, log: Path, env: Mapping[str, str], cwd: Path = ROOT, append: bool = False
) -> subprocess.Popen:
    """Start ``command`` in ``cwd`` with ``env`` (plus the command's own), its output going to ``log``.

    ``append`` keeps what an earlier run of the same server wrote to ``log`` (a restart).
    """
    with log.open("ab" if append else "wb") as handle:  # the child keeps its own copy of the file
        return subprocess.Popen(
            list(command.argv), cwd=cwd, env={**env, **command.env}, stdout=handle, stderr=subprocess.STDOUT
        )


def server_error(what: str, log: Path) -> RuntimeError:
    """An error saying ``what`` went wrong, with the log's last line and its last 3,000 characters."""
    text = log.read_text(errors="replace") if log.exists() else ""
    lines = [re.sub(r"\x1b\[[0-9;]*m", "", line).strip() for line in text.splitlines()]
    last = next((line for line in reversed(lines) if line), "empty log")
    return RuntimeError(f"{what}: {last[:300]} (log {log})\n{text[-3000:]}")


def check_running(process: subprocess.Popen, log: Path, what: str = "the server") -> None:
    """Raise (with the log) when ``process`` has exited."""
    code = process.poll()
    if code is not None:
        raise server_error(f"{what} exited early (exit code {code})", log)


def answers_ok(url: str, timeout_s: float = 2.0) -> bool:
    """Whether ``url`` answers a GET with HTTP 200 (False while the server is not up)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout_s) as response:
            return bool(response.status == 200)
    except (urllib.error.URLError, OSError):
        return False


def model_loaded(status_url: str) -> bool:
    """Whether Rasa's open ``/status`` names a loaded model."""
    try:
        with urllib.request.urlopen(status_url, timeout=2) as response:
            return bool(json.loads(response.read()).get("model_file"))
    except (urllib.error.URLError, OSError, ValueError):
        return False


def rasa_answers(status_url: str) -> bool:
    """Whether Rasa answers at all (a JWT-protected ``/status`` answers 401, so ask ``/version``)."""
    return answers_ok(status_url.replace("/status", "/version"))


def wait_ready(
    url: str,
    process: subprocess.Popen,
    log: Path,
    ready: Callable[[str], bool] = answers_ok,
    timeout_s: float = START_TIMEOUT_S,
    poll_s: float = 0.25,
) -> float:
    """Wait until ``ready(url)`` while ``process`` keeps running; returns the seconds waited.

    Raises:
        RuntimeError: the process exited, or ``url`` was not ready within ``timeout_s`` (with the log).
    """
    start = time.monotonic()
    while True:
        check_running(process, log)
        if ready(url):
            return time.monotonic() - start
        if time.monotonic() - start >= timeout_s:
            raise server_error(f"{url} not ready after {timeout_s:.0f} s", log)
        time.sleep(poll_s)


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
