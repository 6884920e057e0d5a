"""Hand the memory start-up freed back to the system, and keep glibc's per-thread heaps few.

Loading the model (TensorFlow, spaCy, Rasa's graph) allocates and frees a lot; glibc keeps the freed
pages, so the server's resident size stays above what it uses. ``malloc_trim(0)`` once the model is
loaded returns them (measured: 915 -> 896 MB for the loaded agent alone). Each thread that allocates
may get its own heap ("arena", up to 8 per core); ``M_ARENA_MAX`` caps them, as MALLOC_ARENA_MAX would if
it were set before the interpreter started. Blocks of ``MMAP_THRESHOLD`` bytes or more get their own
mapping, which ``free`` hands back at once: glibc otherwise raises that threshold each time such a block
is freed, so the large temporary buffers of loading pile up in the heap and lift the peak (measured on the
loaded agent: peak 991 -> 932 MB with the language models read first, see ops/serve.py). All three are glibc
calls through ctypes; on another C library they do nothing.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import functools
import logging
from typing import Optional

logger = logging.getLogger(__name__)
M_ARENA_MAX = -8  # mallopt's parameter numbers, from glibc's malloc.h
M_MMAP_THRESHOLD = -3
ARENAS = 2
MMAP_THRESHOLD = 128 * 1024  # glibc's starting value, kept fixed


@functools.lru_cache(maxsize=1)
def _glibc() -> Optional[ctypes.CDLL]:
    name = ctypes.util.find_library("c")
    if name is None:
        return None
    library = ctypes.CDLL(name)
    return library if hasattr(library, "malloc_trim") and hasattr(library, "mallopt") else None


def limit_arenas(count: int = ARENAS) -> bool:
    """Cap glibc's malloc arenas at ``count``; True when glibc accepted it."""
    library = _glibc()
    return bool(library and library.mallopt(M_ARENA_MAX, count))


def fix_mmap_threshold(size: int = MMAP_THRESHOLD) -> bool:
    """Serve blocks of ``size`` bytes or more from their own mappings, for good; True when glibc accepted it."""
    library = _glibc()
    return bool(library and library.mallopt(M_MMAP_THRESHOLD, size))


def trim() -> bool:
    """Return free heap memory to the system; True when some was returned."""
    library = _glibc()
    return bool(library and library.malloc_trim(0))
