"""Notice pages a taxpayer agreed to attach to their case: stored, listed for the desk, purged.

A page is stored only after the taxpayer tapped "Attach it" (channels/notice_pages.py); until
then it exists only in the bot's memory. Pages belong to a conversation (``sender_id``, the same id
the case has), so the desk shows them on that conversation's case pages, to signed-in pros only.

Usage::

    pages = NoticePageRepository(get_database(settings.database_url))
    page_id = pages.add("sms:+15125550142", jpeg_bytes, "image/jpeg", utcnow())
    pages.list_for("sms:+15125550142")      # [PageInfo(id, content_type, size, created_at)]
    pages.get(page_id)                       # (bytes, content_type) or None
    pages.purge(before)                      # retention: old pages without an open case
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import List, Optional, Tuple

from sqlalchemy import delete, func, insert, select

from store.db import Database
from store.records import STATUS_CLOSED
from store.tables import cases, notice_pages

_P = notice_pages.c
MAX_PAGE_BYTES = 10 * 1024 * 1024


@dataclass(frozen=True)
class PageInfo:
    """A stored page without its bytes."""

    id: int
    content_type: str
    size: int
    created_at: dt.datetime


class NoticePageRepository:
    """Reads and writes attached notice pages in a Database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def add(self, sender_id: str, data: bytes, content_type: str, now: dt.datetime) -> int:
        """Store a page for a conversation; returns its id."""
        if not data or len(data) > MAX_PAGE_BYTES:
            raise ValueError("a page is 1 byte to 10 MB")
        with self.db.session() as session:
            result = session.execute(
                insert(notice_pages).values(
                    sender_id=sender_id, content_type=content_type[:64], data=data, created_at=now
                )
            )
            return int(result.inserted_primary_key[0])

    def list_for(self, sender_id: str) -> List[PageInfo]:
        """The pages of a conversation, oldest first."""
        with self.db.session() as session:
            rows = session.execute(
                select(_P.id, _P.content_type, func.length(_P.data), _P.created_at)
                .where(_P.sender_id == sender_id)
                .order_by(_P.id)
            ).all()
        return [PageInfo(int(row[0]), row[1], int(row[2] or 0), row[3]) for row in rows]

    def get(self, page_id: int, sender_id: Optional[str] = None) -> Optional[Tuple[bytes, str]]:
        """A page's bytes and type (only when it belongs to ``sender_id``, if given)."""
        statement = select(_P.data, _P.content_type).where(_P.id == page_id)
        if sender_id is not None:
            statement = statement.where(_P.sender_id == sender_id)
        with self.db.session() as session:
            row = session.execute(statement).first()
        return (bytes(row[0]), row[1]) if row else None

    def purge(self, before: dt.datetime, dry_run: bool = False) -> int:
        """Delete (or count) pages stored before ``before`` whose conversation has no open case."""
        open_senders = select(cases.c.sender_id).where(cases.c.status != STATUS_CLOSED)
        old = (_P.created_at < before, _P.sender_id.not_in(open_senders))
        with self.db.session() as session:
            if dry_run:
                return int(session.execute(select(func.count()).select_from(notice_pages).where(*old)).scalar_one())
            return int(session.execute(delete(notice_pages).where(*old)).rowcount or 0)
