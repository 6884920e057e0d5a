"""A loopback TCP proxy on its own asyncio loop that can hold back the answers of a slow server."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Optional, Set


class DelayProxy:
    """Forwards 127.0.0.1:<port> to ``target``; each answer's first byte waits ``delay_s`` seconds.

    The request reaches the server at once (the action runs); only its answer is late, as with an
    overloaded action server. Set ``delay_s`` at any time; it applies to the next answer, also on
    a kept-alive connection.
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

    def start(self) -> DelayProxy:
        """Listen on a free port (in a background thread)."""
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._handle, "127.0.0.1", 0), self._loop
        ).result(10)
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
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection("127.0.0.1", self.target_port)
        except OSError:
            client_writer.close()  # the server is down: so is the proxy's side
            return
        asked = asyncio.Event()  # a request went up since the last answer came down
        try:
            await asyncio.gather(
                self._pipe(client_reader, upstream_writer, sent=asked),
                self._pipe(upstream_reader, client_writer, answers=asked),
            )
        finally:
            for writer in (client_writer, upstream_writer):
                writer.close()
            self._tasks.discard(asyncio.current_task())  # type: ignore[arg-type]

    async def _pipe(
        self,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        sent: Optional[asyncio.Event] = None,
        answers: Optional[asyncio.Event] = None,
    ) -> None:
        """Copy ``reader`` to ``writer``; set ``sent`` after each chunk, or hold back the first
        chunk after ``answers`` was set (the start of an answer) by ``delay_s``."""
        with contextlib.suppress(OSError, asyncio.IncompleteReadError):
            while True:
                data = await reader.read(65536)
                if not data:
                    break
                if answers is not None and answers.is_set():
                    answers.clear()
                    if self.delay_s:
                        await asyncio.sleep(self.delay_s)
                if sent is not None:
                    sent.set()
                writer.write(data)
                await writer.drain()
        with contextlib.suppress(OSError):
            if writer.can_write_eof():
                writer.write_eof()
