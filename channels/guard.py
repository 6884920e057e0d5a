"""The message guard every public channel runs on each user message before Rasa sees it.

Rasa stores, publishes and logs a user's text as soon as it receives it, so everything here
happens first, in this order:

1. **rate limits** (channels/ratelimit.py) per client address (all its senders together, when the
   channel knows the address), on new conversations per address and across all addresses, and
   per (channel, sender): over a limit the message is dropped, a log line says which limit, and
   one "slow down" reply goes out per window (the REST channel answers 429 with Retry-After);
2. **hygiene**: control characters (but newline and tab) removed; too long or empty text gets a
   polite reply and is not passed on;
3. **PII**: SSNs, ITINs, EINs, routing, account and card numbers are masked
   (services/pii.py); the user is told first, and the message carries
   ``metadata["pii_removed"]``;
4. **slash syntax**: ``/intent{"slot": value}`` passes only when it is exactly a button payload the
   bot offered since the user's last message, or a bare ``/intent`` the channels send themselves
   (``GUARD_CHANNEL_INTENTS``); anything else loses its leading slashes and is read as text;
5. **no reply**: a turn that sent nothing (action server down or too slow) in a conversation that
   is not paused for a tax pro gets a polite technical-problem reply, as does a turn that raised.

Every message passed on carries the language hint ``metadata["language"]`` (channels/metadata.py:
the channel's own hint, else the language the text shows, else none). What the guard says itself
is in the language the message asks for or is written in, else the conversation's ``language``
slot, else the channel's hint, else English (the domain's Spanish variations, chosen by the slot).

A channel wraps its ``on_new_message`` once: ``on_new_message = self.guard.wrap(on_new_message)``
and calls ``self.guard.attach(blueprint)`` so the guard finds the Rasa agent (domain responses,
trackers). The REST channel calls :meth:`MessageGuard.process` to turn the verdict into a status.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import re
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Collection, Dict, List, Optional, Set, Tuple, cast

from rasa.core.channels.channel import OutputChannel, UserMessage
from rasa.shared.core.events import BotUttered, Event, UserUttered
from sanic import Blueprint, Sanic

from channels.agent_view import AgentView, BotView
from channels.counting_output import CountingOutput
from channels.guard_settings import GuardSettings, get_guard_settings
from channels.languages import ENGLISH, SPANISH, text_language, tracker_language, valid_language
from channels.metadata import LANGUAGE_FIELD, with_language
from channels.ratelimit import RateDecision, RateLimiter, build_limiter, build_rate_limiter
from channels.turn_failures import watching
from services.pii import LABELS, describe, mask_pii

logger = logging.getLogger(__name__)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]

PII_REMOVED = "utter_pii_removed"
MESSAGE_TOO_LONG = "utter_message_too_long"
MESSAGE_EMPTY = "utter_message_empty"
SLOW_DOWN = "utter_slow_down"
TECHNICAL_PROBLEM = "utter_technical_problem"
# The intent a message gets when nothing but a removed number was in it.
REMOVED_ONLY_INTENT = "inform"
# Used only when the loaded domain lacks the response; domain.yml has the real wording.
FALLBACK_TEXTS = {
    PII_REMOVED: "For your safety I removed the {removed} from your message and did not store it. Please don't "
    "send SSNs or bank details in this chat; a tax pro will collect them securely if needed.",
    MESSAGE_TOO_LONG: "That message is too long for me (over {max_chars} characters). Could you please send it "
    "in shorter parts?",
    MESSAGE_EMPTY: "I didn't get any text. What would you like to know about your IRS notice?",
    SLOW_DOWN: "You're sending messages faster than I can read them. Please wait {seconds} seconds, then "
    "send your message again.",
    TECHNICAL_PROBLEM: "Sorry, something went wrong on my side and I couldn't answer. Your message is saved; "
    "please try again in a minute, or type 'talk to a tax pro'.",
}
FALLBACK_TEXTS_ES = {
    PII_REMOVED: "Por su seguridad, quité el {removed} de su mensaje y no lo guardé. No envíe números de Seguro "
    "Social ni datos bancarios en este chat; si hacen falta, un profesional de impuestos los pedirá "
    "de forma segura.",
    MESSAGE_TOO_LONG: "Ese mensaje es demasiado largo para mí (más de {max_chars} caracteres). ¿Podría enviarlo "
    "en partes más cortas?",
    MESSAGE_EMPTY: "No recibí ningún texto. ¿Qué quiere saber sobre su aviso del IRS?",
    SLOW_DOWN: "Está enviando mensajes más rápido de lo que puedo leerlos. Espere {seconds} segundos y vuelva a "
    "enviar su mensaje.",
    TECHNICAL_PROBLEM: "Lo siento, algo falló de mi lado y no pude responder. Su mensaje está guardado; intente de "
    "nuevo en un minuto o escriba 'hablar con un profesional de impuestos'.",
}
# Control characters (C0, DEL, C1) and lone surrogates, which no encoder accepts; \t and \n stay.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")
_BARE_INTENT = re.compile(r"^/([A-Za-z0-9_-]+)$")
_LEADING_SLASHES = re.compile(r"^[\s/]+")
# Conversations a guard remembers as not new (the oldest are forgotten first).
_SEEN_MAX = 50_000


class Verdict(enum.Enum):
    """What happened to a message."""

    PASSED = "passed"  # Rasa handled it and answered
    REJECTED = "rejected"  # not passed on (too long, empty); a polite reply was sent
    RATE_LIMITED = "rate_limited"  # dropped; "slow down" was said once per window
    NO_REPLY = "no_reply"  # Rasa answered nothing: the technical-problem reply was sent
    FAILED = "failed"  # Rasa raised: logged, the technical-problem reply was sent


@dataclass(frozen=True)
class GuardResult:
    """The verdict, and how long a rate-limited sender should wait."""

    verdict: Verdict
    retry_after_s: int = 0


def clean_text(text: Any) -> str:
    """The text without control characters (newline and tab kept), stripped; "" when not text."""
    if not isinstance(text, str):
        return ""
    return _CONTROL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


def neutralise_slash(text: str, offered: Collection[str], bare_intents: Collection[str]) -> str:
    """``text`` unless it uses Rasa's ``/intent{...}`` syntax without being allowed to.

    Args:
        text: the cleaned text.
        offered: button payloads the bot offered since the user's last message.
        bare_intents: intents a bare ``/intent`` may name (in the domain and sent by the channels).

    Returns:
        The text unchanged when allowed, otherwise without its leading slashes (and spaces).
    """
    if not text.startswith("/") or text in offered:
        return text
    bare = _BARE_INTENT.match(text)
    if bare and bare.group(1) in bare_intents:
        return text
    return _LEADING_SLASHES.sub("", text)


def offered_payloads(events: Collection[Event]) -> Set[str]:
    """The button and quick-reply payloads of the bot messages after the latest user message."""
    payloads: Set[str] = set()
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            break
        if isinstance(event, BotUttered):
            data = event.data or {}
            buttons = list(data.get("buttons") or []) + list(data.get("quick_replies") or [])
            for element in data.get("elements") or []:
                buttons.extend(element.get("buttons") or [] if isinstance(element, dict) else [])
            payloads.update(b["payload"] for b in buttons if isinstance(b, dict) and isinstance(b.get("payload"), str))
    return payloads


class MessageGuard:
    """Checks, cleans and masks each user message of one channel before Rasa gets it."""

    def __init__(
        self,
        channel: str,
        settings: Optional[GuardSettings] = None,
        limiter: Optional[RateLimiter] = None,
        view: Optional[BotView] = None,
    ) -> None:
        """Args:
        channel: the channel's name (rate limits are per channel and sender).
        settings: limits (default: read from the environment).
        limiter: the rate limiter (default: as the settings say).
        view: where domain responses and trackers come from (default: the Rasa agent).
        """
        self.channel = channel
        self.settings = settings or get_guard_settings()
        self.limiter = limiter or build_rate_limiter(self.settings)
        self.view: BotView = view or AgentView()
        settings_ = self.settings
        self.address_limiter = build_limiter(settings_, settings_.address_messages_per_minute, 60)
        self.new_limiter = build_limiter(
            settings_, settings_.address_new_conversations, settings_.new_conversation_window_s
        )
        self.global_new_limiter = build_limiter(
            settings_, settings_.global_new_conversations, settings_.new_conversation_window_s
        )
        self._seen: OrderedDict[str, None] = OrderedDict()

    def attach(self, blueprint: Blueprint) -> None:
        """Find the agent through the app serving ``blueprint``; close the limiter when it stops."""

        @blueprint.listener("before_server_start")
        async def bind_app(app: Sanic, *_: Any) -> None:
            if isinstance(self.view, AgentView) and self.view.app is None:
                self.view.app = app

        @blueprint.listener("after_server_stop")
        async def close_limiter(*_: Any) -> None:
            for limiter in (self.limiter, self.address_limiter, self.new_limiter, self.global_new_limiter):
                await limiter.aclose()

    def wrap(self, on_new_message: OnNewMessage) -> OnNewMessage:
        """``on_new_message`` behind the guard (for channels that need no verdict)."""

        async def guarded(message: UserMessage) -> None:
            await self.process(message, on_new_message)

        return guarded

    async def process(
        self, message: UserMessage, on_new_message: OnNewMessage, address: Optional[str] = None
    ) -> GuardResult:
        """Run the checks; pass the message on when they allow it; answer politely when not.

        ``address`` is the client's address when the channel knows it (REST, socket.io): its
        messages and new conversations are then limited across all the sender ids it uses.
        What the guard itself says (but the rate-limit reply) is then stored in the conversation,
        so the tax pro's transcript shows it."""
        said: List[Tuple[str, List[Dict[str, Any]]]] = []
        try:
            return await self._check(message, on_new_message, said, address)
        finally:
            for reason, messages in said:
                await self.view.record(str(message.sender_id), messages, reason)

    def _known(self, sender: str) -> bool:
        """Whether this process let a message of the conversation through lately (then its tracker
        is not read again just to tell whether it is new)."""
        if sender in self._seen:
            self._seen.move_to_end(sender)
            return True
        return False

    def _remember(self, sender: str) -> None:
        self._seen[sender] = None
        if len(self._seen) > _SEEN_MAX:
            self._seen.popitem(last=False)

    async def _limits(self, sender: str, address: Optional[str]) -> Tuple[RateDecision, str]:
        """The first limit the message breaks (and its name), or the per-sender verdict."""
        if address:
            decision = await self.address_limiter.hit("address", address)
            if not decision.allowed:
                return decision, "messages per address"
        if not self._known(sender) and await self.view.tracker(sender) is None:  # a new conversation
            if address:
                decision = await self.new_limiter.hit("new-per-address", address)
                if not decision.allowed:
                    return decision, "new conversations per address"
            decision = await self.global_new_limiter.hit("new", "all")
            if not decision.allowed:
                return decision, "new conversations overall"
        self._remember(sender)  # only once it was let through: a refused new sender stays new
        return await self.limiter.hit(self.channel, sender), "messages per sender"

    async def _check(
        self,
        message: UserMessage,
        on_new_message: OnNewMessage,
        said: List[Tuple[str, List[Dict[str, Any]]]],
        address: Optional[str] = None,
    ) -> GuardResult:
        sender = str(message.sender_id)
        decision, limit = await self._limits(sender, address)
        if not decision.allowed:
            logger.warning(
                "guard: %s sender %s (address %s) is over the limit on %s",
                self.channel,
                _ref(sender),
                _ref(address or "-"),
                limit,
            )
            if decision.first_refusal:  # not stored: a flood must not turn into writes
                language = await self._reply_language(message, clean_text(message.text))
                await self._reply(message, SLOW_DOWN, language, seconds=decision.retry_after_s)
            return GuardResult(Verdict.RATE_LIMITED, decision.retry_after_s)
        text = clean_text(message.text)
        if len(text) > self.settings.max_message_chars:
            logger.info("guard: refused a %d-character message on %s", len(text), self.channel)
            language = await self._reply_language(message, text)
            said.append(
                (
                    MESSAGE_TOO_LONG,
                    await self._reply(message, MESSAGE_TOO_LONG, language, max_chars=self.settings.max_message_chars),
                )
            )
            return GuardResult(Verdict.REJECTED)
        masked = mask_pii(text)
        metadata = message.metadata
        if masked.masked:
            kinds = [kind.value for kind in masked.kinds]
            logger.info("guard: removed %s from a message on %s", ", ".join(kinds), self.channel)
            language = await self._reply_language(message, masked.text)
            said.append(
                (PII_REMOVED, await self._reply(message, PII_REMOVED, language, removed=describe(kinds, language)))
            )
            metadata = {**(metadata if isinstance(metadata, dict) else {}), "pii_removed": kinds}
        text = await self._slash(masked.text, sender)
        if not text:
            said.append(
                (
                    MESSAGE_EMPTY,
                    await self._reply(message, MESSAGE_EMPTY, await self._reply_language(message, masked.text)),
                )
            )
            return GuardResult(Verdict.REJECTED)
        # The language hint for Rasa (action_session_start): the channel's, else the text's. A
        # message the server built (a photo's reading) has a fixed text that shows no language.
        metadata = with_language(metadata, None if message.parse_data else _without_labels(text))
        parse_data = message.parse_data
        if masked.masked and not _has_content(text):
            # Only the removed number was sent (often as an answer to a form question). The model
            # has never seen a bare "[SSN removed]" and may read it as any intent; as plain
            # information it lets an active form re-ask its question.
            parse_data = {"text": text, "intent": {"name": REMOVED_ONLY_INTENT, "confidence": 1.0}, "entities": []}
        with watching() as failures:
            output = CountingOutput(message.output_channel, failures)
            result = await self._forward(message, text, parse_data, metadata, output, on_new_message)
        if result.verdict in (Verdict.FAILED, Verdict.NO_REPLY):
            said.append(
                (
                    TECHNICAL_PROBLEM,
                    await self._reply(message, TECHNICAL_PROBLEM, await self._reply_language(message, text)),
                )
            )
        return result

    async def _reply_language(self, message: UserMessage, text: str) -> str:
        """The language the guard answers in: the one the message asks for or is written in, else
        the conversation's ``language`` slot, else the channel's hint, else English."""
        shown = None if message.parse_data else text_language(_without_labels(text))
        if shown:
            return shown
        slot = tracker_language(await self.view.tracker(str(message.sender_id)))
        if slot:
            return slot
        metadata = message.metadata if isinstance(message.metadata, dict) else {}
        return valid_language(metadata.get(LANGUAGE_FIELD)) or ENGLISH

    async def _forward(
        self,
        message: UserMessage,
        text: str,
        parse_data: Optional[Dict[str, Any]],
        metadata: Any,
        output: CountingOutput,
        on_new_message: OnNewMessage,
    ) -> GuardResult:
        """Hand the checked message to Rasa; FAILED or NO_REPLY when it raised or said nothing."""
        sender = str(message.sender_id)
        forward = UserMessage(
            text,
            cast(OutputChannel, output),
            sender,
            parse_data=parse_data,
            input_channel=message.input_channel,
            message_id=message.message_id,
            metadata=metadata,
        )
        try:
            await on_new_message(forward)
        except Exception:  # the text is masked by now; Rasa's traceback is what we need
            logger.exception("guard: %s could not handle a message from %s", self.channel, _ref(sender))
            return GuardResult(Verdict.FAILED)
        if output.failures:
            logger.warning(
                "guard: Rasa dropped %s for %s on %s", ", ".join(output.failures), _ref(sender), self.channel
            )
            return GuardResult(Verdict.NO_REPLY)
        if output.sent == 0:
            tracker = await self.view.tracker(sender)
            if tracker is not None and not tracker.is_paused():
                logger.warning("guard: the bot sent no reply to %s on %s", _ref(sender), self.channel)
                return GuardResult(Verdict.NO_REPLY)
        return GuardResult(Verdict.PASSED)

    async def _slash(self, text: str, sender: str) -> str:
        if not text.startswith("/"):
            return text
        tracker = await self.view.tracker(sender)
        offered = offered_payloads(tracker.events) if tracker is not None else set()
        bare = self.settings.channel_intents & self.view.intents()
        return neutralise_slash(text, offered, bare)

    async def _reply(
        self, message: UserMessage, response: str, language: str = ENGLISH, **values: Any
    ) -> List[Dict[str, Any]]:
        """Send a domain response in ``language`` (or its built-in fallback) through the message's
        own channel; returns the messages sent."""
        output = message.output_channel
        try:
            messages = self.view.render(response, output.name(), language, **values)
        except Exception:
            logger.warning("guard: could not render %s", response, exc_info=True)
            messages = None
        if not messages:
            texts = FALLBACK_TEXTS_ES if language == SPANISH else FALLBACK_TEXTS
            messages = [{"text": texts[response].format(**values)}]
        sent: List[Dict[str, Any]] = []
        try:
            for reply in messages:
                await output.send_response(str(message.sender_id), dict(reply))
                sent.append(dict(reply))
        except Exception:
            logger.warning("guard: could not send %s on %s", response, self.channel, exc_info=True)
        return sent


def _without_labels(masked_text: str) -> str:
    """A masked message without its removal labels ("[SSN removed]" is English in any message)."""
    rest = masked_text
    for label in LABELS.values():
        rest = rest.replace(label, " ")
    return rest


def _has_content(masked_text: str) -> bool:
    """Whether anything but removal labels and punctuation is left in a masked message."""
    return any(character.isalnum() for character in _without_labels(masked_text))


def _ref(sender: str) -> str:
    """A short, stable stand-in for a sender id in logs (phone numbers stay out of them)."""
    return hashlib.sha256(sender.encode("utf-8", "surrogatepass")).hexdigest()[:10]
