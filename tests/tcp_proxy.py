"""A loopback TCP proxy that a test can cut and restore, to simulate a service outage."""

from __future__ import annotations

import socket
import threading
from typing import List, Optional, Tuple


class TcpProxy:
    """Forwards 127.0.0.1:<port> to a target; ``cut()`` drops every connection and refuses new ones.

    Runs in its own threads, so it works for code under test on any event loop or thread.
    """

    def __init__(self, target: Tuple[str, int], port: int = 0) -> None:
        self.target = target
        self._listener: Optional[socket.socket] = None
        self._port = port
        self._sockets: List[socket.socket] = []
        self._lock = threading.Lock()
        self.up = False

    @property
    def port(self) -> int:
        """The port the proxy listens on (chosen once, kept across cut/restore)."""
        return self._port

    def start(self) -> TcpProxy:
        """Listen and forward (again, after a cut)."""
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self._port))
        listener.listen(64)
        self._port = listener.getsockname()[1]
        self._listener = listener
        self.up = True
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def cut(self) -> None:
        """Close the listener and every open connection: the service looks down."""
        self.up = False
        if self._listener is not None:
            try:
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        with self._lock:
            sockets, self._sockets = self._sockets, []
        for sock in sockets:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            sock.close()

    restore = start

    def _accept(self, listener: socket.socket) -> None:
        while self.up:
            try:
                client, _ = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self._lock:
                self._sockets += [client, upstream]
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    @staticmethod
    def _pipe(source: socket.socket, sink: socket.socket) -> None:
        try:
            while True:
                data = source.recv(65536)
                if not data:
                    break
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
