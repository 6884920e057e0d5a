"""The two ways to run the bot, chosen by one environment variable, ``BOT_PROFILE``.

- ``embedded`` (default): nothing to install. Conversations in SQLite (``var/tracker.db``),
  conversation locks in process memory (one Rasa process), no event broker.
- ``production``: several Rasa replicas share a PostgreSQL tracker store, a Redis lock store
  (:mod:`ops.lock_store`) and a RabbitMQ event broker the agent desk listens to.

``python -m ops.profile endpoints`` prints the endpoints file of the selected profile after
checking that every variable it needs is set, or exits with status 2 and says which are missing.
``python -m ops.profile env`` prints the defaults of the selected profile as shell assignments
(``make run`` evaluates them for variables the environment does not set).
"""

from __future__ import annotations

import os
import re
import shlex
import sys
from pathlib import Path
from typing import Dict, List, Mapping, Optional

ROOT = Path(__file__).resolve().parent.parent
PROFILES = ("embedded", "production")
ENDPOINTS = {"embedded": ROOT / "endpoints.yml", "production": ROOT / "endpoints.production.yml"}

# Values used when the environment leaves a variable unset; anything not listed is required.
DEFAULTS: Dict[str, Dict[str, str]] = {
    "embedded": {
        "ACTION_SERVER_URL": "http://127.0.0.1:5055/webhook",  # make run also makes the token
        "TRACKER_STORE_URL": f"sqlite:///{ROOT / 'var' / 'tracker.db'}",
    },
    "production": {
        "ACTION_SERVER_URL": "http://127.0.0.1:5055/webhook",
        "LOCK_KEY_PREFIX": "taxbot",
        "RABBITMQ_PORT": "5672",
        "RABBITMQ_EXCHANGE": "rasa-events",
        "RABBITMQ_QUEUE": "desk-handoffs",
    },
}
_VARIABLE = re.compile(r"\$\{([A-Z0-9_]+)\}")


class ProfileError(Exception):
    """The profile is unknown or its environment is incomplete."""


def selected(environ: Mapping[str, str] = os.environ) -> str:
    """The profile named by ``BOT_PROFILE`` (``embedded`` when unset)."""
    profile = (environ.get("BOT_PROFILE") or "embedded").strip().lower()
    if profile not in PROFILES:
        raise ProfileError(f"BOT_PROFILE={profile!r} is not a profile; use one of {', '.join(PROFILES)}")
    return profile


def variables(profile: str) -> List[str]:
    """The environment variables the profile's endpoints file reads, in order of appearance."""
    found = _VARIABLE.findall(ENDPOINTS[profile].read_text(encoding="utf-8"))
    return list(dict.fromkeys(found))


def environment(profile: str, environ: Mapping[str, str] = os.environ) -> Dict[str, str]:
    """The profile's variables: the environment's values, else the defaults.

    Raises:
        ProfileError: naming every variable that is neither set nor defaulted.
    """
    values: Dict[str, str] = {}
    missing = []
    defaults = dict(DEFAULTS[profile])
    if environ.get("ACTIONS_PORT"):  # make run starts the action server on this port
        defaults["ACTION_SERVER_URL"] = f"http://127.0.0.1:{environ['ACTIONS_PORT']}/webhook"
    for name in variables(profile):
        value = environ.get(name) or defaults.get(name)
        if value:
            values[name] = value
        else:
            missing.append(name)
    if missing:
        raise ProfileError(f"The {profile} profile needs {', '.join(missing)} (see .env.example and deploy/README.md)")
    return values


def main(argv: Optional[List[str]] = None) -> int:
    """Command line: ``endpoints`` or ``env`` (see the module docstring)."""
    args = sys.argv[1:] if argv is None else argv
    if args not in (["endpoints"], ["env"]):
        print("usage: python -m ops.profile endpoints|env", file=sys.stderr)
        return 2
    try:
        profile = selected()
        values = environment(profile)
    except ProfileError as error:
        print(f"ERROR: {error}", file=sys.stderr)
        return 2
    if args == ["endpoints"]:
        print(ENDPOINTS[profile])
    else:
        for name, value in values.items():
            print(f"export {name}={shlex.quote(value)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
