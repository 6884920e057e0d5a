"""The contract between the action server and the domain, and a side-effect-free import."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any, Dict, Set

import yaml
from rasa_sdk.executor import ActionExecutor

from knowledge.schema import Urgency
from services.intake_plan import FORM_SLOTS

ROOT = Path(__file__).resolve().parents[1]
DOMAIN: Dict[str, Any] = yaml.safe_load((ROOT / "domain.yml").read_text(encoding="utf-8"))
# Alembic's migration scripts are not a package: the action server never imports them.
ACTION_FILES = sorted(p for p in (ROOT / "actions").rglob("*.py") if "migrations" not in p.parts)
# Response names built at run time, and every suffix they can take.
DYNAMIC_RESPONSES = {
    "utter_urgency_": [u.value for u in Urgency],
    "utter_invalid_": list(FORM_SLOTS),
    "utter_why_": list(FORM_SLOTS),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def test_registered_actions_equal_domain_actions() -> None:
    executor = ActionExecutor()
    executor.register_package("actions")
    assert set(executor.actions) == set(DOMAIN["actions"])
    assert len(DOMAIN["actions"]) == len(set(DOMAIN["actions"])), "an action is listed twice in domain.yml"


def test_slot_mappings_name_custom_actions() -> None:
    for slot, spec in DOMAIN["slots"].items():
        for mapping in spec.get("mappings", []):
            if mapping.get("type") == "custom" and "action" in mapping:
                assert mapping["action"] in DOMAIN["actions"], f"slot {slot} is mapped to an unknown action"


def _response_names_in_source() -> Set[str]:
    found: Set[str] = set()
    for path in ACTION_FILES:
        source = path.read_text(encoding="utf-8")
        found.update(re.findall(r"""(?<![f\w])["'](utter_[a-z_]+)["']""", source))
        for prefix in re.findall(r"""f["'](utter_[a-z_]*)\{""", source):
            assert prefix in DYNAMIC_RESPONSES, f"{path.name}: unknown dynamic response name {prefix}..."
            found.update(f"{prefix}{suffix}" for suffix in DYNAMIC_RESPONSES[prefix])
    return found


def test_every_response_an_action_sends_exists_in_the_domain() -> None:
    used = _response_names_in_source()
    # the scan really finds the action responses (guards against a regex that matches nothing)
    assert {
        "utter_notice_explanation",
        "utter_urgency_critical",
        "utter_did_you_mean",
        "utter_disclaimer",
        "utter_topic_answer",
        "utter_notice_date_noted",
        "utter_case_created",
        "utter_invalid_phone",
    } <= used
    missing = sorted(used - set(DOMAIN["responses"]))
    assert not missing, f"responses used by actions but missing from domain.yml: {missing}"


_IMPORT_PROBE = textwrap.dedent(
    """
    import builtins, importlib, io, json, os, pathlib, pkgutil, socket, sys

    # third-party dependencies may read their own files; import them before the trap
    import dateparser, dateparser.search, pydantic, rasa_sdk, rasa_sdk.events, rasa_sdk.executor, yaml, zoneinfo
    import aiohttp, email_validator, phonenumbers, sqlalchemy, text_to_num, us
    import sklearn.feature_extraction.text, sklearn.linear_model, sklearn.pipeline  # psutil reads /proc
    assert not [m for m in sys.modules if m == "actions" or m.startswith("actions.")], "actions already imported"

    attempts = []

    def trap(*args, **kwargs):
        attempts.append(repr(args[:2]))
        raise RuntimeError(f"side effect at import: {args[:2]!r}")

    builtins.open = io.open = os.open = trap
    pathlib.Path.open = pathlib.Path.read_text = pathlib.Path.read_bytes = trap
    socket.socket.connect = socket.socket.connect_ex = trap
    socket.create_connection = socket.getaddrinfo = trap

    # the trap is armed
    for probe in (lambda: open("domain.yml"),
                  lambda: pathlib.Path("domain.yml").read_text(),
                  lambda: socket.create_connection(("example.com", 80))):
        try:
            probe()
        except RuntimeError:
            pass
        else:
            raise SystemExit("trap not armed")
    attempts.clear()

    import actions
    imported = ["actions"]
    for info in pkgutil.walk_packages(actions.__path__, "actions."):
        importlib.import_module(info.name)
        imported.append(info.name)

    from rasa_sdk.executor import ActionExecutor
    executor = ActionExecutor()
    executor.register_package("actions")  # also instantiates every action
    print(json.dumps({"imported": sorted(imported), "actions": sorted(executor.actions), "attempts": attempts}))
    """
)


def test_importing_actions_opens_no_file_or_socket() -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYTHONDONTWRITEBYTECODE": "1"}
    result = subprocess.run(
        [sys.executable, "-c", _IMPORT_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["attempts"] == []
    assert set(report["imported"]) == {_module_name(p) for p in ACTION_FILES}
    assert set(report["actions"]) == set(DOMAIN["actions"])
