"""The last numbered menu sent to each phone number, so a reply of "2" means the second option.

Menus live in this process's memory for ``ttl_s`` seconds: with several Rasa processes behind a
load balancer a reply must reach the process that sent the menu (otherwise it is passed on as text).

Usage::

    menus = MenuMemory()
    menus.remember("+15125550142", ["/ask_relief_options", "/request_human"])
    menus.resolve("+15125550142", "2")  # "/request_human"; the menu is used up

"MORE", "MAS" or "MÁS" picks the menu's "More details" option (payload ``/ask_more``) the same way;
without such an option they pass on as text (the NLU reads them as a request for more).
"""

from __future__ import annotations

import threading
import time
from typing import Callable, Dict, List, Optional, Sequence, Tuple

from channels.sms.render import MORE_PAYLOAD, is_more, parse_choice

DEFAULT_TTL_S = 24 * 3600
DEFAULT_MAX_NUMBERS = 50_000


class MenuMemory:
    """Remembers each number's last menu (its payloads in option order) for a while."""

    def __init__(
        self,
        ttl_s: float = DEFAULT_TTL_S,
        max_numbers: int = DEFAULT_MAX_NUMBERS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        """Args:
        ttl_s: how long a menu can be answered.
        max_numbers: at most this many menus are kept (the oldest go first).
        clock: seconds, monotonic (tests pass a fake).
        """
        self._ttl_s = ttl_s
        self._max = max_numbers
        self._clock = clock
        self._menus: Dict[str, Tuple[float, List[str]]] = {}
        self._lock = threading.Lock()

    def remember(self, phone: str, payloads: Sequence[str]) -> None:
        """Make ``payloads`` the menu ``phone`` can answer by number (nothing happens when empty)."""
        if not payloads:
            return
        now = self._clock()
        with self._lock:
            self._menus.pop(phone, None)  # re-insert: dicts keep insertion order, oldest first
            self._menus[phone] = (now, list(payloads))
            self._prune(now)

    def take(self, phone: str) -> Optional[List[str]]:
        """The number's menu if it is still fresh; it is forgotten either way."""
        with self._lock:
            entry = self._menus.pop(phone, None)
        if entry is None or self._clock() - entry[0] > self._ttl_s:
            return None
        return entry[1]

    def resolve(self, phone: str, text: str) -> str:
        """What to hand to the bot for an inbound ``text``.

        A reply that is just an option number becomes that option's payload, and "MORE" / "MAS" /
        "MÁS" the "More details" option's. Anything else is the text as typed, minus leading
        slashes, so a typed ``/intent{...}`` cannot force an intent or set slots. Either way the
        menu is used up: a later "2" is not an answer to an old question.
        """
        menu = self.take(phone)
        choice = parse_choice(text)
        if menu and choice is not None and 1 <= choice <= len(menu):
            return menu[choice - 1]
        if menu and MORE_PAYLOAD in menu and is_more(text):
            return MORE_PAYLOAD
        return text.strip().lstrip("/").strip()

    def __len__(self) -> int:
        with self._lock:
            return len(self._menus)

    def _prune(self, now: float) -> None:
        # Oldest first, so expired menus and the overflow are all at the front.
        while self._menus:
            oldest = next(iter(self._menus))
            if now - self._menus[oldest][0] <= self._ttl_s and len(self._menus) <= self._max:
                break
            del self._menus[oldest]
