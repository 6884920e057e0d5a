"""What a pro can do to a case — reply, hand back, close, add a note — shared by pages and API.

Rasa is told first; the case store records an action only once Rasa accepted it, so a failed
delivery is never logged as sent. Store calls run in a thread: they are blocking SQL.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
from typing import Any, Dict, List, Optional

from channels.identity import CHANNEL_OF, split
from channels.messenger.render import messenger_window
from desk.rasa_client import RasaClient, RasaUnavailable
from desk.transcript import Line, transcript
from services.casework import chat_can_receive
from store.cases import CaseNotFound, CaseRepository
from store.records import (
    EVENT_MESSAGE,
    EVENT_NOTE,
    EVENT_STATUS,
    STATUS_CLOSED,
    STATUS_IN_CONVERSATION,
    Case,
    CaseEvent,
)

logger = logging.getLogger(__name__)

MAX_REPLY_CHARS = 1600  # ten SMS segments; longer messages are cut or refused by SMS gateways
MAX_NOTE_CHARS = 4000
HANDED_BACK_NOTE = "handed back to the bot"

__all__ = [
    "Casework",
    "CaseNotFound",
    "Conflict",
    "Invalid",
    "RasaUnavailable",
    "can_push",
    "clean_text",
    "no_push_reason",
    "MAX_REPLY_CHARS",
    "MAX_NOTE_CHARS",
]


def last_user_message_at(tracker: Dict[str, Any]) -> Optional[dt.datetime]:
    """When the taxpayer last wrote, from a tracker as Rasa's API returns it."""
    stamps = [
        event.get("timestamp")
        for event in tracker.get("events") or []
        if event.get("event") == "user" and isinstance(event.get("timestamp"), (int, float))
    ]
    return dt.datetime.fromtimestamp(max(stamps), dt.timezone.utc) if stamps else None


def channel_rules(case: Case, tracker: Dict[str, Any], now: dt.datetime) -> Dict[str, Any]:
    """Message metadata a channel needs for a pro's reply; Conflict when the channel forbids it.

    Messenger allows a business to answer within 24 hours of the user's last message, and a human
    agent (with the HUMAN_AGENT tag) within 7 days; after that the reply is refused here.
    """
    if case.channel != "facebook":
        return {}
    last = last_user_message_at(tracker)
    window = messenger_window(last, now) if last else "closed"
    if window == "closed":
        raise Conflict(
            "Messenger only allows replies within 7 days of the taxpayer's last message. "
            "Contact them by phone or e-mail instead."
        )
    return {"messaging_tag": "HUMAN_AGENT"} if window == "human_agent" else {}


class Invalid(ValueError):
    """The pro's input is not acceptable (HTTP 422); the message says why."""


class Conflict(RuntimeError):
    """The case is not in a state that allows the action (HTTP 409); the message says why."""


def conversation_channel(case: Case) -> str:
    """The channel the case's conversation belongs to: the one its id names
    (channels/identity.py), or for a conversation stored before ids were scoped the channel the
    case recorded."""
    namespace, _ = split(case.sender_id)
    return CHANNEL_OF[namespace] if namespace is not None else case.channel


def can_push(case: Case) -> bool:
    """Whether the taxpayer's channel can receive a message the desk sends later."""
    return chat_can_receive(conversation_channel(case))


def clean_text(text: Any, limit: int, what: str = "message") -> str:
    """The trimmed text, or :class:`Invalid` when it is missing, empty or longer than ``limit``."""
    if not isinstance(text, str) or not text.strip():
        raise Invalid(f"the {what} is empty")
    text = text.strip().replace("\r\n", "\n")
    if len(text) > limit:
        raise Invalid(f"the {what} has {len(text)} characters; at most {limit} are allowed")
    return text


def no_push_reason(case: Case) -> str:
    """Why a reply can't reach the taxpayer of ``case``, for pages and API errors."""
    return (
        f"the taxpayer chatted on the '{conversation_channel(case)}' channel, which can't receive messages "
        "from the desk: contact them by phone or e-mail instead"
    )


class Casework:
    """A pro's actions on cases, combining the case store and Rasa."""

    def __init__(self, cases: CaseRepository, rasa: RasaClient) -> None:
        self.cases = cases
        self.rasa = rasa

    async def get(self, reference: str) -> Case:
        """The case, or :class:`CaseNotFound`."""
        case = await asyncio.to_thread(self.cases.get, reference)
        if case is None:
            raise CaseNotFound(reference)
        return case

    async def transcript(self, case: Case) -> List[Line]:
        """The conversation as readable lines (raises :class:`RasaUnavailable`)."""
        return transcript(await self.rasa.tracker(case.sender_id))

    async def reply(self, reference: str, text: Any, pro: str) -> CaseEvent:
        """Send a pro's message to the taxpayer, taking the conversation over from the bot.

        The first reply pauses the bot, moves the case to in_conversation and assigns it.

        Raises:
            CaseNotFound, Invalid, Conflict (closed case or channel without push),
            RasaUnavailable (nothing recorded).
        """
        text = clean_text(text, MAX_REPLY_CHARS)
        case = await self.get(reference)
        if case.status == STATUS_CLOSED:
            raise Conflict("the case is closed")
        if not can_push(case):
            raise Conflict(no_push_reason(case))
        tracker = await self.rasa.tracker(case.sender_id)
        metadata = channel_rules(case, tracker, dt.datetime.now(dt.timezone.utc))
        paused_now = False
        if not tracker.get("paused"):
            await self.rasa.pause(case.sender_id)
            paused_now = True
        try:
            await self.rasa.send_to_user(case.sender_id, text, pro, metadata)
        except RasaUnavailable:
            if paused_now:
                await self._undo_pause(case.sender_id)
            raise
        return await asyncio.to_thread(self._record_reply, case, text, pro)

    def _record_reply(self, case: Case, text: str, pro: str) -> CaseEvent:
        if case.status != STATUS_IN_CONVERSATION:
            self.cases.set_status(case.reference, STATUS_IN_CONVERSATION, pro, note=f"{pro} took over the conversation")
        if case.assigned_to != pro:
            self.cases.assign(case.reference, pro)
        return self.cases.add_event(case.reference, EVENT_MESSAGE, pro, text, data={"channel": case.channel})

    async def hand_back(self, reference: str, pro: str) -> CaseEvent:
        """Resume the bot, which tells the taxpayer they are back with the assistant.

        Raises:
            CaseNotFound, Conflict (closed case, or the bot is not paused),
            RasaUnavailable (nothing recorded).
        """
        case = await self.get(reference)
        if case.status == STATUS_CLOSED:
            raise Conflict("the case is closed")
        if not (await self.rasa.tracker(case.sender_id)).get("paused"):
            raise Conflict("the bot is already answering this conversation: nothing to hand back")
        await self.rasa.hand_back(case.sender_id)
        return await self._handed_back(case, pro)

    async def close(self, reference: str, pro: str) -> Case:
        """Close the case, handing the conversation back to the bot first if it was paused.

        Closing a closed case changes nothing.

        Raises:
            CaseNotFound, RasaUnavailable (the case stays open).
        """
        case = await self.get(reference)
        if case.status == STATUS_CLOSED:
            return case
        if can_push(case) and (await self.rasa.tracker(case.sender_id)).get("paused"):
            await self.rasa.hand_back(case.sender_id)
            await self._handed_back(case, pro)
        return await asyncio.to_thread(self.cases.set_status, case.reference, STATUS_CLOSED, pro)

    async def add_note(self, reference: str, text: Any, pro: str) -> CaseEvent:
        """Add an internal note (never shown to the taxpayer).

        Raises:
            CaseNotFound, Invalid.
        """
        text = clean_text(text, MAX_NOTE_CHARS, "note")
        case = await self.get(reference)
        return await asyncio.to_thread(self.cases.add_event, case.reference, EVENT_NOTE, pro, text)

    async def events(self, case: Case) -> List[CaseEvent]:
        """The case's event log, oldest first."""
        return await asyncio.to_thread(self.cases.events, case.reference)

    async def _handed_back(self, case: Case, pro: str) -> CaseEvent:
        return await asyncio.to_thread(
            self.cases.add_event, case.reference, EVENT_STATUS, pro, HANDED_BACK_NOTE, {"bot": "resumed"}
        )

    async def _undo_pause(self, sender_id: str) -> None:
        try:
            await self.rasa.resume(sender_id)
        except RasaUnavailable:
            logger.warning("Could not resume the bot after a failed reply; it stays paused")
