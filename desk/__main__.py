"""Start the agent desk: ``python -m desk`` (host and port from DESK_HOST and DESK_PORT)."""

from __future__ import annotations

import logging
import sys

from settings.desk import SettingsError, load_settings


def _configure_logging() -> None:
    # Sanic configures its own loggers; ours get one handler each instead of the root logger,
    # which would print Sanic's lines twice. The shared packages log too (e.g. the spool sweeper's
    # "case store is unreachable" in services.case_spool).
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("[%(asctime)s] [%(levelname)s] %(name)s: %(message)s"))
    for name in ("desk", "services", "store", "settings", "ops"):
        logger = logging.getLogger(name)
        logger.setLevel(logging.INFO)
        logger.addHandler(handler)
        logger.propagate = False


def main() -> int:
    """Read the settings, check that someone can sign in, then serve until interrupted."""
    _configure_logging()
    from ops.files import DEFAULT_DATA_DIR, secure_data_dir

    secure_data_dir(DEFAULT_DATA_DIR)  # cases.db and the bootstrap password: private
    try:
        settings = load_settings()
        from settings.assistant import get_settings

        core = get_settings()
    except (SettingsError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from desk.app import create_app
    from desk.bootstrap import DeskStartupError, ensure_pros
    from store.db import get_database
    from store.pros import ProRepository

    try:
        # Checked before serving too (the start hook checks again), for a one-line error.
        ensure_pros(ProRepository(get_database(core.database_url)), settings)
    except DeskStartupError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    app = create_app(settings, core)
    app.run(host=settings.desk_host, port=settings.desk_port, access_log=False)
    return 0


if __name__ == "__main__":
    sys.exit(main())
