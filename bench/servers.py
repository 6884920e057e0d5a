"""Start a bot (Rasa server, and the action server when it has one) on free loopback ports.

Start-up is timed from launching the processes (both at once, as a container runtime would) to
the first HTTP 200 with a visible reply on the REST channel; the action server must answer
``/health`` before the first message is sent, so a reply never comes from a half-started bot.
"""

from __future__ import annotations

import json
import secrets
import subprocess
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, Mapping, Optional, Tuple

import yaml

from bench.load import REST_HEADERS, REST_PATH, has_content
from bench.memory import RssSampler
from bench.paths import RASA
from bench.training import quiet_env
from ops.local_servers import (
    action_server_command,
    answers_ok,
    channels_off,
    check_running,
    free_port,
    launch,
    rasa_command,
    server_error,
    stop_processes,
)

START_TIMEOUT_S = 300.0
POLL_S = 0.25


@dataclass(frozen=True)
class BotSpec:
    """How to run one bot.

    Attributes:
        name: short name used in the table (``stock``, ``ours``, ``ours-light``).
        project: the working directory of both servers.
        model: the trained model.
        credentials: a credentials file, or ``None`` for ``rasa run``'s default.
        endpoints: an endpoints file; its ``action_endpoint.url`` is pointed at our action server.
        rasa_command: what starts Rasa; ``rasa run`` options are appended.
        actions_command: what starts the action server (``--port N`` is appended), or ``None``.
        enable_api: start Rasa with ``--enable-api`` (JWT-protected, as ``make run`` does).
        env: extra environment for both servers.
    """

    name: str
    project: Path
    model: Path
    credentials: Optional[Path] = None
    endpoints: Optional[Path] = None
    rasa_command: Tuple[str, ...] = (str(RASA), "run")
    actions_command: Optional[Tuple[str, ...]] = None
    enable_api: bool = False
    env: Mapping[str, str] = field(default_factory=dict)


@dataclass
class RunningBot:
    """A started bot: its URL, process ids, start-up times and memory sampler."""

    spec: BotSpec
    url: str
    rasa_pid: int
    actions_pid: Optional[int]
    startup_s: float
    actions_ready_s: Optional[float]
    sampler: RssSampler
    logs: Dict[str, Path]
    processes: Dict[str, subprocess.Popen] = field(default_factory=dict)

    def died(self) -> Dict[str, int]:
        """The exit code of every server process that is no longer running, by role."""
        return {role: code for role, process in self.processes.items() if (code := process.poll()) is not None}

    @property
    def pids(self) -> Dict[str, int]:
        """Process ids by role (``rasa``, ``actions``)."""
        found = {"rasa": self.rasa_pid}
        if self.actions_pid:
            found["actions"] = self.actions_pid
        return found


def first_answer(base_url: str, message: str, sender: str, timeout_s: float = 60.0) -> bool:
    """Whether the bot answers ``message`` with HTTP 200 and a visible reply."""
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(base_url + REST_PATH, data=body, headers=REST_HEADERS)
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as response:
            return response.status == 200 and has_content(json.loads(response.read()))
    except (urllib.error.URLError, OSError, ValueError):
        return False


def _endpoints_file(spec: BotSpec, actions_port: Optional[int], workdir: Path) -> Optional[Path]:
    if spec.endpoints is None:
        return None
    data = yaml.safe_load(spec.endpoints.read_text()) or {}
    if actions_port is not None:
        data["action_endpoint"] = {
            **(data.get("action_endpoint") or {}),
            "url": f"http://127.0.0.1:{actions_port}/webhook",
        }
    path = workdir / f"{spec.name}-endpoints.yml"
    path.write_text(yaml.safe_dump(data))
    return path


@contextmanager
def running(
    spec: BotSpec, workdir: Path, startup_message: str, timeout_s: float = START_TIMEOUT_S
) -> Iterator[RunningBot]:
    """Start ``spec``'s servers, wait for the first answer, and stop them when the block ends."""
    workdir.mkdir(parents=True, exist_ok=True)
    env = quiet_env(**channels_off(spec.env))
    rasa_port = free_port()
    actions_port = free_port() if spec.actions_command else None
    endpoints = _endpoints_file(spec, actions_port, workdir)
    logs = {"rasa": workdir / f"{spec.name}-rasa.log"}
    processes: Dict[str, subprocess.Popen] = {}
    sampler: Optional[RssSampler] = None
    try:
        start = time.perf_counter()
        if spec.actions_command and actions_port is not None:
            logs["actions"] = workdir / f"{spec.name}-actions.log"
            command = action_server_command(actions_port, spec.actions_command)
            processes["actions"] = launch(command, logs["actions"], env, cwd=spec.project)
        # Hex, not URL-safe base64: a secret starting with "-" reads as an option on Rasa's command line.
        jwt_secret = secrets.token_hex(32) if spec.enable_api else None
        command = rasa_command(
            spec.model,
            rasa_port,
            endpoints=endpoints,
            credentials=spec.credentials,
            enable_api=spec.enable_api,
            jwt_secret=jwt_secret,
            program=spec.rasa_command,
        )
        processes["rasa"] = launch(command, logs["rasa"], env, cwd=spec.project)
        pids = {role: process.pid for role, process in processes.items()}
        sampler = RssSampler(pids).start()
        url = f"http://127.0.0.1:{rasa_port}"
        actions_ready_s = _wait_until_answering(
            spec, url, actions_port, startup_message, processes, logs, start, timeout_s
        )
        startup_s = time.perf_counter() - start
        yield RunningBot(
            spec, url, pids["rasa"], pids.get("actions"), startup_s, actions_ready_s, sampler, logs, processes
        )
    finally:
        stop_processes(processes.values())
        if sampler:
            sampler.stop()


def _wait_until_answering(
    spec: BotSpec,
    url: str,
    actions_port: Optional[int],
    message: str,
    processes: Dict[str, subprocess.Popen],
    logs: Dict[str, Path],
    start: float,
    timeout_s: float,
) -> Optional[float]:
    """Poll until the action server is healthy and Rasa answers; return the action server's time."""
    actions_ready_s: Optional[float] = None
    attempt = 0
    while time.perf_counter() - start < timeout_s:
        for role, process in processes.items():
            check_running(process, logs[role], f"{spec.name}: the {role} server")
        if actions_port is not None and actions_ready_s is None:
            if answers_ok(f"http://127.0.0.1:{actions_port}/health"):
                actions_ready_s = time.perf_counter() - start
        if actions_port is None or actions_ready_s is not None:
            attempt += 1
            if first_answer(url, message, f"bench-startup-{attempt}"):
                return actions_ready_s
        time.sleep(POLL_S)
    raise server_error(f"{spec.name}: no answer within {timeout_s:.0f} s", logs["rasa"])
