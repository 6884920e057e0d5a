"""How the benchmark runs our bot: the way ``make run`` (scripts/run.sh) does."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Tuple

from bench.paths import BENCH_LIMITS_OFF, BENCH_REST_TOKEN, PYTHON, RASA, ROOT
from bench.servers import BotSpec


def server_commands(root: Path = ROOT) -> Tuple[Tuple[str, ...], Tuple[str, ...]]:
    """The commands that start Rasa and the action server, as scripts/run.sh does.

    The project's own entry points (``ops.serve``: Rasa with a short action timeout;
    ``ops.action_server``: rasa-sdk without echoing errors) when the checkout has them, else plain
    ``rasa run`` and ``rasa run actions`` (older checkouts).
    """
    rasa = (str(PYTHON), "-m", "ops.serve") if (root / "ops" / "serve.py").exists() else (str(RASA), "run")
    actions = (
        (str(PYTHON), "-m", "ops.action_server")
        if (root / "ops" / "action_server.py").exists()
        else (str(RASA), "run", "actions", "--actions", "actions")
    )
    return rasa, actions


def ours_spec(name: str, model: Path, workdir: Path) -> BotSpec:
    """Our bot as ``make run`` runs it: the profile's endpoints, project credentials, action server.

    ``BOT_PROFILE`` selects the profile as for ``make run`` (embedded by default); the embedded
    profile's SQLite tracker store and the case store go to files under ``workdir``, not ``var/``.
    The action server token is a fresh random one.
    """
    from ops import profile

    chosen = profile.selected()
    overrides = {
        "DATABASE_URL": f"sqlite:///{workdir / f'{name}-cases.db'}",
        "ACTION_SERVER_TOKEN": os.environ.get("ACTION_SERVER_TOKEN") or secrets.token_urlsafe(24),
        "REST_TOKEN": BENCH_REST_TOKEN,
        **BENCH_LIMITS_OFF,
    }
    if chosen == "embedded":
        overrides["TRACKER_STORE_URL"] = f"sqlite:///{workdir / f'{name}-tracker.db'}"
    env = {**profile.environment(chosen, {**os.environ, **overrides}), **overrides, "BOT_PROFILE": chosen}
    rasa_command, actions_command = server_commands()
    return BotSpec(
        name=name,
        project=ROOT,
        model=model,
        credentials=ROOT / "credentials.yml",
        endpoints=profile.ENDPOINTS[chosen],
        rasa_command=rasa_command,
        actions_command=actions_command,
        enable_api=True,
        env=env,
    )
