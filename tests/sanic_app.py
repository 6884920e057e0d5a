"""Serve a Sanic app inside the test's own event loop on a free loopback port."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import Any, AsyncIterator, Tuple

from sanic import Sanic

from tests.integration.servers import free_port


async def start_app(app: Sanic) -> Tuple[Any, str]:
    """Start ``app`` with its listeners; returns the server and its base URL."""
    port = free_port()
    server = await app.create_server(host="127.0.0.1", port=port, return_asyncio_server=True, access_log=False)
    await server.startup()
    await server.before_start()
    await server.after_start()
    return server, f"http://127.0.0.1:{port}"


async def stop_app(server: Any) -> None:
    """Stop a server from :func:`start_app`, running its stop listeners."""
    await server.before_stop()
    server.close()
    await server.wait_closed()
    await server.after_stop()


@asynccontextmanager
async def serving(app: Sanic) -> AsyncIterator[str]:
    """``async with serving(app) as url``: the app runs inside the block."""
    server, url = await start_app(app)
    try:
        yield url
    finally:
        await stop_app(server)
