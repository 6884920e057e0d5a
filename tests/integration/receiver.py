"""A local HTTP receiver for integration tests: Rasa's callback channel and the handoff webhook."""
from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Dict, List, Optional

from tests.integration.servers import free_port


@dataclass
class Received:
    """One request the receiver got."""

    path: str
    headers: Dict[str, str]
    body: bytes

    def json(self) -> dict:
        """The body as JSON."""
        return json.loads(self.body)


@dataclass
class Receiver:
    """Records every POST; answers with the status codes queued in ``statuses`` (then 200)."""

    port: int = field(default_factory=free_port)
    received: List[Received] = field(default_factory=list)
    statuses: List[int] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        """Base URL of the receiver."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> "Receiver":
        """Serve in a background thread."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.received.append(Received(self.path, dict(self.headers.items()), body))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                self.send_response(status)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def on(self, path: str) -> List[Received]:
        """Requests received on ``path`` so far."""
        with self._lock:
            return [item for item in self.received if item.path == path]

    def wait_for(self, path: str, predicate: Callable[[Received], bool] = lambda _: True,
                 timeout_s: float = 15.0) -> Optional[Received]:
        """The first request on ``path`` matching ``predicate``, waiting up to ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for item in self.on(path):
                if predicate(item):
                    return item
            time.sleep(0.05)
        return None
