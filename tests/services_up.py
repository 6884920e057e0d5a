"""Start the local services tests need (PostgreSQL, Redis, RabbitMQ) when they are not running.

Each helper checks the TCP port first and only starts the service when nothing listens; it raises
(so the test fails rather than skips) when the service is still unreachable after waiting.
"""

from __future__ import annotations

import glob
import os
import shlex
import socket
import subprocess
import time
from typing import Sequence

from sqlalchemy.engine import make_url

POSTGRES_WAIT_S = 30.0
REDIS_WAIT_S = 15.0
RABBITMQ_WAIT_S = 90.0


def port_open(host: str, port: int, timeout_s: float = 1.0) -> bool:
    """Whether something accepts TCP connections on host:port."""
    try:
        with socket.create_connection((host, port), timeout=timeout_s):
            return True
    except OSError:
        return False


def _start(command: Sequence[str], host: str, port: int, wait_s: float, name: str) -> None:
    if port_open(host, port):
        return
    try:
        result = subprocess.run(list(command), capture_output=True, text=True, timeout=wait_s)
        output = (result.stdout + result.stderr).strip()
    except (OSError, subprocess.SubprocessError) as exc:
        output = repr(exc)
    deadline = time.monotonic() + wait_s
    while time.monotonic() < deadline:
        if port_open(host, port):
            return
        time.sleep(0.5)
    raise RuntimeError(
        f"{name} is not reachable on {host}:{port} after running {shlex.join(command)}: {output[-2000:]}"
    )


def ensure_postgres(url: str) -> None:
    """Start the local PostgreSQL cluster (pg_ctlcluster) if nothing listens at the URL's host:port."""
    parsed = make_url(url)
    host, port = parsed.host or "127.0.0.1", parsed.port or 5432
    versions = sorted(os.path.basename(path) for path in glob.glob("/etc/postgresql/*"))
    version = versions[-1] if versions else "15"
    command = ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"]
    _start(command, host, port, POSTGRES_WAIT_S, "PostgreSQL")


def ensure_redis(host: str = "127.0.0.1", port: int = 6379) -> None:
    """Start a throw-away Redis (no persistence) if nothing listens on host:port."""
    command = [
        "redis-server",
        "--daemonize",
        "yes",
        "--bind",
        "127.0.0.1",
        "-::1",
        "--port",
        str(port),
        "--save",
        "",
        "--appendonly",
        "no",
        "--dir",
        "/var/lib/redis",
        "--logfile",
        "/var/log/redis/ci.log",
    ]
    _start(command, host, port, REDIS_WAIT_S, "Redis")


def ensure_rabbitmq(host: str = "127.0.0.1", port: int = 5672) -> None:
    """Start RabbitMQ in the background if nothing listens on host:port."""
    _start(["rabbitmq-server", "-detached"], host, port, RABBITMQ_WAIT_S, "RabbitMQ")
