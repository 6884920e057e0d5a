"""The review tools: what is due (stale) and which source URLs still answer (link check)."""

from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Iterator

import pytest

from knowledge import linkcheck, stale
from knowledge.loader import cached_knowledge

KB = cached_knowledge()


def test_nothing_checked_recently_is_due() -> None:
    newest = max(n.last_checked for n in KB.notices)
    items = stale.due_items(newest, days=10_000, knowledge=KB)
    assert all(item.kind == "figure" and "superseded" in item.reason for item in items)


def test_zero_day_period_lists_everything_not_checked_that_day() -> None:
    today = dt.date(2026, 12, 3)
    items = stale.due_items(today, days=0, knowledge=KB)
    names = {(i.kind, i.name) for i in items}
    assert ("topic", "scam_signs") in names  # last checked 2026-11-26
    assert ("topic", "cdp_hearing") not in names  # re-checked 2026-12-03
    assert ("figure", "interest_rate_individual") in names  # its quarter has ended
    assert [i.last_checked for i in items] == sorted(i.last_checked for i in items)


def test_review_period_boundary() -> None:
    checked = dt.date(2026, 11, 26)
    due = {i.name for i in stale.due_items(checked + dt.timedelta(days=181), 180, knowledge=KB)}
    not_yet = {i.name for i in stale.due_items(checked + dt.timedelta(days=180), 180, knowledge=KB)}
    assert "scam_signs" in due and "scam_signs" not in not_yet


def test_negative_period_is_refused() -> None:
    with pytest.raises(ValueError):
        stale.due_items(dt.date(2026, 12, 3), -1, knowledge=KB)


def test_command_exit_codes_and_output(capsys: pytest.CaptureFixture) -> None:
    assert stale.main(["--days", "0", "--today", "2026-12-03"]) == 1
    out = capsys.readouterr().out
    assert "due for review" in out and "scam_signs" in out
    assert stale.format_items([]) == "Nothing is due for review."
    with pytest.raises(SystemExit):
        stale.main(["--days", "-5"])


# --- link check against a local fake server -------------------------------------------------


class _Handler(BaseHTTPRequestHandler):
    def do_HEAD(self) -> None:  # noqa: N802 (http.server naming)
        if self.path == "/no-head":
            self.send_response(405)
            self.end_headers()
            return
        self._answer()

    def do_GET(self) -> None:  # noqa: N802
        self._answer()

    def _answer(self) -> None:
        if self.path == "/moved":
            self.send_response(301)
            self.send_header("Location", "/ok")
            self.end_headers()
            return
        status = {"/ok": 200, "/no-head": 200, "/gone": 404}.get(self.path, 500)
        self.send_response(status)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = HTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_link_results(server: str) -> None:
    results = {
        r.url.rsplit("/", 1)[1]: r
        for r in linkcheck.check_urls(
            [f"{server}/ok", f"{server}/gone", f"{server}/moved", f"{server}/no-head", f"{server}/boom"], timeout=5
        )
    }
    assert results["ok"].ok and results["no-head"].ok
    assert results["moved"].ok and results["moved"].final_url.endswith("/ok")
    assert (results["gone"].ok, results["gone"].status) == (False, 404)
    assert results["boom"].status == 500 and not results["boom"].ok


def test_unreachable_and_non_http_urls_are_reported_not_raised() -> None:
    results = linkcheck.check_urls(["http://127.0.0.1:9/nothing", "ftp://example.com/x"], timeout=2)
    assert [r.ok for r in results] == [False, False]
    assert results[0].status is None and results[1].error == "not an http(s) address"


def test_command_exit_code_and_report(server: str, capsys: pytest.CaptureFixture) -> None:
    assert linkcheck.main(["--only", f"{server}/ok", "--timeout", "5"]) == 0
    assert linkcheck.main(["--only", f"{server}/ok", f"{server}/gone", "--timeout", "5"]) == 1
    out = capsys.readouterr().out
    assert "BROKEN 404" in out and "1 of 2 source URLs answered" in out


def test_every_source_url_is_collected_with_who_cites_it() -> None:
    cited = linkcheck.source_urls()
    assert "topic cdp_hearing" in cited["https://www.irs.gov/compliance/appeals/collection-due-process-cdp"]
    assert any(who.startswith("figure ") for whos in cited.values() for who in whos)
    assert all(url.startswith("https://") for url in cited)
