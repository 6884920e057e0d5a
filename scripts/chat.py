"""Chat with the running bot over the REST channel, in the terminal.

Usage: python scripts/chat.py [--url http://localhost:5005] — type "quit" to leave. Buttons are
shown numbered; type the number to click one.
"""

from __future__ import annotations

import argparse
import json
import sys
import urllib.error
import urllib.request
import uuid
from typing import Dict, List


def send(url: str, sender: str, message: str) -> List[Dict]:
    """Send one message and return the bot's replies."""
    body = json.dumps({"sender": sender, "message": message}).encode()
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return json.loads(response.read().decode())


def main() -> int:
    """Read lines, send them, print the replies."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url", default="http://localhost:5005")
    args = parser.parse_args()
    sender = f"shell-{uuid.uuid4().hex[:12]}"
    buttons: List[Dict] = []
    print("Talk to the bot (type 'quit' to stop).")
    while True:
        try:
            text = input("you> ").strip()
        except (EOFError, KeyboardInterrupt):
            return 0
        if text.lower() in {"quit", "exit"}:
            return 0
        if text.isdigit() and 0 < int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        try:
            replies = send(args.url, sender, text)
        except (urllib.error.URLError, OSError) as exc:
            print(f"Cannot reach the bot at {args.url} ({exc}). Is `make run` running?", file=sys.stderr)
            return 1
        buttons = []
        for reply in replies:
            if reply.get("text"):
                print(f"bot> {reply['text']}")
            for button in reply.get("buttons", []):
                buttons.append(button)
                print(f"     [{len(buttons)}] {button['title']}")


if __name__ == "__main__":
    sys.exit(main())
