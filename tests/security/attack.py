"""An attacker-style check of a running bot (``make run`` in one terminal, ``make security`` in another).

Bounded (about 120 requests) and loopback only. It tries what an attacker would: naming another
channel's conversation, choosing or stealing widget sessions, PII in every layout, floods of new
conversations, malformed and forged input, the desk's sign-in, the data files and the secrets.
Each check prints PASS or FAIL; the closing note gives checks, attempts (requests sent) and
failures, and the exit status is 1 when anything failed.

The probes count against the limits of 127.0.0.1: new conversations (run it at most once per
``NEW_CONVERSATION_WINDOW_S``, 10 minutes by default, or restart ``make run``) and desk sign-ins
from this address stay locked for 15 minutes afterwards (restart the desk to clear them).
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import os
import stat
import sys
import uuid
from pathlib import Path
from typing import Callable, List, Optional, Tuple

from tests.security.probe import Probe, Widget, loopback_only, sign_in

ROOT = Path(__file__).resolve().parents[2]
# An unsigned ("alg": "none") JWT, built here so no token literal sits in the repository.
UNSIGNED_JWT = (
    base64.urlsafe_b64encode(b'{"alg":"none"}').decode().rstrip("=")
    + "."
    + base64.urlsafe_b64encode(b"{}").decode().rstrip("=")
    + "."
)
LAYOUTS = [
    "123.45.6789",
    "123\u201345\u20136789",
    "123\u221245\u22126789",
    "123/45/6789",
    "123\u00a045\u00a06789",
    "123 - 45 - 6789",
    "SSN 123 456 789",
    "card 4111.1111.1111.1111",
    "card 4111\u20131111\u20131111\u20131111",
    "card 4111/1111/1111/1111",
    "card 4111 1111 11111111",
    "routing 021.000.021",
    "account 1234.5678.9012",
    "EIN 12.3456789",
    "EIN 12\u20133456789",
    "ITIN 912\u201378\u20131234",
]
Result = Tuple[bool, str]


class Suite:
    """Runs the checks against one bot and keeps the score."""

    def __init__(self, rasa: str, desk: str, site: str) -> None:
        self.rasa, self.desk, self.site = loopback_only(rasa), loopback_only(desk), loopback_only(site)
        self.probe = Probe()
        self.results: List[Tuple[str, bool, str]] = []
        self.tag = uuid.uuid4().hex[:8]

    def check(self, name: str, run: Callable[[], Result]) -> None:
        try:
            ok, detail = run()
        except Exception as error:  # noqa: BLE001 - a crashing probe is a failed check, not a crashed suite
            ok, detail = False, f"{type(error).__name__}: {error}"
        self.results.append((name, ok, detail))
        print(f"{'PASS' if ok else 'FAIL'}  {name}{'' if ok else '  -- ' + detail}", flush=True)

    # identities -------------------------------------------------------------------------------
    def rest_cannot_name_sms(self) -> Result:
        phone = "+1512555" + str(uuid.uuid4().int % 10000).zfill(4)
        reply = self.probe.rest(self.rasa, phone, "any update on my case?")
        recipients = {m.get("recipient_id") for m in reply.json() or []}
        named = self.probe.rest(self.rasa, f"sms:{phone}", "hi")
        return (
            reply.status == 200 and recipients == {f"rest:{phone}"} and named.status == 400,
            f"status {reply.status}, recipients {recipients}, 'sms:' sender -> {named.status}",
        )

    async def widget_sessions(self) -> Result:
        async with Widget(self.probe, self.rasa) as visitor, Widget(self.probe, self.rasa) as attacker:
            token = await visitor.session({"session_id": None})
            replies = await visitor.say({"message": "what is a CP504?", "session_id": token})
            chosen = [await attacker.session({"session_id": value}) for value in ("1", "admin", "sms:+15125550142")]
            stolen = await attacker.say({"message": "hi", "session_id": token}, wait_s=8)
            visitor_count = len(visitor.replies)
        problems = []
        if not isinstance(token, str) or len(token) < 40 or not replies:
            problems.append(f"visitor session {token!r} with {len(replies)} replies")
        if any(value in ("1", "admin", "sms:+15125550142") or value == token for value in chosen):
            problems.append(f"chosen ids confirmed: {chosen}")
        if visitor_count != len(replies):
            problems.append("the attacker's message reached the visitor's socket")
        if not stolen:
            problems.append("the attacker got no reply in its own session")
        return not problems, "; ".join(problems)

    async def widget_resume(self) -> Result:
        async with Widget(self.probe, self.rasa) as first:
            token = await first.session({})
        async with Widget(self.probe, self.rasa) as again:
            resumed = await again.session({"session_id": token})
            unbound = await Widget(self.probe, self.rasa).__aenter__()
            silent = await unbound.say({"message": "hi", "session_id": token}, wait_s=4)
            await unbound.__aexit__()
        return resumed == token and not silent, f"resumed {resumed == token}, unbound socket answered {bool(silent)}"

    # masking ----------------------------------------------------------------------------------
    def masking(self) -> Result:
        leaked = []
        for index, layout in enumerate(LAYOUTS):
            sender = f"mask-{self.tag}-{index // 8}"
            reply = self.probe.rest(
                self.rasa,
                sender,
                f"my number is {layout} ok",
                metadata={"page": f"https://x.example/?q={layout}", "ssn": layout},
            )
            if reply.status != 200 or "removed" not in reply.body.decode("utf-8", "replace"):
                leaked.append(f"{layout!r} ({reply.status})")
        return not leaked, f"not masked: {', '.join(leaked)}"

    # limits -----------------------------------------------------------------------------------
    def new_conversation_flood(self) -> Result:
        statuses = [self.probe.rest(self.rasa, f"flood-{self.tag}-{n}", "I got a CP504") for n in range(12)]
        limited = [r for r in statuses if r.status == 429]
        retry = limited[0].headers.get("Retry-After", "") if limited else ""
        return (
            bool(limited) and retry.isdigit() and all(r.status in (200, 429) for r in statuses),
            f"statuses {[r.status for r in statuses]}, Retry-After {retry!r}",
        )

    # malformed input --------------------------------------------------------------------------
    def rest_malformed(self) -> Result:
        bodies = {
            "deep": b'{"sender": "x", "message": "hi", "metadata": ' + b"[" * 5000 + b"]" * 5000 + b"}",
            "nan": b'{"sender": "x", "message": "hi", "metadata": {"a": NaN}}',
            "nul": b'{"sender": "a\\u0000b", "message": "hi"}',
            "long": b'{"sender": "' + b"a" * 1000 + b'", "message": "hi"}',
            "space": b'{"sender": "a b", "message": "hi"}',
            "slash": b'{"sender": "a/b", "message": "hi"}',
            "percent": b'{"sender": "a%20b", "message": "hi"}',
        }
        bad = {
            name: self.probe.http(
                f"{self.rasa}/webhooks/rest/webhook", body, {"Content-Type": "application/json"}
            ).status
            for name, body in bodies.items()
        }
        return all(status in (400, 413) for status in bad.values()), f"{bad}"

    def webhooks_forged(self) -> Result:
        head = b"POST /webhooks/facebook/webhook HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
        odd = self.probe.raw(
            self.rasa, head + b"X-Hub-Signature-256: sha256=\xff\xfe\xc3\xa9\r\n", b'{"object":"page"}'
        )
        deep = self.probe.raw(self.rasa, head + b"X-Hub-Signature-256: sha256=00\r\n", b"[" * 5000 + b"]" * 5000)
        twilio = self.probe.http(
            f"{self.rasa}/webhooks/twilio/webhook",
            b"From=%2B15125550142&Body=hi&MessageSid=SM1",
            {"Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": "forged"},
        )
        return (odd, deep, twilio.status) == (
            403,
            403,
            403,
        ), f"non-ASCII signature {odd}, deep {deep}, twilio {twilio.status}"

    def rasa_api_credentials(self) -> Result:
        url = f"{self.rasa}/conversations/rest:x/tracker"
        none = self.probe.http(url).status
        odd = self.probe.raw(
            self.rasa,
            b"GET /conversations/rest:x/tracker HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \xc3\xa9\xff\r\n",
        )
        forged = self.probe.http(url, headers={"Authorization": f"Bearer {UNSIGNED_JWT}"}).status
        return (none, odd, forged) == (401, 401, 401), f"no token {none}, non-ASCII {odd}, forged {forged}"

    async def socketio_malformed(self) -> Result:
        async with Widget(self.probe, self.rasa) as widget:
            tokens = [await widget.session({"session_id": value}) for value in ({"$ne": 1}, [1, 2], "\x00" * 300)]
            dropped = await widget.send_raw('2["user_uttered",' + "[" * 3000 + "]" * 3000 + "]")
        alive = self.probe.http(f"{self.rasa}/").status
        fine = all(isinstance(t, str) and len(t) < 100 for t in tokens) and dropped and alive == 200
        return fine, f"tokens {tokens}, deep packet dropped the socket {dropped}, server {alive}"

    # desk, files, secrets, demo site ----------------------------------------------------------
    def bootstrap_password(self) -> Result:
        path = ROOT / "var" / "desk-admin-password.txt"
        if not path.exists():
            return True, "no bootstrap password file (already used or never written)"
        status = sign_in(self.probe, self.desk, "admin", path.read_text().strip())
        return status == 303 and not path.exists(), f"sign-in {status}, file still there: {path.exists()}"

    def spraying(self) -> Result:
        statuses = [sign_in(self.probe, self.desk, f"probe-{self.tag}-{n}", "Winter2026!") for n in range(22)]
        return 429 in statuses, f"statuses {statuses}"

    def desk_needs_credentials(self) -> Result:
        api = self.probe.http(f"{self.desk}/api/cases").status
        odd = self.probe.raw(
            self.desk, b"GET /api/cases HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer \xc3\xa9\r\n"
        )
        return (api, odd) == (401, 401), f"no token {api}, non-ASCII token {odd}"

    def data_files(self) -> Result:
        var = ROOT / "var"
        wide = [str(p) for p in [var, *var.rglob("*")] if not p.is_symlink() and stat.S_IMODE(p.stat().st_mode) & 0o077]
        return not wide, f"readable by others: {wide}"

    def secrets_not_in_ps(self) -> Result:
        secret_file = ROOT / "var" / "rasa-jwt-secret"
        secret = os.environ.get("RASA_JWT_SECRET") or (secret_file.read_text().strip() if secret_file.exists() else "")
        exposed = []
        for cmdline in Path("/proc").glob("[0-9]*/cmdline"):
            try:
                text = cmdline.read_bytes().replace(b"\0", b" ").decode("utf-8", "replace")
            except OSError:
                continue
            if "--jwt-secret" in text or (secret and secret in text):
                exposed.append(cmdline.parent.name)
        return not exposed, f"processes with the secret on their command line: {exposed}"

    def logs_clean(self) -> Result:
        """The numbers the masking probe sent (and phone numbers in full) are in no log file."""
        digits = {"".join(ch for ch in layout if ch.isdigit()) for layout in LAYOUTS}
        leaked = []
        for log in sorted((ROOT / "logs").glob("*.log")):
            text = "".join(ch for ch in log.read_text(encoding="utf-8", errors="replace") if ch.isdigit() or ch == "\n")
            leaked += [f"{log.name}: {number}" for number in digits if len(number) >= 9 and number in text]
        return not leaked, f"found in logs: {leaked}"

    def demo_site(self) -> Result:
        nul = self.probe.http(f"{self.site}/%00").status
        traversal = self.probe.raw(self.site, b"GET /../../etc/passwd HTTP/1.1\r\nHost: localhost\r\n")
        return nul == 400 and traversal in (400, 404), f"/%00 -> {nul}, traversal -> {traversal}"

    def run(self) -> int:
        if self.probe.http(f"{self.rasa}/").status != 200:
            print(f"No bot at {self.rasa}: start it with `make run` first.", file=sys.stderr)
            return 2
        checks: List[Tuple[str, Callable[[], Result]]] = [
            ("identity: a REST caller cannot name an SMS conversation", self.rest_cannot_name_sms),
            (
                "sessions: chosen or stolen widget ids get a session of their own",
                lambda: asyncio.run(self.widget_sessions()),
            ),
            (
                "sessions: resumed only with the issued token; unbound sockets ignored",
                lambda: asyncio.run(self.widget_resume()),
            ),
            ("masking: every layout masked, metadata cut to allowed fields", self.masking),
            ("malformed: REST deep JSON, NaN, NUL, long and unsafe ids", self.rest_malformed),
            ("malformed: forged webhooks, non-ASCII signatures", self.webhooks_forged),
            ("malformed: Rasa API credentials", self.rasa_api_credentials),
            ("malformed: socket.io object ids, NUL, deep packets", lambda: asyncio.run(self.socketio_malformed())),
            ("limits: a flood of new conversations gets 429 with Retry-After", self.new_conversation_flood),
            ("desk: API needs a token", self.desk_needs_credentials),
            ("desk: bootstrap password gone after first use", self.bootstrap_password),
            ("desk: password spraying is throttled", self.spraying),
            ("files: var/ is 0700 and its files 0600", self.data_files),
            ("secrets: no JWT secret on any command line", self.secrets_not_in_ps),
            ("demo site: %00 and traversal", self.demo_site),
            ("logs: no masked number in logs/*.log", self.logs_clean),
        ]
        for name, run in checks:
            self.check(name, run)
        failures = sum(1 for _, ok, _ in self.results if not ok)
        print(f"\nsecurity: {len(self.results)} checks, {self.probe.requests} attempts, {failures} failures")
        return 1 if failures else 0


def main(argv: Optional[List[str]] = None) -> int:
    """Parse the URLs (default: the ports of scripts/run.sh) and run the suite."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rasa", default=f"http://127.0.0.1:{os.environ.get('RASA_PORT', '5005')}")
    parser.add_argument("--desk", default=f"http://127.0.0.1:{os.environ.get('DESK_PORT', '5080')}")
    parser.add_argument("--site", default=f"http://127.0.0.1:{os.environ.get('WIDGET_PORT', '8080')}")
    args = parser.parse_args(argv)
    return Suite(args.rasa, args.desk, args.site).run()


if __name__ == "__main__":
    sys.exit(main())
