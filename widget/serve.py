"""Serve the demo site: widget/demo/ with the built widget at /tax-chat.js, on one port.

Usage (``make run`` starts it on port 8080; the e2e test on a free port)::

    .venv/bin/python widget/serve.py --port 8080 [--host 127.0.0.1]

A development server (Python's http.server): put the real site and tax-chat.js behind your web
server in production.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, Optional, Sequence
from urllib.parse import unquote

WIDGET = Path(__file__).resolve().parent
DEMO = WIDGET / "demo"
DIST = WIDGET / "dist"
BUILT = {"/tax-chat.js": DIST / "tax-chat.js", "/tax-chat.js.map": DIST / "tax-chat.js.map"}


class DemoHandler(SimpleHTTPRequestHandler):
    """Files from widget/demo, the bundle from widget/dist; no directory listings."""

    def translate_path(self, path: str) -> str:
        """Map /tax-chat.js(.map) to the build output, everything else into the demo folder."""
        clean = path.split("?", 1)[0].split("#", 1)[0]
        if clean in BUILT:
            return str(BUILT[clean])
        return super().translate_path(path)

    def send_head(self) -> Any:
        """A path that cannot name a file (a NUL byte, e.g. ``/%00``) is a 400, not a dropped
        connection (``os.stat`` raises on an embedded NUL)."""
        if "\x00" in unquote(self.path.split("?", 1)[0]):
            self.send_error(400, "Bad request")
            return None
        try:
            return super().send_head()
        except ValueError:
            self.send_error(400, "Bad request")
            return None

    def list_directory(self, path: str) -> None:  # type: ignore[override]
        """No listings: a folder without index.html is a 404."""
        self.send_error(404, "Not found")
        return None

    def end_headers(self) -> None:
        """Always revalidate (a rebuilt widget shows up on reload) and never sniff types."""
        self.send_header("Cache-Control", "no-cache")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Referrer-Policy", "strict-origin-when-cross-origin")
        super().end_headers()


def make_server(host: str, port: int) -> ThreadingHTTPServer:
    """A server for the demo site (not started)."""
    return ThreadingHTTPServer((host, port), partial(DemoHandler, directory=str(DEMO)))


def main(argv: Optional[Sequence[str]] = None) -> None:
    """Run the demo server until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    if not BUILT["/tax-chat.js"].is_file():
        print("widget/dist/tax-chat.js is missing: build it with `make widget`", file=sys.stderr)
    server = make_server(args.host, args.port)
    print(
        f"Demo site on http://{'localhost' if args.host in ('127.0.0.1', '0.0.0.0') else args.host}:"
        f"{server.server_address[1]}",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
