"""The production profile on loopback: one action server and several Rasa replicas that share a
fresh PostgreSQL database, a Redis lock-key prefix and a RabbitMQ exchange of their own."""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Dict, Iterator, List, Optional

import psycopg2

from ops.local_servers import (
    ROOT,
    action_server_command,
    answers_ok,
    channels_off,
    free_port,
    launch,
    rasa_answers,
    rasa_command,
    stop_processes,
    wait_ready,
)
from tests.integration.servers import MODEL
from tests.services_up import ensure_postgres, ensure_rabbitmq, ensure_redis

ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/test"
JWT_SECRET = "scale-out-test-secret-" + uuid.uuid4().hex
# The production profile keeps the REST channel off without a token; the clients send this one.
REST_TOKEN = "scale-out-rest-" + uuid.uuid4().hex


@dataclass
class Cluster:
    """What a test needs to reach and inspect the running replicas."""

    urls: List[str]
    database_url: str
    exchange: str
    queue: str
    jwt_secret: str
    processes: List[subprocess.Popen] = field(default_factory=list)
    logs: List[Path] = field(default_factory=list)

    def stop_replica(self, index: int, timeout_s: float = 30) -> None:
        """Stop replica ``index`` the way an orchestrator does (SIGTERM, then wait)."""
        process = self.processes[index + 1]  # 0 is the action server
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _create_database() -> str:
    name = "scale_" + uuid.uuid4().hex[:12]
    admin = psycopg2.connect(ADMIN_DSN)
    admin.autocommit = True
    admin.cursor().execute(f'CREATE DATABASE "{name}"')  # generated name, not input
    admin.close()
    return name


def _drop_database(name: str) -> None:
    admin = psycopg2.connect(ADMIN_DSN)
    admin.autocommit = True
    admin.cursor().execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.close()


@contextmanager
def running_cluster(
    tmp_dir: Path,
    replicas: int = 2,
    env: Optional[Dict[str, str]] = None,
    endpoints: Path = ROOT / "endpoints.production.yml",
) -> Iterator[Cluster]:
    """Start the action server and ``replicas`` Rasa servers in the production profile."""
    ensure_postgres(ADMIN_DSN)
    ensure_redis()
    ensure_rabbitmq()
    database = _create_database()
    tag = uuid.uuid4().hex[:10]
    actions_port = free_port()
    ports = [free_port() for _ in range(replicas)]
    database_url = f"postgresql://postgres@127.0.0.1:5432/{database}"
    environment = channels_off(
        {
            **os.environ,
            "BOT_PROFILE": "production",
            "ACTION_SERVER_URL": f"http://127.0.0.1:{actions_port}/webhook",
            "ACTION_SERVER_TOKEN": uuid.uuid4().hex,
            "TRACKER_STORE_URL": database_url,
            "DATABASE_URL": database_url,
            "REDIS_URL": "redis://127.0.0.1:6379/2",
            "LOCK_KEY_PREFIX": f"scale{tag}",
            "RABBITMQ_HOST": "127.0.0.1",
            "RABBITMQ_PORT": "5672",
            "RABBITMQ_USERNAME": "guest",
            "RABBITMQ_PASSWORD": "guest",
            "RABBITMQ_EXCHANGE": f"scale-{tag}",
            "RABBITMQ_QUEUE": f"scale-{tag}",
            "SOCKETIO_MESSAGE_QUEUE": "redis://127.0.0.1:6379/2",
            "SOCKETIO_CHANNEL": f"socketio-{tag}",
            "RATE_LIMIT_REDIS_URL": "redis://127.0.0.1:6379/2",
            "RATE_LIMIT_REDIS_PREFIX": f"scale{tag}:ratelimit:",
            # production: the REST channel needs its token; per-address limits off (one test client)
            "REST_TOKEN": REST_TOKEN,
            "WIDGET_SESSION_SECRET": uuid.uuid4().hex,
            "ADDRESS_MESSAGES_PER_MINUTE": "0",
            "ADDRESS_NEW_CONVERSATIONS": "0",
            "GLOBAL_NEW_CONVERSATIONS": "0",
            **(env or {}),
        }
    )
    cluster = Cluster(
        [f"http://127.0.0.1:{port}" for port in ports],
        database_url,
        environment["RABBITMQ_EXCHANGE"],
        environment["RABBITMQ_QUEUE"],
        JWT_SECRET,
    )
    try:
        log = tmp_dir / "actions.log"
        cluster.logs.append(log)
        cluster.processes.append(launch(action_server_command(actions_port), log, environment))
        for index, port in enumerate(ports):
            log = tmp_dir / f"rasa-{index}.log"
            cluster.logs.append(log)
            command = rasa_command(
                MODEL,
                port,
                endpoints=endpoints,
                credentials=ROOT / "credentials.yml",
                enable_api=True,
                jwt_secret=JWT_SECRET,
            )
            cluster.processes.append(launch(command, log, environment))
            time.sleep(1)  # let the first replica create the tables before the second looks
        # The action server starts while the replicas do; each must be up before the cluster is.
        wait_ready(f"http://127.0.0.1:{actions_port}/health", cluster.processes[0], cluster.logs[0])
        for index, port in enumerate(ports):
            process, log = cluster.processes[index + 1], cluster.logs[index + 1]
            wait_ready(f"http://127.0.0.1:{port}/status", process, log, ready=rasa_answers)
            wait_ready(f"http://127.0.0.1:{port}/webhooks/rest/", process, log, ready=answers_ok)
        yield cluster
    finally:
        stop_processes(cluster.processes, timeout_s=30)
        _drop_database(database)
