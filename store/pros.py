"""The firm's tax pros, their API tokens and their agent-desk sessions.

Only hashes are stored: the desk hashes passwords, API tokens and session ids before calling this
repository (tokens and session ids as SHA-256 hex), and compares hashes it reads back.
"""

from __future__ import annotations

import datetime as dt
from typing import List, Optional, Tuple

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store.db import Database
from store.mapping import row_to_pro
from store.records import Pro
from store.tables import desk_sessions, pro_tokens, pros, utcnow


class ProExists(ValueError):
    """A pro with this username already exists."""


class ProNotFound(LookupError):
    """No pro has this username."""


def _pro_id(session: Session, username: str) -> int:
    pro_id = session.execute(select(pros.c.id).where(pros.c.username == username)).scalar()
    if pro_id is None:
        raise ProNotFound(username)
    return int(pro_id)


class ProRepository:
    """Reads and writes pros, tokens and desk sessions in a Database."""

    def __init__(self, db: Database) -> None:
        self._db = db

    def add(self, username: str, display_name: str, password_hash: Optional[str]) -> Pro:
        """Add a pro (``password_hash`` None: can only use API tokens until a password is set).

        Raises:
            ProExists: the username is taken.
        """
        try:
            with self._db.session() as session:
                session.execute(
                    insert(pros).values(
                        username=username, display_name=display_name, password_hash=password_hash, created_at=utcnow()
                    )
                )
                return row_to_pro(session.execute(select(pros).where(pros.c.username == username)).one())
        except IntegrityError as exc:
            raise ProExists(username) from exc

    def set_password(self, username: str, password_hash: str) -> None:
        """Replace a pro's password hash.

        Raises:
            ProNotFound: no pro has this username.
        """
        with self._db.session() as session:
            result = session.execute(
                update(pros).where(pros.c.username == username).values(password_hash=password_hash)
            )
            if result.rowcount == 0:
                raise ProNotFound(username)

    def get(self, username: str) -> Optional[Pro]:
        """The pro with this username, or None."""
        with self._db.session() as session:
            row = session.execute(select(pros).where(pros.c.username == username)).first()
            return row_to_pro(row) if row else None

    def list(self) -> List[Pro]:
        """Every pro, by username."""
        with self._db.session() as session:
            return [row_to_pro(row) for row in session.execute(select(pros).order_by(pros.c.username))]

    def add_token(self, username: str, token_hash: str, label: str) -> None:
        """Store an API token's hash for a pro (adding the same hash twice changes nothing).

        Raises:
            ProNotFound: no pro has this username.
            ValueError: the hash already belongs to another pro.
        """
        with self._db.session() as session:
            pro_id = _pro_id(session, username)
            owner = session.execute(select(pro_tokens.c.pro_id).where(pro_tokens.c.token_hash == token_hash)).scalar()
            if owner is None:
                session.execute(
                    insert(pro_tokens).values(pro_id=pro_id, token_hash=token_hash, label=label, created_at=utcnow())
                )
            elif owner != pro_id:
                raise ValueError("token hash already in use")

    def pro_for_token(self, token_hash: str) -> Optional[Pro]:
        """The pro an unrevoked token belongs to, or None."""
        statement = (
            select(pros)
            .join(pro_tokens, pro_tokens.c.pro_id == pros.c.id)
            .where(pro_tokens.c.token_hash == token_hash, pro_tokens.c.revoked_at.is_(None))
        )
        with self._db.session() as session:
            row = session.execute(statement).first()
            return row_to_pro(row) if row else None

    def revoke_tokens(self, username: str) -> int:
        """Revoke every active token of a pro; returns how many were revoked.

        Raises:
            ProNotFound: no pro has this username.
        """
        with self._db.session() as session:
            pro_id = _pro_id(session, username)
            result = session.execute(
                update(pro_tokens)
                .where(pro_tokens.c.pro_id == pro_id, pro_tokens.c.revoked_at.is_(None))
                .values(revoked_at=utcnow())
            )
            return int(result.rowcount)

    def create_session(self, session_hash: str, username: str, csrf_token: str, expires_at: dt.datetime) -> None:
        """Store a desk session (by the hash of its cookie value) with its CSRF token.

        Raises:
            ProNotFound: no pro has this username.
        """
        with self._db.session() as session:
            pro_id = _pro_id(session, username)
            session.execute(
                insert(desk_sessions).values(
                    session_hash=session_hash,
                    pro_id=pro_id,
                    csrf_token=csrf_token,
                    expires_at=expires_at,
                    created_at=utcnow(),
                )
            )

    def session(self, session_hash: str, now: dt.datetime) -> Optional[Tuple[Pro, str]]:
        """The pro and CSRF token of a desk session that has not expired at ``now``, or None."""
        statement = (
            select(pros, desk_sessions.c.csrf_token)
            .join(desk_sessions, desk_sessions.c.pro_id == pros.c.id)
            .where(desk_sessions.c.session_hash == session_hash, desk_sessions.c.expires_at > now)
        )
        with self._db.session() as session:
            row = session.execute(statement).first()
            return (row_to_pro(row), row.csrf_token) if row else None

    def delete_session(self, session_hash: str) -> None:
        """Forget a desk session (sign-out); unknown hashes are ignored."""
        with self._db.session() as session:
            session.execute(delete(desk_sessions).where(desk_sessions.c.session_hash == session_hash))

    def delete_expired_sessions(self, now: dt.datetime) -> int:
        """Forget every desk session expired at ``now``; returns how many."""
        with self._db.session() as session:
            result = session.execute(delete(desk_sessions).where(desk_sessions.c.expires_at <= now))
            return int(result.rowcount)
