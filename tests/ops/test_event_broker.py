"""The flushing RabbitMQ event broker against the real RabbitMQ on 127.0.0.1:5672."""

from __future__ import annotations

import uuid
from typing import List

import pytest
from rasa.core.brokers.broker import EventBroker
from rasa.utils.endpoints import EndpointConfig

from ops.event_broker import FlushingPikaEventBroker
from tests.rabbitmq import PASSWORD, USERNAME, drain
from tests.services_up import ensure_rabbitmq

EVENTS = 300


@pytest.fixture(scope="module", autouse=True)
def rabbitmq_up() -> None:
    ensure_rabbitmq()


def endpoint(broker_type: str, queue: str, **extra: object) -> EndpointConfig:
    return EndpointConfig(
        url="127.0.0.1",
        type=broker_type,
        port=5672,
        username=USERNAME,
        password=PASSWORD,
        exchange_name=f"ex-{queue}",
        queues=[queue],
        **extra,
    )


async def publish_then_close(broker_type: str, **extra: object) -> List[dict]:
    queue = "flush-" + uuid.uuid4().hex[:8]
    broker = await EventBroker.create(endpoint(broker_type, queue, **extra))
    for number in range(EVENTS):
        broker.publish({"sender_id": "s", "event": "bot", "number": number})
    await broker.close()  # what Rasa does when a replica gets SIGTERM
    return await drain(queue, f"ex-{queue}")


async def test_rasa_builds_it_from_the_endpoints_entry() -> None:
    queue = "flush-" + uuid.uuid4().hex[:8]
    broker = await EventBroker.create(endpoint("ops.event_broker.FlushingPikaEventBroker", queue, flush_timeout_s=3))
    try:
        assert isinstance(broker, FlushingPikaEventBroker)
        assert broker.flush_timeout_s == 3.0
        assert broker.is_ready()
    finally:
        await broker.close()
        await drain(queue, f"ex-{queue}")


async def test_every_event_published_before_close_reaches_the_queue_in_order() -> None:
    received = await publish_then_close("ops.event_broker.FlushingPikaEventBroker")
    assert [body["number"] for body in received] == list(range(EVENTS))


async def test_rasas_own_broker_loses_events_published_just_before_close() -> None:
    """The control: this is the loss the flushing broker prevents."""
    received = await publish_then_close("pika")
    assert len(received) < EVENTS


async def test_flush_reports_what_it_could_not_deliver_in_time() -> None:
    queue = "flush-" + uuid.uuid4().hex[:8]
    broker = await EventBroker.create(endpoint("ops.event_broker.FlushingPikaEventBroker", queue))
    try:
        for number in range(EVENTS):
            broker.publish({"sender_id": "s", "event": "bot", "number": number})
        assert await broker.flush(timeout_s=0) > 0  # nothing confirmed yet
        assert await broker.flush() == 0
    finally:
        await broker.close()
    assert len(await drain(queue, f"ex-{queue}")) == EVENTS
