"""The secret scan of tests/test_no_secrets.py: detect-secrets and the formats it does not know.

Scanning every tracked file takes about 20 s of one core (64 s on a slower, busy machine), most of
it detect-secrets' pure-Python YAML parsing, so tests/conftest.py runs the repository's scan in a
background process as soon as collection ends (:class:`BackgroundScan`, niced so that it takes
only a core nobody else uses), and the test reads its findings when its turn comes.

Usage::

    scan = BackgroundScan(out).start()
    paths, findings = scan.wait(timeout_s=600)  # what ``tracked_files`` and ``scan`` give
    scan.stop()  # kills it when it is still running (e.g. after -x)

``python -m tests.secret_scan OUT.json`` writes the repository's tracked paths and findings.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import sys
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Tuple

ROOT = Path(__file__).resolve().parents[1]
PYTHON = ROOT / ".venv" / "bin" / "python"
NICENESS = 19  # the scan waits for its result only at the end of the run: it yields to the tests

try:
    from detect_secrets.core import scan as ds_scan
    from detect_secrets.settings import default_settings
except ImportError:  # pragma: no cover - a clear failure instead of an import error
    ds_scan = None

NOT_INSTALLED = "detect-secrets is not installed: add detect-secrets==1.5.0 to requirements.lock"

# Formats detect-secrets 1.5 has no detector for.
EXTRA_PATTERNS: Dict[str, re.Pattern[str]] = {
    "Facebook Access Token": re.compile(r"\bEAA[A-Za-z0-9]{30,}"),
    "Google API Key": re.compile(r"\bAIza[0-9A-Za-z_\-]{35}\b"),
    "Twilio Auth Token": re.compile(r"(?i)auth[_-]?token[\"']?\s*[:=]\s*[\"']?([0-9a-f]{32})\b"),
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


class ScannerMissing(RuntimeError):
    """detect-secrets is not installed."""


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
    """Findings of every detect-secrets plugin with its default filters (one process).

    Raises:
        ScannerMissing: detect-secrets is not installed.
    """
    if ds_scan is None:
        raise ScannerMissing(NOT_INSTALLED)
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


def scan_repository(out: Path, root: Path = ROOT) -> None:
    """Write the tracked paths of ``root`` and their findings to ``out`` (JSON)."""
    paths = tracked_files(root)
    findings = [asdict(finding) for finding in scan(root, paths)]
    partial = out.with_suffix(".tmp")
    partial.write_text(json.dumps({"paths": paths, "findings": findings}), encoding="utf-8")
    partial.replace(out)  # a reader never sees half a file


class BackgroundScan:
    """``python -m tests.secret_scan`` over the repository, in a process of its own (which nices itself)."""

    def __init__(self, out: Path) -> None:
        self.out = out
        self.result = out / "findings.json"
        self._process: Optional[subprocess.Popen] = None

    def start(self) -> BackgroundScan:
        """Start the scan; returns at once. Its output goes to a file (a pipe nobody reads could fill up)."""
        self.out.mkdir(parents=True, exist_ok=True)
        with (self.out / "output.txt").open("wb") as output:
            self._process = subprocess.Popen(
                [str(PYTHON), "-m", "tests.secret_scan", str(self.result)],
                cwd=ROOT,
                stdout=output,
                stderr=subprocess.STDOUT,
            )
        return self

    def wait(self, timeout_s: float) -> Tuple[List[str], List[Finding]]:
        """The tracked paths and their findings, once the scan has ended (started now if it was not).

        Raises:
            ScannerMissing: detect-secrets is not installed.
            RuntimeError: the scan failed (with its output).
        """
        if self._process is None:
            self.start()
        assert self._process is not None
        returncode = self._process.wait(timeout=timeout_s)
        output = (self.out / "output.txt").read_text(errors="replace")
        if NOT_INSTALLED in output:
            raise ScannerMissing(NOT_INSTALLED)
        if returncode != 0 or not self.result.exists():
            raise RuntimeError(f"the secret scan failed (exit code {returncode}):\n{output[-4000:]}")
        data = json.loads(self.result.read_text(encoding="utf-8"))
        return list(data["paths"]), [Finding(**finding) for finding in data["findings"]]

    def stop(self) -> None:
        """Stop the scan if it is still running (e.g. after ``-x``)."""
        if self._process is not None and self._process.poll() is None:
            self._process.kill()
            self._process.wait()


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m tests.secret_scan OUT.json")
    os.nice(NICENESS)
    try:
        scan_repository(Path(sys.argv[1]))
    except ScannerMissing as error:
        sys.exit(str(error))
