"""The atomic Redis ticket lock against the real Redis on 127.0.0.1:6379."""

from __future__ import annotations

import asyncio
import uuid
from typing import List

import pytest
from rasa.core.lock_store import LockStore
from rasa.utils.endpoints import EndpointConfig

from ops.lock_store import AtomicRedisLockStore
from tests.services_up import ensure_redis

REDIS_URL = "redis://127.0.0.1:6379/3"


@pytest.fixture(scope="module", autouse=True)
def redis_up() -> None:
    ensure_redis()


def make_store(ttl_s: float = 5.0) -> AtomicRedisLockStore:
    prefix = "t" + uuid.uuid4().hex[:10]
    return AtomicRedisLockStore(url=REDIS_URL, key_prefix=prefix, ticket_ttl_s=ttl_s)


def test_rasa_builds_it_from_the_endpoints_entry() -> None:
    config = EndpointConfig(url=REDIS_URL, type="ops.lock_store.AtomicRedisLockStore", key_prefix="abc", ticket_ttl_s=7)
    store = LockStore.create(config)
    assert isinstance(store, AtomicRedisLockStore)
    assert store.key_prefix == "abc:lock"
    assert store.ticket_ttl_ms == 7000
    assert store.url == REDIS_URL


@pytest.mark.parametrize("prefix", ["a:b", "has space", "x{y}"])
def test_a_key_prefix_must_be_letters_and_digits(prefix: str) -> None:
    with pytest.raises(ValueError):
        AtomicRedisLockStore(url=REDIS_URL, key_prefix=prefix)


def test_a_ticket_lifetime_must_be_positive() -> None:
    with pytest.raises(ValueError):
        AtomicRedisLockStore(url=REDIS_URL, ticket_ttl_s=-1)


async def test_turns_of_one_conversation_never_overlap_and_are_served_in_ticket_order() -> None:
    stores = [make_store(), make_store()]
    stores[1].key_prefix = stores[0].key_prefix  # two replicas sharing one Redis
    inside: List[int] = []
    log: List[str] = []

    async def turn(index: int) -> None:
        async with stores[index % 2].lock("conv-1"):
            inside.append(index)
            assert len(inside) == 1, f"two turns inside the lock at once: {inside}"
            log.append(f"start {index}")
            await asyncio.sleep(0.005)
            log.append(f"end {index}")
            inside.remove(index)

    await asyncio.gather(*(turn(i) for i in range(40)))
    assert len(log) == 80
    assert all(log[i].split()[1] == log[i + 1].split()[1] for i in range(0, 80, 2))
    assert await stores[0].waiting("conv-1") == 0
    for store in stores:
        await store.close()


async def test_waiting_tickets_are_served_first_come_first_served() -> None:
    store = make_store()
    order: List[int] = []
    async with store.lock("conv-fifo"):
        tasks = []
        for index in range(5):
            tasks.append(asyncio.create_task(_record(store, "conv-fifo", index, order)))
            await asyncio.sleep(0.05)  # each takes its ticket before the next one
    await asyncio.gather(*tasks)
    assert order == [0, 1, 2, 3, 4]
    await store.close()


async def _record(store: AtomicRedisLockStore, conversation: str, index: int, order: List[int]) -> None:
    async with store.lock(conversation):
        order.append(index)


async def test_different_conversations_do_not_wait_for_each_other() -> None:
    store = make_store()
    async with store.lock("conv-a"):
        await asyncio.wait_for(_record(store, "conv-b", 1, []), timeout=1)
    await store.close()


async def test_a_dead_holder_s_ticket_expires_and_the_next_turn_runs() -> None:
    store = make_store(ttl_s=0.6)
    dead = await store.issue("conv-dead")  # a replica took the lock, then died: no renewal
    assert await store.is_served("conv-dead", dead) is True
    started = asyncio.get_running_loop().time()
    await asyncio.wait_for(_record(store, "conv-dead", 1, []), timeout=5)
    waited = asyncio.get_running_loop().time() - started
    assert 0.4 < waited < 3
    await store.close()


async def test_a_long_turn_keeps_its_lock_by_renewing_it() -> None:
    store = make_store(ttl_s=0.6)
    order: List[str] = []

    async def long_turn() -> None:
        async with store.lock("conv-long"):
            order.append("long start")
            await asyncio.sleep(2.0)  # more than three ticket lifetimes
            order.append("long end")

    first = asyncio.create_task(long_turn())
    await asyncio.sleep(0.1)
    second = asyncio.create_task(_record(store, "conv-long", 2, []))
    await asyncio.sleep(0.1)
    second.add_done_callback(lambda _: order.append("second"))
    await asyncio.gather(first, second)
    assert order == ["long start", "long end", "second"]
    await store.close()


async def test_the_lock_is_released_when_the_turn_raises() -> None:
    store = make_store()
    with pytest.raises(RuntimeError):
        async with store.lock("conv-raise"):
            raise RuntimeError("boom")
    await asyncio.wait_for(_record(store, "conv-raise", 1, []), timeout=1)
    assert await store.waiting("conv-raise") == 0
    await store.close()


async def test_an_unreachable_redis_is_a_lock_error() -> None:
    from rasa.core.lock_store import LockError

    store = AtomicRedisLockStore(url="redis://127.0.0.1:1/0")
    with pytest.raises(LockError):
        async with store.lock("conv"):
            pass
