"""Run `rasa data validate` and fail on every warning but one kind that is not a problem.

Rasa warns about each response that no story or rule uses, including responses that custom actions
send with ``dispatcher.utter_message(response=...)``. Those names are read from the action code
(string literals starting with ``utter_``); that warning is accepted for them and for the responses
Rasa's own default actions send. Any other warning or error fails.

Usage: python scripts/validate_data.py
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import List, Set

ROOT = Path(__file__).resolve().parents[1]
RASA_DEFAULT_ACTION_RESPONSES = {"utter_default", "utter_ask_rephrase"}
_UNUSED = re.compile(r"The utterance '(utter_[a-z0-9_]+)' is not used in any story or rule\.")
_WARNING = re.compile(r"\b(UserWarning|FutureWarning|warning)\b", re.IGNORECASE)
_LITERAL = re.compile(r"[\"'](utter_[a-z0-9_]+)[\"']")


def responses_sent_by_actions(root: Path = ROOT) -> Set[str]:
    """Response names the action server (actions and the shared code they call) and the desk send, and the
    form's questions and hints."""
    names: Set[str] = set()
    for folder in ("actions", "desk", "channels", "services", "understanding"):
        for path in (root / folder).rglob("*.py"):
            names.update(_LITERAL.findall(path.read_text(encoding="utf-8")))
    sys.path.insert(0, str(root))
    from services.intake_plan import FORM_SLOTS  # the form asks utter_ask_<slot>; actions build the rest

    for prefix in ("utter_ask_", "utter_invalid_", "utter_why_"):
        names.update(f"{prefix}{slot}" for slot in FORM_SLOTS)
    return names | RASA_DEFAULT_ACTION_RESPONSES


def unexpected_warnings(output: str, allowed: Set[str]) -> List[str]:
    """Warning lines in ``output`` that are not an accepted unused-response warning."""
    problems = []
    for line in output.splitlines():
        if not _WARNING.search(line) or "DeprecationWarning" in line:
            continue
        unused = _UNUSED.search(line)
        if unused and unused.group(1) in allowed:
            continue
        problems.append(line.strip())
    return problems


def main() -> int:
    """Validate and report."""
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "rasa"), "data", "validate"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    output = result.stdout + result.stderr
    problems = unexpected_warnings(output, responses_sent_by_actions())
    if result.returncode != 0 or problems:
        print(output[-6000:])
        print(
            "\n".join(["rasa data validate found problems:", *problems])
            if problems
            else f"rasa data validate exited with {result.returncode}"
        )
        return 1
    accepted = len(_UNUSED.findall(output))
    print(f"rasa data validate: no warnings ({accepted} responses are sent by custom actions, not stories)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
