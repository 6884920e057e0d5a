"""The agent desk's app factory: ``create_app(settings)`` wires blueprints, resources and errors.

Resources (database, HTTP session to Rasa, the notification retry sweeper, the RabbitMQ consumer
of new handoffs) are opened in ``before_server_start`` and closed in ``after_server_stop``; open
event streams are ended in ``before_server_stop``. Nothing connects at import time.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path
from typing import Any, Optional, Tuple

import aiohttp
from sanic import Request, Sanic
from sanic.exceptions import SanicException
from sanic.response import BaseHTTPResponse, HTTPResponse, json

from desk.access_control import secure_request
from desk.auth import LoginThrottle
from desk.blueprints import api, auth, health, knowledge, live, notice_pages, pages
from desk.case_handling import CaseNotFound, Conflict, Invalid, RasaUnavailable
from desk.hub import EventHub
from desk.views import render, template_environment
from settings.assistant import Settings, get_settings
from settings.desk import DeskSettings, safe_summary

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "static"
APP_NAME = "agent_desk"
SWEEP_INTERVAL_S = 2.0  # without a broker the sweep is how the desk learns about new cases
BROKER_SWEEP_INTERVAL_S = 60.0  # with one, the sweep is only the safety net
MAX_REQUEST_BYTES = 64 * 1024  # the largest form or JSON body is a 4,000-character note
HSTS = "max-age=31536000"
_ERROR_STATUS = {CaseNotFound: 404, Invalid: 422, Conflict: 409, RasaUnavailable: 502, api.BadBody: 400}
_SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
}


def create_app(settings: DeskSettings, core: Optional[Settings] = None, sweeper: bool = True) -> Sanic:
    """Build the desk app.

    Args:
        settings: the desk's own settings (:func:`settings.desk.load_settings`).
        core: firm, database and notification settings (default: ``settings.assistant``).
        sweeper: run the retry sweeper for undelivered notifications in the background.
    """
    app = Sanic(APP_NAME)
    app.config.REQUEST_MAX_SIZE = MAX_REQUEST_BYTES
    if settings.desk_proxies_count:
        # Trust X-Forwarded-For/-Proto from that many proxies (client IP, https detection).
        app.config.PROXIES_COUNT = settings.desk_proxies_count
    app.ctx.settings = settings
    app.ctx.core = core or get_settings()
    app.ctx.templates = template_environment()
    app.ctx.throttle = LoginThrottle()
    app.ctx.sweeper = sweeper
    for blueprint in (auth.bp, pages.bp, api.bp, live.bp, health.bp, knowledge.bp, notice_pages.bp):
        app.blueprint(blueprint)
    app.static("/static", str(STATIC_DIR), name="static")
    app.register_listener(_open_resources, "before_server_start")
    app.register_listener(_end_streams, "before_server_stop")
    app.register_listener(_close_resources, "after_server_stop")
    app.register_middleware(_security_headers, "response")
    app.error_handler.add(Exception, _on_error)
    return app


async def _open_resources(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
    # Imported here: the store needs the database driver and migrations, loaded only to serve.
    from desk.bootstrap import ensure_pros
    from desk.case_handling import Casework
    from desk.rasa_client import RasaClient
    from services.delivery import Notifier
    from store.cases import CaseRepository
    from store.db import get_database
    from store.outbox import Outbox
    from store.pros import ProRepository

    ctx, core, settings = app.ctx, app.ctx.core, app.ctx.settings
    logger.info("Starting the agent desk: %s", safe_summary(settings))
    ctx.db = await asyncio.to_thread(get_database, core.database_url)
    ctx.cases = CaseRepository(ctx.db, core.case_reference_prefix)
    ctx.pros = ProRepository(ctx.db)
    ctx.outbox = Outbox(ctx.db)
    try:
        await asyncio.to_thread(ensure_pros, ctx.pros, settings)
    except Exception:
        ctx.db.dispose()  # the stop hooks won't run when start-up fails
        raise
    ctx.http = aiohttp.ClientSession()
    ctx.rasa = RasaClient(str(settings.rasa_url), settings.rasa_jwt_secret.get_secret_value(), ctx.http)
    ctx.casework = Casework(ctx.cases, ctx.rasa)
    ctx.hub = EventHub()
    ctx.notifier = Notifier(ctx.outbox, core)
    ctx.consumer = _start_consumer(ctx, settings)
    ctx.sweeper_stop = asyncio.Event()
    ctx.sweeper_task = None
    if ctx.sweeper:
        interval = BROKER_SWEEP_INTERVAL_S if ctx.consumer else SWEEP_INTERVAL_S
        from services.casework import sweep_spool

        ctx.sweeper_task = asyncio.gather(
            ctx.notifier.run(interval_s=interval, stop=ctx.sweeper_stop),
            # Intakes spooled while the case store was down go in as soon as it is back.
            sweep_spool(core, ctx.cases, ctx.sweeper_stop, on_created=ctx.notifier.kick, interval_s=SWEEP_INTERVAL_S),
        )


def _start_consumer(ctx: Any, settings: DeskSettings) -> Optional[Any]:
    """Consume Rasa's tracker events when RABBITMQ_URL is set (connects in the background)."""
    if settings.rabbitmq_url is None:
        return None
    from desk.broker.consumer import BrokerConsumer
    from desk.broker.detector import HandoffDetector
    from desk.broker.relay import HandoffRelay

    # Looked up at call time: tests (and a future reload) may swap the notifier or hub.
    ctx.relay = HandoffRelay(
        HandoffDetector(),
        kick=lambda: ctx.notifier.kick(),
        publish=lambda notice: ctx.hub.publish(notice),
        lookup=lambda reference: asyncio.to_thread(ctx.cases.get, reference),
    )
    consumer = BrokerConsumer(
        settings.rabbitmq_url.get_secret_value(),
        settings.rabbitmq_exchange,
        settings.rabbitmq_queue,
        ctx.relay.handle_body,
    )
    consumer.start()
    return consumer


async def _end_streams(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
    # Open /events streams would otherwise hold the graceful shutdown for its whole timeout.
    if getattr(app.ctx, "hub", None) is not None:
        app.ctx.hub.close()


async def _close_resources(app: Sanic, _loop: asyncio.AbstractEventLoop) -> None:
    ctx = app.ctx
    if getattr(ctx, "consumer", None) is not None:
        await ctx.consumer.close()
    if getattr(ctx, "sweeper_task", None) is not None:
        ctx.sweeper_stop.set()
        try:
            await asyncio.wait_for(ctx.sweeper_task, timeout=15)
        except asyncio.TimeoutError:
            ctx.sweeper_task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await ctx.sweeper_task
        except Exception:  # the sweeper's own failure must not block shutdown
            logger.exception("The notification sweeper failed")
    if getattr(ctx, "notifier", None) is not None:
        await ctx.notifier.close()
    if getattr(ctx, "http", None) is not None:
        await ctx.http.close()
    if getattr(ctx, "db", None) is not None:
        ctx.db.dispose()


async def _security_headers(request: Request, response: BaseHTTPResponse) -> None:
    for name, value in _SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    if secure_request(request):
        response.headers.setdefault("Strict-Transport-Security", HSTS)


def _status_and_message(exc: Exception) -> Tuple[int, str]:
    for kind, status in _ERROR_STATUS.items():
        if isinstance(exc, kind):
            if isinstance(exc, CaseNotFound):
                return status, "no case has this reference"
            return status, str(exc)
    if isinstance(exc, SanicException):
        return exc.status_code, str(exc)
    return 500, "internal error"


def _on_error(request: Request, exc: Exception) -> HTTPResponse:
    status, message = _status_and_message(exc)
    if status >= 500 and not isinstance(exc, RasaUnavailable):
        logger.error("Error serving %s %s", request.method, request.path, exc_info=exc)
    if request.path.startswith("/api"):
        return json({"error": message}, status=status)
    titles = {404: "Not found", 405: "Not allowed", 413: "Too large"}
    return render(
        request,
        "error.html",
        status=status,
        title=titles.get(status, "Error"),
        message=message if status < 500 else "Something went wrong. Please try again.",
    )
