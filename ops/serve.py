"""Start Rasa exactly like ``rasa run``, but with a short wait for the action server.

It also installs :mod:`ops.action_replies` (each action-server reply checked by a validator built
once instead of one rebuilt per call), :mod:`ops.graph_runner` (the model's graph run node by node
in a cached order instead of through dask), :mod:`ops.rule_lookup` (each rule parsed once and only
the rules that can follow the last action tried) and :mod:`ops.api_guard` (odd credentials get 401, not 500),
passes the JWT secret from ``RASA_JWT_SECRET`` / ``RASA_JWT_SECRET_FILE`` to Rasa inside the
process (never on the command line, which ``ps`` shows), and makes ``var/`` private (ops.files).

Usage::

    python -m ops.serve --model models/tax-assistant.tar.gz --endpoints endpoints.yml --enable-api ...

takes the arguments of ``rasa run``. Rasa 3.6 waits ``DEFAULT_REQUEST_TIMEOUT`` (5 minutes) for every
custom action: with a hung action server the user stares at a silent chat for five minutes.
``rasa/core/actions/action.py`` imports that constant by name and passes it to each request, so the
value that counts is the copy in that module; it is set here from ``ACTION_TIMEOUT_S`` (default 10 s)
before Rasa starts. ``tests/ops/test_serve.py`` fails if Rasa renames the attribute or stops using it.
"""

from __future__ import annotations

import os
import sys
from typing import List, MutableMapping, Optional

from pydantic import validator

from settings.base import EnvSettings

# The module whose copy of DEFAULT_REQUEST_TIMEOUT each custom-action call reads.
ACTION_MODULE = "rasa.core.actions.action"
TIMEOUT_ATTRIBUTE = "DEFAULT_REQUEST_TIMEOUT"


class ServeSettings(EnvSettings):
    """How long Rasa waits for one custom action (``ACTION_TIMEOUT_S``)."""

    action_timeout_s: float = 10.0

    @validator("action_timeout_s")
    def _positive(cls, value: float) -> float:
        if not 0 < value <= 300:
            raise ValueError("ACTION_TIMEOUT_S must be more than 0 and at most 300 seconds")
        return value


class TimeoutHookMissing(RuntimeError):
    """Rasa no longer has the attribute this module sets: the action timeout would silently be 5 min."""


def set_action_timeout(seconds: float) -> float:
    """Make Rasa wait at most ``seconds`` for each custom action; returns the previous value.

    Raises:
        TimeoutHookMissing: the installed Rasa has no ``DEFAULT_REQUEST_TIMEOUT`` in its action module.
    """
    import importlib

    module = importlib.import_module(ACTION_MODULE)
    previous = getattr(module, TIMEOUT_ATTRIBUTE, None)
    if not isinstance(previous, (int, float)):
        raise TimeoutHookMissing(
            f"{ACTION_MODULE}.{TIMEOUT_ATTRIBUTE} is missing: check ops/serve.py "
            f"against the installed Rasa before serving"
        )
    setattr(module, TIMEOUT_ATTRIBUTE, seconds)
    return float(previous)


# Sanic's own default is 100 MB. Channel webhooks (Twilio, Messenger) read the whole body before
# checking its signature; the REST channel has a tighter limit of its own (REST_MAX_BODY_BYTES).
DEFAULT_REQUEST_MAX_BYTES = 2_000_000


def limit_request_size(environ: MutableMapping[str, str]) -> int:
    """Cap every request body the Rasa server accepts (``SANIC_REQUEST_MAX_SIZE``, read by Sanic
    when Rasa creates its app), unless the environment already sets a limit; returns the limit."""
    environ.setdefault("SANIC_REQUEST_MAX_SIZE", str(DEFAULT_REQUEST_MAX_BYTES))
    return int(environ["SANIC_REQUEST_MAX_SIZE"])


# TensorFlow's own thread pools, which Rasa sizes from these variables. Our models are tiny: one
# thread each gave a lower p95 under 10 concurrent conversations on 2 cores (make bench).
TENSORFLOW_THREADS = {"TF_INTRA_OP_PARALLELISM_THREADS": "1", "TF_INTER_OP_PARALLELISM_THREADS": "1"}


def limit_tensorflow_threads(environ: MutableMapping[str, str]) -> None:
    """Use one TensorFlow thread per pool unless the environment says otherwise."""
    for name, value in TENSORFLOW_THREADS.items():
        environ.setdefault(name, value)


def main(argv: Optional[List[str]] = None) -> None:
    """Set the action timeout, then hand the command line to Rasa as ``rasa run <argv>``."""
    settings = ServeSettings()
    args = list(sys.argv[1:] if argv is None else argv)
    from ops import api_guard, files

    jwt_args = api_guard.jwt_arguments(args, os.environ)  # raises when the secret is on the command line
    args += jwt_args
    files.secure_data_dir(files.DEFAULT_DATA_DIR)
    set_action_timeout(settings.action_timeout_s)
    limit_request_size(os.environ)
    limit_tensorflow_threads(os.environ)
    from ops import action_client, action_replies, event_types, gc_freeze, graph_runner, memory, rule_lookup

    memory.limit_arenas()  # before TensorFlow and Sanic start their threads
    memory.fix_mmap_threshold()  # loading's large temporary buffers go back to the system when freed
    from nlp.language import warm_up

    # The language detector's models (about 80 MB, 130 MB while they are read) are read now, before
    # the model loads, so their passing peak does not stack on DIET's: the server's peak RSS was 991 MB
    # with them read last (by nlp.language_detector), 932 MB with this and the fixed mmap threshold.
    warm_up()

    action_replies.install()  # half of the server's CPU per turn went to re-checking a schema
    event_types.install()  # every event read back walked all of Event's subclasses
    graph_runner.install()  # each parse and prediction ordered its ~20 nodes with dask afresh
    rule_lookup.install()  # each prediction parsed every rule's JSON for every recent turn
    action_client.install()  # keep the connection to the action server open between actions
    api_guard.install(jwt_args[0].partition("=")[2] if jwt_args else None)  # odd or forged bearer tokens: 401, not 500
    gc_freeze.install()  # full garbage collections skip the loaded model (a 200 ms pause each)
    import rasa.__main__
    import rasa.core.run

    rasa.core.run.close_resources = action_client.close_with_rasa(rasa.core.run.close_resources)

    sys.argv = ["rasa", "run", *args]  # in-process only: /proc/<pid>/cmdline keeps the real one
    # Rasa configures logging only inside main(), so this one line goes straight to stderr.
    print(
        f"ops.serve: custom actions time out after {settings.action_timeout_s:g} s (ACTION_TIMEOUT_S)", file=sys.stderr
    )
    rasa.__main__.main()


if __name__ == "__main__":
    main()
