"""Twilio SMS channel: signed webhooks, numbered menus, carrier keywords and background sending.

Replaces Rasa's built-in ``twilio`` channel under the same name, so the webhook stays
``/webhooks/twilio/webhook`` and responses with ``channel: twilio`` variants are used. In
credentials.yml::

    channels.twilio.TwilioInput:
      account_sid: ${TWILIO_ACCOUNT_SID}
      auth_token: ${TWILIO_AUTH_TOKEN}
      twilio_number: ${TWILIO_NUMBER}
      public_base_url: ${TWILIO_PUBLIC_BASE_URL}   # optional, e.g. https://bot.example.com
      # api_base_url: http://127.0.0.1:8099          # optional, a fake Twilio API in tests

Conversations are ``sms:<E.164 number>`` (channels/identity.py); replies go only to conversations
of that namespace. Spanish works end to end: Spanish carrier keywords (channels/sms/keywords.py),
keyword confirmations and numbered menus in the conversation's language, "MAS" like "MORE", and
the bot's Spanish text sent in the GSM-7 alphabet (á í ó ú become a i o u) so a segment holds 160
characters. A tax pro's message is sent as written. A MessageSid already handled (Twilio retries a
webhook that timed out) is answered with empty TwiML and not handled again.

Empty values leave the channel unconfigured: it then refuses every webhook with 403. Rasa refuses
to start when a ``${VAR}`` is not set at all, so define the variables even when empty.
"""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Dict, Iterable, List, Optional, Sequence
from urllib.parse import parse_qs

from aiohttp import BasicAuth
from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request, RequestParameters
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from channels import notice_pages, notice_photos
from channels.guard import MessageGuard
from channels.identity import SMS, ForeignId, local_part, scoped
from channels.languages import ENGLISH, response_language, text_language, tracker_language
from channels.messenger.events import RecentIds
from channels.sms.keywords import Keyword, KeywordMatch, help_reply, match_keyword, start_reply, stop_reply
from channels.sms.menus import DEFAULT_TTL_S, MenuMemory
from channels.sms.optouts import OptOutGuard, OptOutStore
from channels.sms.render import (
    custom_text,
    gsm_text,
    mask_phone,
    render_buttons,
    render_elements,
    split_message,
    strip_markdown,
)
from channels.sms.sender import DEFAULT_API_BASE_URL, DEFAULT_ATTEMPTS, DEFAULT_BACKOFF_S, TwilioSender
from settings.assistant import Settings, get_settings
from store.db import get_database
from store.optouts import E164, OptOutRepository

logger = logging.getLogger(__name__)

EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>'
SHUTDOWN_DRAIN_S = 10.0


class TwilioOutput(OutputChannel):
    """Sends bot messages as plain SMS: markdown removed, buttons as a numbered list, ≤1,600 chars."""

    def __init__(self, sender: Optional[TwilioSender], menus: MenuMemory) -> None:
        """Args:
        sender: queues the messages (None when the channel is not configured: nothing is sent).
        menus: where the numbered options are remembered for the reply.
        """
        self._sender = sender
        self._menus = menus

    @classmethod
    def name(cls) -> str:
        """The channel name responses are chosen by (``channel: twilio``)."""
        return "twilio"

    def _send(self, recipient_id: str, text: Optional[str], as_written: bool = False) -> None:
        phone = _phone(recipient_id)
        if phone is None:
            return
        recipient_id = phone
        plain = strip_markdown(text or "")
        parts = split_message(plain if as_written else gsm_text(plain))
        if self._sender is None:
            logger.warning("Twilio is not configured: dropped %d SMS to %s", len(parts), mask_phone(recipient_id))
            return
        for part in parts:
            self._sender.enqueue(recipient_id, part)

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Queue a text (split into several SMS only when longer than 1,600 characters); a tax
        pro's message (``from_pro``) goes as written, the bot's in GSM-7 letters when it can."""
        self._send(recipient_id, text, as_written=bool(kwargs.get("from_pro")))

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Queue a text with its buttons as "Reply 1 for …" ("Responda 1 para …" in Spanish) and
        remember the options."""
        body, payloads = render_buttons(text, buttons, menu_language(text, kwargs))
        phone = _phone(recipient_id)
        if phone is not None:
            self._menus.remember(phone, payloads)
        self._send(recipient_id, body, as_written=bool(kwargs.get("from_pro")))

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Queue the image's link (no MMS: a link costs one segment and works on every phone)."""
        self._send(recipient_id, image)

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        """Queue the attachment's link, when it is one."""
        if isinstance(attachment, str):
            self._send(recipient_id, attachment)
        else:
            logger.debug("Attachment without a link not sent by SMS")

    async def send_elements(self, recipient_id: str, elements: Iterable[Dict[str, Any]], **kwargs: Any) -> None:
        """Queue a carousel as lines of text with all its buttons in one numbered list."""
        text, buttons = render_elements(elements)
        # Only what says the language and the sender: the rest of Rasa's message may repeat "text".
        passed = {key: kwargs[key] for key in ("condition", "utter_action", "from_pro") if key in kwargs}
        await self.send_text_with_buttons(recipient_id, text, buttons, **passed)

    async def send_custom_json(self, recipient_id: str, json_message: Dict[str, Any], **kwargs: Any) -> None:
        """Queue a custom payload's text and link; payloads without either are not sent."""
        text = custom_text(json_message) if isinstance(json_message, dict) else ""
        if text:
            self._send(recipient_id, text)
        else:
            logger.debug("Custom payload without text not sent by SMS")


class TwilioInput(InputChannel):
    """Receives SMS from Twilio's webhook (signature checked) and hands them to Rasa."""

    @classmethod
    def name(cls) -> str:
        """``twilio``: the webhook is ``/webhooks/twilio/webhook``."""
        return "twilio"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> TwilioInput:
        """Build the channel from its credentials.yml block (missing or empty: not configured)."""
        values = {key: "" if value is None else str(value).strip() for key, value in (credentials or {}).items()}
        return cls(
            values.get("account_sid", ""),
            values.get("auth_token", ""),
            values.get("twilio_number", ""),
            public_base_url=values.get("public_base_url", ""),
            api_base_url=values.get("api_base_url") or DEFAULT_API_BASE_URL,
        )

    def __init__(
        self,
        account_sid: str,
        auth_token: str,
        twilio_number: str,
        *,
        public_base_url: str = "",
        api_base_url: str = DEFAULT_API_BASE_URL,
        settings: Optional[Settings] = None,
        optout_store: Optional[Callable[[], OptOutStore]] = None,
        menu_ttl_s: float = DEFAULT_TTL_S,
        send_attempts: int = DEFAULT_ATTEMPTS,
        send_backoff_s: float = DEFAULT_BACKOFF_S,
        guard: Optional[MessageGuard] = None,
    ) -> None:
        """Args:
        account_sid, auth_token, twilio_number: the Twilio account and number ('' = not configured).
        public_base_url: the scheme and host Twilio calls (behind a proxy), for the signature.
        api_base_url: Twilio's REST API (a local fake in tests).
        settings: firm name and contacts, database URL (default: ``get_settings()`` on first use).
        optout_store: creates the opt-out store (default: the case store's ``OptOutRepository``).
        menu_ttl_s: how long a numbered menu can be answered.
        send_attempts, send_backoff_s: retries of a failed send.
        guard: the message guard (default: one for this channel, from the environment).
        """
        self.configured = bool(account_sid and auth_token and twilio_number)
        self._validator = RequestValidator(auth_token) if self.configured else None
        self._public_base_url = public_base_url.rstrip("/")
        # MMS media (a notice photo) is fetched from Twilio's API with the account's credentials.
        self._media_auth = BasicAuth(account_sid, auth_token) if self.configured else None
        self._api_base_url = api_base_url
        self._settings = settings
        self._warned = False
        self.menus = MenuMemory(ttl_s=menu_ttl_s)
        self.optouts = OptOutGuard(optout_store or self._default_store)
        self.sender: Optional[TwilioSender] = None
        self.guard = guard or MessageGuard(self.name())
        self._handled = RecentIds()
        if self.configured:
            self.sender = TwilioSender(
                account_sid,
                auth_token,
                twilio_number,
                api_base_url,
                may_send=self._may_send,
                attempts=send_attempts,
                backoff_s=send_backoff_s,
            )

    @property
    def settings(self) -> Settings:
        """The firm's settings, read on first use."""
        if self._settings is None:
            self._settings = get_settings()
        return self._settings

    def _default_store(self) -> OptOutStore:
        return OptOutRepository(get_database(self.settings.database_url))

    async def _may_send(self, phone: str) -> bool:
        return not await self.optouts.is_opted_out(phone, when_unknown=True)

    def get_output_channel(self) -> TwilioOutput:
        """The output channel, also used for messages pushed later (e.g. a tax pro's reply)."""
        return TwilioOutput(self.sender, self.menus)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        """The webhook (POST ``/webhook``) and a health route (GET ``/``); messages pass the guard."""
        twilio_webhook = Blueprint("twilio_webhook", __name__)
        on_new_message = self.guard.wrap(notice_pages.with_page_consent(on_new_message))
        self.guard.attach(twilio_webhook)

        @twilio_webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.configured else "not configured"})

        @twilio_webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            return await self._receive(request, on_new_message)

        @twilio_webhook.listener("before_server_stop")
        async def flush(*_: Any) -> None:
            if self.sender is not None:
                await self.sender.drain(SHUTDOWN_DRAIN_S)
                await self.sender.aclose()

        return twilio_webhook

    async def _receive(self, request: Request, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> HTTPResponse:
        if not self.configured:
            if not self._warned:
                self._warned = True
                logger.warning(
                    "Twilio webhook refused: the twilio channel is not configured (set "
                    "TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN and TWILIO_NUMBER)."
                )
            return response.text("Twilio channel not configured", status=403)
        params = _form(request)
        if not self._signature_ok(request, params):
            logger.warning("Twilio webhook refused: missing or invalid X-Twilio-Signature")
            return response.text("Invalid signature", status=403)
        phone = params.get("From") or ""
        if not E164.match(phone):  # e.g. a WhatsApp sender: this channel handles SMS only
            logger.warning("Twilio webhook ignored: From is not an E.164 phone number")
            return response.text(EMPTY_TWIML, content_type="text/xml")
        message_sid = params.get("MessageSid") or ""
        if not self._handled.first_time(message_sid or None):
            logger.info("Twilio webhook: MessageSid already handled (a retry); not answered again")
            return response.text(EMPTY_TWIML, content_type="text/xml")
        try:
            await self._handle(
                phone,
                params.get("Body") or "",
                _count(params.get("NumMedia")),
                message_sid,
                on_new_message,
                media=notice_photos.twilio_media(params, self._api_base_url),
            )
        except Exception:  # the turn failed in Rasa or here: logged; Twilio needs no retry
            logger.exception("Could not handle an SMS from %s", mask_phone(phone))
        return response.text(EMPTY_TWIML, content_type="text/xml")

    def _signature_ok(self, request: Request, params: RequestParameters) -> bool:
        signature = request.headers.get("X-Twilio-Signature")
        if not signature or self._validator is None:
            return False
        url = request.url
        if self._public_base_url:
            query = f"?{request.query_string}" if request.query_string else ""
            url = f"{self._public_base_url}{request.path}{query}"
        return self._validator.validate(url, params, signature)

    async def _keyword_language(self, phone: str, keyword: KeywordMatch) -> str:
        """The language of a keyword's confirmation: Spanish for a Spanish keyword or conversation."""
        if keyword.is_spanish:
            return keyword.reply_language()
        return keyword.reply_language(tracker_language(await self.guard.view.tracker(scoped(SMS, phone))))

    async def _handle(
        self,
        phone: str,
        body: str,
        num_media: int,
        message_sid: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        media: Sequence[notice_photos.Media] = (),
    ) -> None:
        keyword = match_keyword(body)
        if keyword is not None and keyword.kind is Keyword.STOP:
            if await self.optouts.opt_out(phone, keyword.word):
                language = await self._keyword_language(phone, keyword)
                self._reply(phone, stop_reply(self.settings.firm_name, language), force=True)
            return
        opted_out = await self.optouts.is_opted_out(phone, when_unknown=False)
        if keyword is not None and keyword.kind is Keyword.START and (opted_out or not keyword.is_answer_word):
            await self.optouts.opt_in(phone, keyword.word)
            language = await self._keyword_language(phone, keyword)
            self._reply(phone, start_reply(self.settings.firm_name, language), force=True)
            return
        if opted_out:
            logger.info("Ignored an SMS from %s: the number opted out (START opts back in)", mask_phone(phone))
            return
        if keyword is not None and keyword.kind is Keyword.HELP:
            firm = self.settings
            language = await self._keyword_language(phone, keyword)
            self._reply(
                phone, help_reply(firm.firm_name, firm.firm_phone, firm.firm_email, firm.firm_website, language)
            )
            return
        metadata = {"twilio": {"message_sid": message_sid, "num_media": num_media}}
        if num_media:  # a photo or PDF of the notice: the bot gets the fields read from it
            reading = await notice_photos.read_media(media, auth=self._media_auth)
            await on_new_message(
                notice_photos.photo_message(
                    reading, self.get_output_channel(), scoped(SMS, phone), self.name(), metadata, message_sid or None
                )
            )
            return
        text = self.menus.resolve(phone, body)  # empty text: the guard asks for some
        await on_new_message(
            UserMessage(
                text, self.get_output_channel(), scoped(SMS, phone), input_channel=self.name(), metadata=metadata
            )
        )

    def _reply(self, phone: str, text: str, force: bool = False) -> None:
        if self.sender is not None:
            for part in split_message(gsm_text(text)):
                self.sender.enqueue(phone, part, force=force)


def menu_language(text: Optional[str], message: Dict[str, Any]) -> str:
    """The language of a numbered menu: the one of the domain response's variation Rasa chose, else
    the one the text is written in, else English."""
    return response_language(message) or text_language(text) or ENGLISH


def _phone(recipient_id: str) -> Optional[str]:
    """The phone number of an SMS conversation id; None (logged) for another channel's conversation."""
    try:
        return local_part(recipient_id, SMS)
    except ForeignId as refused:
        logger.error("Twilio: not sent: %s", refused)
        return None


def _form(request: Request) -> RequestParameters:
    """The form fields, blank ones included (Twilio signs them; ``request.form`` drops them)."""
    content_type = (request.content_type or "").split(";")[0].strip().lower()
    if content_type != "application/x-www-form-urlencoded":
        return RequestParameters()
    return RequestParameters(parse_qs(request.body.decode("utf-8", "replace"), keep_blank_values=True))


def _count(value: Optional[str]) -> int:
    try:
        return max(0, int(value or 0))
    except ValueError:
        return 0
