"""No secret in any git-tracked file.

Every file ``git ls-files`` lists is scanned with detect-secrets 1.5 (private keys, AWS, Twilio,
Slack, Stripe, GitHub and other known token formats, JWTs, basic-auth URLs, high-entropy strings
and values assigned to names like secret/token/password/key) plus the formats it does not know
(Facebook and Google API tokens, a Twilio auth token assigned by name). A finding fails the test
unless :data:`ALLOWED` lists it: a short, reviewed list of obviously fake test values and false
positives. An entry nobody needs any more fails too, so the list stays short.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import secrets
import string
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Set, Tuple

import pytest

from store.references import ALPHABET as REFERENCE_ALPHABET

try:
    from detect_secrets.core import scan as ds_scan
    from detect_secrets.settings import default_settings
except ImportError:  # pragma: no cover - a clear failure instead of an import error
    ds_scan = None

ROOT = Path(__file__).resolve().parents[1]

# Formats detect-secrets 1.5 has no detector for.
EXTRA_PATTERNS: Dict[str, re.Pattern[str]] = {
    "Facebook Access Token": re.compile(r"\bEAA[A-Za-z0-9]{30,}"),
    "Google API Key": re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    "Twilio Auth Token": re.compile(r"(?i)auth[_-]?token[\"']?\s*[:=]\s*[\"']?([0-9a-f]{32})\b"),
}

# (path, value) -> why it is not a secret. Only obviously fake values and false positives.
ALLOWED: Dict[Tuple[str, str], str] = {
    ("store/references.py", REFERENCE_ALPHABET): "the case reference alphabet",
    ("desk/cli.py", "password set"): "a label printed by `desk.cli list`",
    ("deploy/helm/values.yml", "chat-example-firm-com-tls"): "the name of a TLS Secret, not its content",
    ("tests/actions/test_handoff.py", "s3cret"): "fake webhook secret",
    ("tests/desk/conftest.py", "test-secret-"): "fake JWT secret prefix",
    ("tests/desk/conftest.py", "correct horse battery"): "fake password",
    ("tests/desk/test_cli.py", "a long enough password"): "fake password",
    ("tests/desk/test_login.py", "not the password"): "a wrong password on purpose",
    ("tests/desk/test_login.py", "wrong password!"): "a wrong password on purpose",
    ("tests/desk/test_settings.py", "s3cret-value-for-tests"): "fake JWT secret",
    ("tests/faults/test_bot_faults.py", "webhook-secret-for-fault-tests"): "fake webhook secret",
    ("tests/faults/test_webhook_receiver.py", "webhook-secret-for-fault-tests"): "fake webhook secret",
    ("tests/integration/cluster.py", "scale-out-test-secret-"): "fake JWT secret prefix",
    ("tests/integration/cluster.py", "guest"): "RabbitMQ's default account, on loopback",
    ("tests/rabbitmq.py", "guest"): "RabbitMQ's default account, on loopback",
    ("tests/ops/test_action_client.py", "pw"): "fake basic-auth password for a loopback test server",
    ("tests/integration/test_handoff.py", "webhook-secret-for-tests"): "fake webhook secret",
    ("tests/integration/test_handoff.py", "correct horse battery staple"): "fake password",
    ("tests/ops/test_action_server.py", "Jane-Doe-+15125550142-123-45-6789"): "fake PII that must not leak",
    ("tests/services/test_delivery.py", "whsec_local_test_secret"): "fake webhook secret",
    ("tests/services/test_signing.py", "whsec_test"): "fake webhook secret",
}


@dataclass(frozen=True)
class Finding:
    """A secret-looking value: where, what kind, and the value itself (never printed whole)."""

    path: str
    line: int
    kind: str
    value: str

    def describe(self) -> str:
        """``path:line kind (sha1 prefix)``: enough to find it, without repeating the secret."""
        digest = hashlib.sha1(self.value.encode("utf-8")).hexdigest()[:10]
        return f"{self.path}:{self.line} {self.kind} (sha1 {digest})"


def tracked_files(root: Path = ROOT) -> List[str]:
    """Paths of every git-tracked file, relative to ``root``."""
    out = subprocess.run(["git", "ls-files", "-z"], cwd=root, capture_output=True, check=True)
    return [name for name in out.stdout.decode("utf-8").split("\0") if name]


def scan_extra(root: Path, paths: Iterable[str]) -> List[Finding]:
    """Findings of :data:`EXTRA_PATTERNS` in text files (binary files are skipped)."""
    found: List[Finding] = []
    for path in paths:
        try:
            text = (root / path).read_text(encoding="utf-8")
        except (UnicodeDecodeError, FileNotFoundError, IsADirectoryError):
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            for kind, pattern in EXTRA_PATTERNS.items():
                for match in pattern.finditer(line):
                    value = match.group(match.lastindex or 0)
                    found.append(Finding(path, number, kind, value))
    return found


def scan_detect_secrets(root: Path, paths: Iterable[str]) -> List[Finding]:
    """Findings of every detect-secrets plugin with its default filters (one process)."""
    if ds_scan is None:
        pytest.fail("detect-secrets is not installed: add detect-secrets==1.5.0 to requirements.lock")
    found: List[Finding] = []
    with default_settings():
        for path in paths:
            if not (root / path).is_file():
                continue  # deleted in the work tree but still in the index
            for secret in ds_scan.scan_file(str(root / path)):
                found.append(Finding(path, secret.line_number, secret.type, secret.secret_value or ""))
    return found


def scan(root: Path, paths: List[str]) -> List[Finding]:
    """All findings in ``paths`` (relative to ``root``), deduplicated."""
    return sorted(
        set(scan_detect_secrets(root, paths) + scan_extra(root, paths)), key=lambda f: (f.path, f.line, f.kind)
    )


def not_allowed(findings: Iterable[Finding]) -> List[Finding]:
    """The findings :data:`ALLOWED` does not excuse."""
    return [f for f in findings if (f.path, f.value) not in ALLOWED]


@pytest.fixture(scope="module")
def repository_findings() -> Tuple[List[str], List[Finding]]:
    paths = tracked_files()
    return paths, scan(ROOT, paths)


def test_no_secrets_in_tracked_files(repository_findings: Tuple[List[str], List[Finding]]) -> None:
    _, findings = repository_findings
    leaks = not_allowed(findings)
    assert not leaks, (
        "secret-looking values (remove them, or add an obviously fake test value "
        "to ALLOWED in tests/test_no_secrets.py):\n" + "\n".join(f.describe() for f in leaks)
    )


def test_allow_list_has_no_stale_entries(repository_findings: Tuple[List[str], List[Finding]]) -> None:
    paths, findings = repository_findings
    seen: Set[Tuple[str, str]] = {(f.path, f.value) for f in findings}
    # Entries for files not committed yet are checked once they are.
    stale = [key for key in ALLOWED if key[0] in paths and key not in seen]
    assert not stale, f"remove from ALLOWED, no longer found: {stale}"


# --- The scanner itself, on planted fake secrets (built at run time: this file stays clean) ------


def _random(alphabet: str, length: int) -> str:
    return "".join(secrets.choice(alphabet) for _ in range(length))


def _jwt() -> str:
    def part(data: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(data).encode()).decode().rstrip("=")

    return f"{part({'alg': 'HS256', 'typ': 'JWT'})}.{part({'sub': 'x', 'iat': 1})}.{_random(string.ascii_letters, 43)}"


PLANTED = {
    "Private Key": lambda: "-----BEGIN RSA " + "PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----",
    "AWS Access Key": lambda: "aws_key = '" + "AKIA" + _random(string.ascii_uppercase + "234567", 16) + "'",
    "Twilio API Key": lambda: "sid = '" + "AC" + _random("0123456789abcdef", 32) + "'",
    "Twilio Auth Token": lambda: "TWILIO_AUTH_" + "TOKEN=" + _random("0123456789abcdef", 32),
    "Facebook Access Token": lambda: "token = '" + "EAA" + _random(string.ascii_letters + string.digits, 120) + "'",
    "JSON Web Token": lambda: "bearer = '" + _jwt() + "'",
    "Secret Keyword": lambda: "db_" + "password = '" + _random(string.ascii_letters + string.digits, 24) + "'",
    "Basic Auth Credentials": lambda: "url = 'postgresql://app:" + _random(string.ascii_letters, 16) + "@db:5432/x'",
}


@pytest.mark.parametrize("kind", sorted(PLANTED))
def test_a_planted_secret_is_caught(tmp_path: Path, kind: str) -> None:
    (tmp_path / "settings.py").write_text(f"# planted\n{PLANTED[kind]()}\n", encoding="utf-8")
    found = scan(tmp_path, ["settings.py"])
    assert kind in {f.kind for f in found}, [f.describe() for f in found]
    assert all(f.line == 2 for f in found)
    assert not_allowed(found) == found  # the allow-list is per file: nothing excuses it here


def test_clean_file_and_placeholders_are_not_findings(tmp_path: Path) -> None:
    (tmp_path / "clean.py").write_text(
        "import os\n"
        'token = os.environ.get("FACEBOOK_PAGE_ACCESS_TOKEN")\n'
        'url = "amqp://<user>:<password>@rabbitmq:5672/"\n'
        'page_token = "${FACEBOOK_PAGE_ACCESS_TOKEN}"\n',
        encoding="utf-8",
    )
    (tmp_path / "blob.bin").write_bytes(bytes(range(256)) * 4)
    assert scan(tmp_path, ["clean.py", "blob.bin"]) == []


def test_a_finding_is_described_without_its_value() -> None:
    value = "AKIA" + _random(string.ascii_uppercase, 16)
    assert value not in Finding("x.py", 3, "AWS Access Key", value).describe()
