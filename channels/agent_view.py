"""What channel code reads from the running Rasa server's agent: the domain's intents and responses,
conversation trackers, and bot messages appended to a stored conversation.

:class:`BotView` is the interface the message guard (channels/guard.py) and the channels use (tests
pass a fake); :class:`AgentView` reads ``app.ctx.agent``, which a model reload replaces, so it is
looked up on every call.
"""

from __future__ import annotations

import logging
from typing import Any, Dict, FrozenSet, List, Optional, Protocol

from rasa.core.actions.action import create_bot_utterance
from rasa.core.nlg.response import TemplatedNaturalLanguageGenerator
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Sanic
from sanic.exceptions import SanicException

from channels.languages import LANGUAGE_SLOT

logger = logging.getLogger(__name__)


class BotView(Protocol):
    """What the guard reads from the bot (tests pass a fake)."""

    def intents(self) -> FrozenSet[str]:
        """The domain's intents (empty when unknown)."""

    def render(
        self, response: str, channel: str, language: Optional[str] = None, **values: Any
    ) -> Optional[List[Dict[str, Any]]]:
        """A domain response as messages for ``channel`` (the variation for ``language``), or None
        when the domain lacks it."""

    async def tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The conversation's tracker, or None when unknown."""

    async def record(self, sender_id: str, messages: List[Dict[str, Any]], reason: str) -> bool:
        """Append what the guard said to the conversation's stored tracker; False when it could not."""


class AgentView:
    """Reads the running Rasa server's agent (``app.ctx.agent``), which a model reload replaces."""

    def __init__(self, app: Optional[Sanic] = None) -> None:
        self.app = app

    def _agent(self) -> Any:
        app = self.app
        if app is None:
            try:
                app = Sanic.get_app()  # the Rasa server runs one app
            except SanicException:
                return None
        return getattr(app.ctx, "agent", None)

    def intents(self) -> FrozenSet[str]:
        """The loaded domain's intents."""
        domain = getattr(self._agent(), "domain", None)
        return frozenset(domain.intents) if domain is not None else frozenset()

    def responses(self) -> Optional[Dict[str, Any]]:
        """The loaded domain's responses (None before a model is loaded)."""
        return getattr(getattr(self._agent(), "domain", None), "responses", None)

    def render(
        self, response: str, channel: str, language: Optional[str] = None, **values: Any
    ) -> Optional[List[Dict[str, Any]]]:
        """The response through Rasa's own templating (``channel:`` variants, the variation the
        ``language`` slot selects, ``{placeholders}``)."""
        domain = getattr(self._agent(), "domain", None)
        if domain is None or response not in domain.responses:
            return None
        slots = {LANGUAGE_SLOT: language} if language else {}
        message = TemplatedNaturalLanguageGenerator(domain.responses).generate_from_slots(
            response, slots, channel, **values
        )
        return [message] if message else None

    async def tracker(self, sender_id: str) -> Optional[DialogueStateTracker]:
        """The stored tracker (read-only; no lock needed), None when the store fails."""
        store = getattr(self._agent(), "tracker_store", None)
        if store is None:
            return None
        try:
            return await store.retrieve(sender_id)
        except Exception:
            logger.warning("guard: could not read a tracker", exc_info=True)
            return None

    async def record(self, sender_id: str, messages: List[Dict[str, Any]], reason: str) -> bool:
        """Append the messages as bot events (``metadata.guard = reason``) under the conversation's
        lock, so the tax pro's transcript shows them. A conversation not stored yet is left alone:
        a tracker that starts with these events would skip Rasa's session start."""
        agent = self._agent()
        store, locks = getattr(agent, "tracker_store", None), getattr(agent, "lock_store", None)
        if store is None or locks is None or not messages:
            return False
        try:
            async with locks.lock(sender_id):
                tracker = await store.retrieve(sender_id)
                if tracker is None:
                    return False
                for message in messages:
                    event = create_bot_utterance(dict(message))
                    event.metadata = {**(event.metadata or {}), "guard": reason}
                    tracker.update(event)
                await store.save(tracker)
            return True
        except Exception:
            logger.warning("guard: could not store its %s reply", reason, exc_info=True)
            return False
