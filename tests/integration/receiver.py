"""A local HTTP receiver for integration tests: Rasa's callback channel, the handoff webhook, and the
other side of the SMS and Messenger channels (Twilio's Messages API and media, Facebook's Send API
and the CDN an attachment link points to)."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Callable, Dict, List, Optional, Tuple

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
    """Records every POST; answers with the status codes queued in ``statuses`` (then 200).

    GET serves what :meth:`serve` put at a path (404 otherwise); paths under a prefix given to
    :meth:`protect` are served only with that ``Authorization`` header (401 otherwise), as Twilio
    serves MMS media only with the account's basic auth.
    """

    port: int = field(default_factory=free_port)
    received: List[Received] = field(default_factory=list)
    statuses: List[int] = field(default_factory=list)
    fetches: List[str] = field(default_factory=list)
    _media: Dict[str, Tuple[bytes, str]] = field(default_factory=dict)
    _protected: Dict[str, str] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @property
    def url(self) -> str:
        """Base URL of the receiver."""
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> Receiver:
        """Serve in a background thread."""
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the http.server API
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.received.append(Received(self.path, dict(self.headers.items()), body))
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                self._answer(status, b"{}", "application/json")

            def do_GET(self) -> None:  # noqa: N802 - the http.server API
                path = self.path.split("?")[0]
                with receiver._lock:
                    needed = next(
                        (auth for prefix, auth in receiver._protected.items() if path.startswith(prefix)), None
                    )
                    if needed is not None and self.headers.get("Authorization") != needed:
                        found: Optional[Tuple[bytes, str]] = (b"", "text/plain")
                        status = 401
                    else:
                        receiver.fetches.append(path)
                        found = receiver._media.get(path)
                        status = 200 if found else 404
                body, content_type = found or (b"", "text/plain")
                self._answer(status, body, content_type)

            def _answer(self, status: int, body: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop serving."""
        self._server.shutdown()
        self._server.server_close()

    def serve(self, path: str, data: bytes, content_type: str) -> str:
        """Serve ``data`` on GET ``path`` from now on; returns its URL."""
        with self._lock:
            self._media[path] = (data, content_type)
        return self.url + path

    def protect(self, prefix: str, authorization: str) -> None:
        """Serve paths under ``prefix`` only to requests with this ``Authorization`` header."""
        with self._lock:
            self._protected[prefix] = authorization

    def on(self, path: str) -> List[Received]:
        """Requests received on ``path`` so far."""
        with self._lock:
            return [item for item in self.received if item.path == path]

    def wait_for(
        self, path: str, predicate: Callable[[Received], bool] = lambda _: True, timeout_s: float = 15.0
    ) -> Optional[Received]:
        """The first request on ``path`` matching ``predicate``, waiting up to ``timeout_s``."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            for item in self.on(path):
                if predicate(item):
                    return item
            time.sleep(0.05)
        return None
