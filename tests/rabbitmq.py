"""Reading what Rasa published, from the RabbitMQ the tests use (127.0.0.1:5672)."""

from __future__ import annotations

import asyncio
import json
import time
from typing import Dict, List, Optional

import aio_pika

# RabbitMQ's default account, which only accepts connections from loopback.
AMQP_URL = "amqp://guest:guest@127.0.0.1:5672/"
USERNAME = PASSWORD = "guest"


async def drain(queue: str, exchange: str, expected: Optional[int] = None, timeout_s: float = 30) -> List[Dict]:
    """The JSON messages in ``queue``, then delete the queue and ``exchange``.

    With ``expected``, wait up to ``timeout_s`` for that many; without, take what is there now.
    """
    connection = await aio_pika.connect_robust(AMQP_URL)
    received: List[Dict] = []
    try:
        channel = await connection.channel()
        declared = await channel.declare_queue(queue, durable=True)
        deadline = time.monotonic() + timeout_s
        while expected is None or len(received) < expected:
            message = await declared.get(no_ack=True, fail=False)
            if message is not None:
                received.append(json.loads(message.body))
            elif expected is None or time.monotonic() >= deadline:
                break
            else:
                await asyncio.sleep(0.1)
        await declared.delete(if_unused=False, if_empty=False)
        await channel.exchange_delete(exchange)
    finally:
        await connection.close()
    return received
