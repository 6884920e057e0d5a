"""The page of a notice a taxpayer may choose to attach to their case, held in memory until then.

A photo that was read (channels/notice_photos.py) stays in this process's memory for
:data:`PENDING_TTL_S` under a random page id; the bot's reading carries only that id. After the
explanation the bot asks "Attach this page to your case for the tax pro?":

- "Attach it" (button payload ``/notice_photo_attach``): the conversation's latest page is stored
  in the case store (store/notice_pages.py) and the message goes on to the bot with
  ``metadata["notice_page"]`` = ``attached``, ``gone`` (expired, or read on another replica) or
  ``failed``;
- "No, thanks" (``/notice_photo_discard``): the page is dropped at once.

Otherwise the page is simply forgotten when it expires. The channels install
:func:`with_page_consent` inside the message guard, so the payloads count only when the bot
offered them as buttons in that conversation; a photo message binds its page to the conversation
the guard forwards it to.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Optional, Tuple

from rasa.core.channels.channel import UserMessage

logger = logging.getLogger(__name__)

READING_ENTITY = "notice_photo_reading"
ATTACH_PAYLOAD = "/notice_photo_attach"
DISCARD_PAYLOAD = "/notice_photo_discard"
PENDING_TTL_S = 30 * 60.0
MAX_PENDING = 32
MAX_PENDING_BYTES = 128 * 1024 * 1024

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]
# Stores a page for a conversation (blocking; run in a worker thread).
PageStore = Callable[[str, bytes, str], None]


@dataclass
class _Page:
    data: bytes
    content_type: str
    expires: float
    conversation: Optional[str] = None


class PendingPages:
    """Pages read but not (yet) attached: bounded in number, bytes and time; oldest dropped first."""

    def __init__(
        self,
        ttl_s: float = PENDING_TTL_S,
        max_pages: int = MAX_PENDING,
        max_bytes: int = MAX_PENDING_BYTES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.ttl_s, self.max_pages, self.max_bytes, self.clock = ttl_s, max_pages, max_bytes, clock
        self._pages: OrderedDict[str, _Page] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._pages)

    def _expire(self) -> None:
        now = self.clock()
        for key in [key for key, page in self._pages.items() if page.expires <= now]:
            del self._pages[key]
        while self._pages and (
            len(self._pages) > self.max_pages or sum(len(p.data) for p in self._pages.values()) > self.max_bytes
        ):
            self._pages.popitem(last=False)

    def keep(self, data: bytes, content_type: str) -> str:
        """Hold a page; returns its random id."""
        page_id = secrets.token_urlsafe(16)
        with self._lock:
            self._pages[page_id] = _Page(data, content_type, self.clock() + self.ttl_s)
            self._expire()
        return page_id

    def bind(self, page_id: str, conversation: str) -> None:
        """Give a held page to the conversation its photo arrived in (its other pages are dropped)."""
        with self._lock:
            page = self._pages.get(page_id)
            if page is None or page.conversation is not None:
                return
            for key in [k for k, p in self._pages.items() if p.conversation == conversation]:
                del self._pages[key]
            page.conversation = conversation

    def take(self, conversation: str) -> Optional[Tuple[bytes, str]]:
        """Remove and return the conversation's page, if it is still held."""
        with self._lock:
            self._expire()
            for key, page in list(self._pages.items()):
                if page.conversation == conversation:
                    del self._pages[key]
                    return page.data, page.content_type
        return None

    def drop(self, conversation: str) -> None:
        """Forget the conversation's page."""
        self.take(conversation)


PENDING = PendingPages()


def _store_in_case_store(conversation: str, data: bytes, content_type: str) -> None:
    from settings.assistant import get_settings
    from store.db import get_database
    from store.notice_pages import NoticePageRepository
    from store.tables import utcnow

    NoticePageRepository(get_database(get_settings().database_url)).add(conversation, data, content_type, utcnow())


def _page_id(message: UserMessage) -> Optional[str]:
    parse_data = message.parse_data if isinstance(message.parse_data, dict) else {}
    for entity in parse_data.get("entities") or []:
        value = entity.get("value") if isinstance(entity, dict) else None
        if entity.get("entity") == READING_ENTITY and isinstance(value, dict) and isinstance(value.get("page_id"), str):
            return value["page_id"]
    return None


async def attach(conversation: str, pending: PendingPages = PENDING, store: PageStore = _store_in_case_store) -> str:
    """Store the conversation's held page: ``attached``, ``gone`` or ``failed``."""
    page = pending.take(conversation)
    if page is None:
        return "gone"
    try:
        await asyncio.get_running_loop().run_in_executor(None, store, conversation, page[0], page[1])
    except Exception as error:  # noqa: BLE001 - the taxpayer is told; the page is not kept anywhere
        logger.error("notice page: could not store an attached page (%s)", type(error).__name__)
        return "failed"
    return "attached"


def with_page_consent(
    on_new_message: OnNewMessage, pending: PendingPages = PENDING, store: PageStore = _store_in_case_store
) -> OnNewMessage:
    """``on_new_message`` that binds photos to their conversation and acts on the attach answer."""

    async def handle(message: UserMessage) -> Any:
        conversation = str(message.sender_id)
        page_id = _page_id(message)
        if page_id is not None:
            pending.bind(page_id, conversation)
        elif message.text == ATTACH_PAYLOAD:
            outcome = await attach(conversation, pending, store)
            metadata = message.metadata if isinstance(message.metadata, dict) else {}
            message.metadata = {**metadata, "notice_page": outcome}
        elif message.text == DISCARD_PAYLOAD:
            pending.drop(conversation)
        return await on_new_message(message)

    return handle
