"""One long conversation: does a reply slow down as the conversation's tracker grows?

A single sender plays every turn of a mix's conversations in order, over and over, until it has
sent ``messages`` messages, one at a time. The p95 of the first ``window`` messages (the bot is
already warm) is compared with the p95 of the same turns in the script's last full repetition of
them near the end: a tracker store, policy or action whose work grows with the conversation shows
as a ratio above 1.
"""

from __future__ import annotations

import asyncio
import itertools
import math
import time
import uuid
from typing import List, Optional, Sequence

from bench.load import LoadResult, client_session, send
from bench.mix import Mix, Turn
from bench.records import LongRun
from bench.stats import percentiles

DEFAULT_MESSAGES = 1000
QUICK_MESSAGES = 60
DEFAULT_WINDOW = 10
BLOCKS = 10  # the growth curve: p95 of each tenth of the conversation


def script(mix: Mix) -> List[Turn]:
    """Every turn of the mix, conversation after conversation: what the long conversation repeats."""
    return [turn for conversation in mix.conversations for turn in conversation.turns]


def _p95(latencies: Sequence[Optional[float]]) -> float:
    answered = [value for value in latencies if value is not None]
    return percentiles(answered, (95,))[95]


def late_start(count: int, window: int, period: int) -> int:
    """The index of the first message of the late window: the last time the script's first
    ``window`` turns were all sent (``period`` turns a repetition; 0: the last ``window`` messages)."""
    if period <= 0 or count < window:
        return max(count - window, 0)
    return ((count - window) // period) * period


def summarise_long(
    latencies: Sequence[Optional[float]], window: int, result: LoadResult, elapsed_s: float, period: int = 0
) -> LongRun:
    """The long run from each message's latency in order (``None`` for a failed message), for a
    script of ``period`` turns (0: compare with the last ``window`` messages)."""
    count = len(latencies)
    late = late_start(count, window, period)
    size = max(1, math.ceil(count / BLOCKS))
    blocks = [
        [float(first + 1), float(min(first + size, count)), round(_p95(latencies[first : first + size]), 1)]
        for first in range(0, count, size)
    ]
    return LongRun(
        messages=count,
        window=window,
        early_p95_ms=_p95(latencies[:window]),
        late_p95_ms=_p95(latencies[late : late + window]) if count else math.nan,
        late_first=late + 1,
        errors=result.error_count,
        errors_by_kind=dict(result.errors),
        error_samples=result.error_samples,
        blocks=blocks,
        elapsed_s=round(elapsed_s, 1),
        latencies_ms=[None if value is None else round(value, 1) for value in latencies],
    )


async def converse(
    base_url: str, turns: Sequence[Turn], messages: int, window: int = DEFAULT_WINDOW, timeout_s: float = 30.0
) -> LongRun:
    """Send ``messages`` messages from one new sender, cycling through ``turns``, one at a time."""
    if not turns or messages < 1 or window < 1:
        raise ValueError("a long conversation needs turns, messages >= 1 and window >= 1")
    url = base_url.rstrip("/")
    sender = f"bench-long-{uuid.uuid4().hex[:8]}"
    result = LoadResult(concurrency=1, base_urls=[url])
    latencies: List[Optional[float]] = []
    start = time.perf_counter()
    async with client_session(timeout_s) as session:
        for turn in itertools.islice(itertools.cycle(turns), messages):
            latencies.append(await send(session, url, sender, turn, result))
    return summarise_long(latencies, window, result, time.perf_counter() - start, period=len(turns))


def run_long(base_url: str, mix: Mix, messages: int, window: int, timeout_s: float) -> LongRun:
    """Play the long conversation against a running bot and print what it measured."""
    long = asyncio.run(converse(base_url, script(mix), messages, window, timeout_s))
    print(
        f"    long conversation: {long.messages} messages in {long.elapsed_s:.0f} s, p95 of messages "
        f"1-{window} {long.early_p95_ms:.1f} ms, of {long.late_first}-{long.late_first + window - 1} "
        f"(the same turns) {long.late_p95_ms:.1f} ms "
        f"({long.ratio:.2f}x), {long.errors} errors; p95 per block: "
        + ", ".join(f"{int(b[0])}-{int(b[1])}: {b[2]:.0f}" for b in long.blocks),
        flush=True,
    )
    return long
