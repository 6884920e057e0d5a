"""Keep the objects a server holds for its whole life out of Python's full garbage collections.

Python's full (generation 2) collection walks every tracked object. In the Rasa server that is the
loaded model, TensorFlow and Rasa's graph: measured on 2 cores, each full collection stopped the
server for about 200 ms (the action server, about 30 ms), and one fell every few hundred turns, so
a turn here and there took twice as long. ``gc.freeze()`` after start-up moves everything alive at
that point to a permanent generation that collections skip; what turns allocate is still collected.
"""

from __future__ import annotations

import functools
import gc
import logging
from typing import Any, Awaitable, Callable, TypeVar

from ops import memory

logger = logging.getLogger(__name__)
T = TypeVar("T")


def freeze() -> int:
    """Collect once, then freeze every surviving object; returns how many are frozen."""
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def after(load: Callable[..., Awaitable[T]]) -> Callable[..., Awaitable[T]]:
    """``load`` (an async start-up step), followed by :func:`freeze`."""

    @functools.wraps(load)
    async def loaded(*args: Any, **kwargs: Any) -> T:
        result = await load(*args, **kwargs)
        logger.info("Froze %d start-up objects out of full garbage collections", freeze())
        memory.trim()  # what loading freed goes back to the system
        return result

    return loaded


def install() -> None:
    """Freeze once Rasa's server has loaded its model (``rasa.core.run.load_agent_on_start``)."""
    import rasa.core.run

    rasa.core.run.load_agent_on_start = after(rasa.core.run.load_agent_on_start)  # type: ignore[assignment]
