"""A small client for the Rasa server's HTTP API, authenticated with a short-lived admin JWT.

Rasa must run with its API enabled and ``RASA_JWT_SECRET`` (``ops.serve`` passes it to Rasa
without putting it on the command line).

Every message goes out on the channel the conversation belongs to, named by its id
(channels/identity.py: ``sms:`` to Twilio, ``messenger:`` to Messenger, ``web:`` to the widget),
never on whichever channel spoke last; ids stored before ids were scoped keep ``latest``, which
no channel can change any more. Ids go into URLs unencoded (they use URL-safe characters only).
"""

from __future__ import annotations

import asyncio
import time
from typing import Any, Dict, Optional

import aiohttp
import jwt

from channels.identity import output_channel_for, url_segment

JWT_USERNAME = "agent-desk"
JWT_LIFETIME_S = 300
TIMEOUT_S = 10.0
HANDED_BACK_RESPONSE = "utter_handed_back"


class RasaUnavailable(RuntimeError):
    """Rasa could not be reached or refused the request. The message is safe to show a pro."""


class RasaClient:
    """Reads trackers and sends messages, pauses and resumes conversations through Rasa.

    Example:
        async with aiohttp.ClientSession() as http:
            rasa = RasaClient("http://127.0.0.1:5005", secret, http)
            tracker = await rasa.tracker("a-sender-id")
    """

    def __init__(
        self, base_url: str, jwt_secret: str, session: aiohttp.ClientSession, timeout_s: float = TIMEOUT_S
    ) -> None:
        self._base_url = base_url.rstrip("/")
        self._secret = jwt_secret
        self._session = session
        self._timeout = aiohttp.ClientTimeout(total=timeout_s)

    def token(self) -> str:
        """A fresh HS256 JWT that Rasa accepts as the admin ``agent-desk``."""
        now = int(time.time())
        payload = {
            "user": {"username": JWT_USERNAME, "role": "admin"},
            "username": JWT_USERNAME,
            "iat": now,
            "exp": now + JWT_LIFETIME_S,
        }
        return jwt.encode(payload, self._secret, algorithm="HS256")

    async def tracker(self, sender_id: str) -> Dict[str, Any]:
        """The conversation's tracker with all its events."""
        result = await self._request(
            "GET", f"{self._conversation(sender_id)}/tracker", params={"include_events": "ALL"}
        )
        if not isinstance(result, dict):
            raise RasaUnavailable("Rasa returned an unexpected tracker")
        return result

    async def send_to_user(
        self, sender_id: str, text: str, pro_username: str, metadata: Optional[Dict[str, Any]] = None
    ) -> None:
        """Deliver ``text`` to the taxpayer on their conversation's channel, as a bot message from a pro.

        ``metadata`` reaches the output channel with the message (e.g. Messenger's message tag).
        """
        event = {"event": "bot", "text": text, "metadata": {**(metadata or {}), "from_pro": pro_username}}
        await self._events(sender_id, event)

    async def pause(self, sender_id: str) -> None:
        """Pause the bot: Rasa logs the user's messages but no longer answers them."""
        await self._events(sender_id, {"event": "pause"})

    async def resume(self, sender_id: str) -> None:
        """Resume the bot without telling the taxpayer (used to undo a pause)."""
        await self._events(sender_id, [{"event": "resume"}])

    async def hand_back(self, sender_id: str) -> None:
        """Resume the bot and tell the taxpayer they are talking to the assistant again."""
        await self.resume(sender_id)
        await self._request(
            "POST",
            f"{self._conversation(sender_id)}/execute",
            params={"output_channel": output_channel_for(sender_id)},
            json={"name": HANDED_BACK_RESPONSE},
        )
        # The bot's dialogue rules expect each user turn to follow action_listen, as after a normal turn.
        await self._events(sender_id, [{"event": "action", "name": "action_listen"}])

    async def _events(self, sender_id: str, events: Any) -> None:
        await self._request(
            "POST",
            f"{self._conversation(sender_id)}/tracker/events",
            params={"execute_side_effects": "true", "output_channel": output_channel_for(sender_id)},
            json=events,
        )

    def _conversation(self, sender_id: str) -> str:
        return f"{self._base_url}/conversations/{url_segment(sender_id)}"

    async def _request(self, method: str, url: str, params: Optional[Dict[str, str]] = None, json: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {self.token()}"}
        try:
            async with self._session.request(
                method, url, params=params, json=json, headers=headers, timeout=self._timeout
            ) as response:
                if response.status // 100 != 2:
                    raise RasaUnavailable(f"Rasa answered HTTP {response.status}")
                if response.content_type == "application/json":
                    return await response.json()
                return None
        except asyncio.TimeoutError:
            raise RasaUnavailable("Rasa did not answer in time") from None
        except aiohttp.ClientError as exc:
            raise RasaUnavailable(f"Rasa is unreachable ({type(exc).__name__})") from None
