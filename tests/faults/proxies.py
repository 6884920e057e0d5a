"""A loopback TCP proxy on its own asyncio loop that can hold back the answers of a slow server."""
from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Optional, Set


class DelayProxy:
    """Forwards 127.0.0.1:<port> to ``target``; each answer's first byte waits ``delay_s`` seconds.

    The request reaches the server at once (the action runs); only its answer is late, as with an
    overloaded action server. Set ``delay_s`` at any time; it applies to new connections.
    """

    def __init__(self, target_port: int) -> None:
        self.target_port = target_port
        self.delay_s = 0.0
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._server: Optional[asyncio.AbstractServer] = None
        self._tasks: Set[asyncio.Task] = set()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def url(self) -> str:
        """The action server's webhook URL, through the proxy."""
        return f"http://127.0.0.1:{self.port}/webhook"

    def start(self) -> "DelayProxy":
        """Listen on a free port (in a background thread)."""
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0), self._loop).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        """Close the listener and every connection, then the loop."""
        async def close() -> None:
            assert self._server is not None
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(close(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    async def _handle(self, client_reader: asyncio.StreamReader, client_writer: asyncio.StreamWriter) -> None:
        self._tasks.add(asyncio.current_task())  # type: ignore[arg-type]
        delay = self.delay_s
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_writer.close()  # the server is down: so is the proxy's side
            return
        try:
            await asyncio.gather(self._pipe(client_reader, upstream_writer, 0.0),
                                 self._pipe(upstream_reader, client_writer, delay))
        finally:
            for writer in (client_writer, upstream_writer):
                writer.close()
            self._tasks.discard(asyncio.current_task())  # type: ignore[arg-type]

    @staticmethod
    async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay_s: float) -> None:
        first = True
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                if first and delay_s:
                    await asyncio.sleep(delay_s)
                first = False
                writer.write(data)
                await writer.drain()
        with contextlib.suppress(OSError):
            if writer.can_write_eof():
                writer.write_eof()
