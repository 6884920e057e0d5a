"""With a real RabbitMQ (127.0.0.1:5672, guest/guest): Rasa's own pika broker publishes a handoff
and the desk delivers the case's webhook and tells the signed-in browser within 2 seconds.

As in endpoints.production.yml, Rasa and the desk declare the same queue: the test fails if their
declarations differ (RabbitMQ would refuse Rasa's with PRECONDITION_FAILED)."""

from __future__ import annotations

import asyncio
import json
import secrets
import time
import uuid
from pathlib import Path
from typing import AsyncIterator, List

import aio_pika
import aiohttp
import pytest
from aiohttp import web

from desk.app import create_app
from settings.assistant import Settings
from store.cases import CaseRepository
from store.pros import ProRepository
from store.records import NewCase
from tests.desk.conftest import Desk, desk_settings, make_case, start_desk, stop_desk
from tests.desk.fake_rasa import FakeRasa, free_port
from tests.services_up import ensure_rabbitmq

AMQP_URL = "amqp://127.0.0.1:5672/"  # aio-pika's default user: guest
REACT_WITHIN_S = 2.0


@pytest.fixture
async def webhook() -> AsyncIterator[List[dict]]:
    """A local receiver of the firm's new-case webhook; yields the bodies it got."""
    received: List[dict] = []

    async def hook(request: web.Request) -> web.Response:
        received.append(await request.json())
        return web.Response(status=204)

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", free_port())
    await site.start()
    received.append({"url": f"http://127.0.0.1:{site._port}/hook"})  # noqa: SLF001 - first item
    yield received
    await runner.cleanup()


async def _delete(exchange: str, queues: List[str]) -> None:
    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        for queue in queues:
            await channel.queue_delete(queue)
        await channel.exchange_delete(exchange)


async def _waiting_messages(queue: str) -> int:
    connection = await aio_pika.connect(AMQP_URL)
    async with connection:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, passive=True)
        return declared.declaration_result.message_count


async def test_desk_reacts_to_a_rasa_handoff_within_2_s(
    tmp_path: Path, core: Settings, pros: ProRepository, cases: CaseRepository, rasa: FakeRasa, webhook: List[dict]
) -> None:
    from rasa.core.brokers.pika import PikaEventBroker
    from rasa.shared.core.events import ActionExecuted, BotUttered, ConversationPaused, SlotSet

    await asyncio.to_thread(ensure_rabbitmq)
    unique = f"test-{uuid.uuid4().hex[:12]}"
    exchange, desk_queue = f"{unique}-events", f"{unique}-desk"
    hook_url = webhook.pop(0)["url"]
    notifying = Settings(
        _env_file=None,
        database_url=core.database_url,
        firm_timezone=core.firm_timezone,
        handoff_webhook_url=hook_url,
        handoff_webhook_secret=secrets.token_urlsafe(32),
        smtp_host=None,
    )
    settings = desk_settings(
        tmp_path, rasa.url, rabbitmq_url=AMQP_URL, rabbitmq_exchange=exchange, rabbitmq_queue=desk_queue
    )
    app = create_app(settings, notifying, sweeper=True)
    server = await start_desk(app)
    broker = None
    try:
        await asyncio.wait_for(app.ctx.consumer.ready.wait(), 15)
        async with aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True)) as http:
            desk = Desk(app.ctx.test_url, app, http)
            assert (await desk.login()).status == 303
            async with http.get(f"{desk.url}/events") as stream:
                assert "connected" in (await stream.content.readuntil(b"\n\n")).decode()
                # A new case queued for the webhook after the sweeper's first pass: with the
                # broker, the next sweep is a minute away, so only the kick can deliver it soon.
                case = make_case(cases, priority="critical")
                new = NewCase(
                    idempotency_key=f"{unique}-case",
                    channel="socketio",
                    sender_id=case.sender_id,
                    priority="critical",
                    priority_reasons=[],
                    deadline=None,
                    intake=case.intake,
                )
                case, _ = cases.create(new, notify=["webhook"])
                await asyncio.sleep(0.3)
                assert webhook == []

                broker = PikaEventBroker(
                    "amqp://127.0.0.1",
                    "guest",
                    "guest",
                    port=5672,
                    queues=[desk_queue],
                    exchange_name=exchange,
                    connection_attempts=3,
                    retry_delay_in_seconds=1,
                )
                await broker.connect()
                started = time.monotonic()
                broker.publish({"sender_id": "someone", "event": 42})  # malformed: ignored
                for event in (
                    ActionExecuted("action_submit_case"),
                    BotUttered("Your case reference is " + case.reference),
                    SlotSet("case_reference", case.reference),
                    ConversationPaused(),
                ):
                    broker.publish({"sender_id": case.sender_id, **event.as_dict()})

                frames = [await asyncio.wait_for(stream.content.readuntil(b"\n\n"), REACT_WITHIN_S) for _ in range(2)]
                while not webhook and time.monotonic() - started < REACT_WITHIN_S:
                    await asyncio.sleep(0.02)
                elapsed = time.monotonic() - started
        notices = [json.loads(frame.decode().split("data: ", 1)[1]) for frame in frames]
        assert [(n["reference"], n["live"], n["priority"]) for n in notices] == [
            (case.reference, False, "critical"),
            (case.reference, True, "critical"),
        ]
        assert webhook and webhook[0]["reference"] == case.reference, "the kick did not deliver"
        assert elapsed < REACT_WITHIN_S
        assert app.ctx.relay.malformed == 1
        for _ in range(50):  # every message acknowledged, the malformed one too
            if await _waiting_messages(desk_queue) == 0:
                break
            await asyncio.sleep(0.05)
        assert await _waiting_messages(desk_queue) == 0
    finally:
        if broker is not None:
            await broker.close()
        await stop_desk(server)
        await _delete(exchange, [desk_queue])
