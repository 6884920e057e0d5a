"""No secret in any git-tracked file.

Every file ``git ls-files`` lists is scanned with detect-secrets 1.5 (private keys, AWS, Twilio,
Slack, Stripe, GitHub and other known token formats, JWTs, basic-auth URLs, high-entropy strings
and values assigned to names like secret/token/password/key) plus the formats it does not know
(Facebook and Google API tokens, a Twilio auth token assigned by name). A finding fails the test
unless :data:`ALLOWED` lists it: a short, reviewed list of obviously fake test values and false
positives. An entry nobody needs any more fails too, so the list stays short.

The scanner is tests/secret_scan.py; the repository's scan runs in the background from the end of
collection (``secret_scan`` in tests/conftest.py), and the tests here read its findings.
"""

from __future__ import annotations

import base64
import json
import secrets
import string
from pathlib import Path
from typing import Dict, Iterable, List, Set, Tuple

import pytest

from store.references import ALPHABET as REFERENCE_ALPHABET
from tests.secret_scan import NOT_INSTALLED, BackgroundScan, Finding, ScannerMissing, ds_scan
from tests.secret_scan import scan as _scan

SCAN_TIMEOUT_S = 900  # the repository's scan takes 20-64 s of one core

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


def scan(root: Path, paths: List[str]) -> List[Finding]:
    """All findings in ``paths`` (relative to ``root``), deduplicated (tests/secret_scan.py)."""
    if ds_scan is None:
        pytest.fail(NOT_INSTALLED)
    return _scan(root, paths)


def not_allowed(findings: Iterable[Finding]) -> List[Finding]:
    """The findings :data:`ALLOWED` does not excuse."""
    return [f for f in findings if (f.path, f.value) not in ALLOWED]


@pytest.fixture(scope="module")
def repository_findings(secret_scan: BackgroundScan) -> Tuple[List[str], List[Finding]]:
    """Every tracked path and its findings, from the scan started when collection ended (tests/conftest.py)."""
    try:
        return secret_scan.wait(timeout_s=SCAN_TIMEOUT_S)
    except ScannerMissing as error:
        pytest.fail(str(error))


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
