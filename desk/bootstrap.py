"""Start-up checks of the desk: there must be someone who can sign in, and no default password."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Optional

from desk.auth import hash_password, random_password
from settings.desk import DeskSettings
from store.pros import ProRepository

logger = logging.getLogger(__name__)

BOOTSTRAP_USERNAME = "admin"
NO_PROS_MESSAGE = "no desk users: create one with `python -m desk.cli add-pro <username>`"


class DeskStartupError(RuntimeError):
    """The desk must not start (the message says what to do)."""


def ensure_pros(pros: ProRepository, settings: DeskSettings) -> Optional[Path]:
    """Make sure at least one pro can sign in.

    In production, refuse to start when there are none. In development, create ``admin`` with a
    random password written to a private file (mode 600) whose path is logged, never the password.

    Returns:
        The password file written, or None when pros already existed.

    Raises:
        DeskStartupError: in production when no pro exists.
    """
    if pros.list():
        return None
    if settings.production:
        raise DeskStartupError(NO_PROS_MESSAGE)
    path = settings.desk_admin_password_file
    password = random_password(20)
    _write_private(path, password + "\n")
    try:
        pros.add(BOOTSTRAP_USERNAME, "Administrator", hash_password(password))
    except Exception:
        path.unlink(missing_ok=True)
        raise
    logger.warning("No desk users yet: created %r; its password is in %s (development only)", BOOTSTRAP_USERNAME, path)
    return path


def forget_bootstrap_password(settings: DeskSettings, username: str) -> bool:
    """Delete the bootstrap password file once ``admin`` has signed in with it; True if deleted.

    The file is only for the first sign-in: left in ``var/`` it would let anyone who can read
    that folder later sign in as the administrator."""
    if username != BOOTSTRAP_USERNAME:
        return False
    path = settings.desk_admin_password_file
    if not path.exists():
        return False
    path.unlink(missing_ok=True)
    logger.warning("The bootstrap password file %s was deleted after the first sign-in of %r", path, BOOTSTRAP_USERNAME)
    return True


def _write_private(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        handle.write(text)
    os.chmod(path, 0o600)  # the file may have existed with wider permissions
