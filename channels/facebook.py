"""Facebook Messenger channel: a signed webhook in, the Messenger Send API out.

Replaces Rasa's built-in ``facebook`` channel under the same name (so ``output_channel=latest``
and the webhook URL ``/webhooks/facebook/webhook`` stay the same). In credentials.yml::

    channels.facebook.MessengerInput:
      verify: ${FACEBOOK_VERIFY_TOKEN}
      secret: ${FACEBOOK_APP_SECRET}
      page-access-token: ${FACEBOOK_PAGE_ACCESS_TOKEN}
      # graph_api_base: https://graph.facebook.com/v18.0

Empty values mean "not configured": every webhook request is then refused with 403 (a warning
is logged once). Requests must carry ``X-Hub-Signature-256``; every event of a batched delivery
is handled in the background after answering 200 ``EVENT_RECEIVED``. Replies go out through
:class:`MessengerOutput`; metadata ``messaging_tag: HUMAN_AGENT`` on a bot event (a pro's reply
from the agent desk) sends it with that message tag.

Language: the webhook does not carry the user's locale (only the Graph profile API has it, and
this channel does not call it); when an event does carry a ``locale`` ("es_LA"), its language goes
to Rasa as the metadata hint ``{"language": "es"}``. Otherwise the message guard reads the hint
from the text. What this channel says itself (the attachment reply, the buttons' prompt) follows
the conversation's language.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import logging
from collections import defaultdict
from typing import Any, Awaitable, Callable, Coroutine, Dict, Iterable, List, Mapping, Optional, Set

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from channels import notice_pages, notice_photos
from channels.guard import MessageGuard
from channels.identity import MESSENGER, ForeignId, local_part, scoped
from channels.languages import SPANISH, locale_language, response_language, text_language, tracker_language
from channels.messenger import render
from channels.messenger.events import Incoming, RecentIds, incoming_events, is_page_delivery
from channels.messenger.graph import DEFAULT_GRAPH_API_BASE, GraphSender
from channels.metadata import TooDeep, loads_bounded, with_language
from channels.secrets import same_secret

logger = logging.getLogger(__name__)

SIGNATURE_HEADER = "X-Hub-Signature-256"
SHUTDOWN_TIMEOUT_S = 10.0
# Not a Rasa turn (Rasa never sees the attachment), so the text lives here, not in domain.yml.
ATTACHMENT_REPLY = (
    "Thanks! I can only read photos or PDFs of your notice. Please send one, or type the notice code: "
    "it's printed in the top or bottom right corner of the notice (like CP504 or LT11)."
)
ATTACHMENT_REPLY_ES = (
    "¡Gracias! Solo puedo leer fotos o archivos PDF de su aviso. Envíe uno, o escriba el código del aviso: "
    "está impreso en la esquina superior o inferior derecha (como CP504 o LT11)."
)

OnNewMessage = Callable[[UserMessage], Awaitable[Any]]


def signature(app_secret: str, body: bytes) -> str:
    """The ``X-Hub-Signature-256`` value Facebook sends with ``body``."""
    return "sha256=" + hmac.new(app_secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


class MessengerOutput(OutputChannel):
    """Sends bot replies to a Messenger user through a :class:`GraphSender` (in the background)."""

    def __init__(self, graph: GraphSender) -> None:
        self.graph = graph

    @classmethod
    def name(cls) -> str:
        """Same name as the input channel, so Rasa finds this channel for ``latest``."""
        return "facebook"

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Send text, bold markers removed, split at sentence ends into 2,000-character parts."""
        self._send(recipient_id, render.render_text(text), kwargs)

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Up to 3 buttons as a button template, more as quick replies."""
        if len(buttons) > render.MAX_QUICK_REPLIES:
            logger.warning(
                "facebook: only the first %d of %d buttons can be shown", render.MAX_QUICK_REPLIES, len(buttons)
            )
        shown: List[Mapping[str, Any]] = list(buttons)  # render_buttons reads them as read-only mappings
        self._send(recipient_id, render.render_buttons(text, shown, reply_language(text, kwargs)), kwargs)

    async def send_quick_replies(
        self, recipient_id: str, text: str, quick_replies: List[Dict[str, Any]], **kwargs: Any
    ) -> None:
        """Send text with quick replies (at most 13)."""
        self._send(recipient_id, render.render_quick_replies(text, quick_replies, reply_language(text, kwargs)), kwargs)

    async def send_image_url(self, recipient_id: str, image: str, **kwargs: Any) -> None:
        """Send the image's URL as text (Messenger shows a link preview)."""
        self._send(recipient_id, render.render_text(image), kwargs)

    async def send_attachment(self, recipient_id: str, attachment: Any, **kwargs: Any) -> None:
        """Send a text attachment as text; anything else is not shown on Messenger."""
        if isinstance(attachment, str):
            self._send(recipient_id, render.render_text(attachment), kwargs)

    async def send_elements(self, recipient_id: str, elements: Iterable[Dict[str, Any]], **kwargs: Any) -> None:
        """Send each element as its title and subtitle, with its buttons."""
        self._send(recipient_id, render.render_elements(elements, response_language(kwargs)), kwargs)

    async def send_custom_json(self, recipient_id: str, json_message: Any, **kwargs: Any) -> None:
        """Send a custom payload's ``text``; other custom payloads are not shown on Messenger."""
        messages = render.render_custom(json_message)
        if not messages:
            logger.debug("facebook: a custom payload without text is not shown on Messenger")
        self._send(recipient_id, messages, kwargs)

    def _send(self, recipient_id: str, messages: List[render.Message], kwargs: Dict[str, Any]) -> None:
        try:
            recipient_id = local_part(recipient_id, MESSENGER)
        except ForeignId as refused:
            logger.error("facebook: not sent: %s", refused)
            return
        try:
            options = render.send_options(kwargs.get("messaging_tag"))
        except ValueError as error:
            logger.warning("facebook: %s; sending as a plain response", error)
            options = render.send_options()
        bodies = [render.request_body(recipient_id, message, options) for message in messages]
        self.graph.submit(recipient_id, bodies)


class MessengerInput(InputChannel):
    """Receives Messenger webhooks at ``/webhooks/facebook/webhook``."""

    @classmethod
    def name(cls) -> str:
        """The channel's name, in its URL and in the tracker's ``input_channel``."""
        return "facebook"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[str, Any]]) -> MessengerInput:
        """The channel from its credentials.yml block (missing or empty values: not configured)."""
        credentials = credentials or {}
        return cls(
            verify=_value(credentials.get("verify")),
            secret=_value(credentials.get("secret")),
            page_access_token=_value(credentials.get("page-access-token")),
            graph_api_base=_value(credentials.get("graph_api_base")) or DEFAULT_GRAPH_API_BASE,
        )

    def __init__(
        self,
        verify: str,
        secret: str,
        page_access_token: str,
        graph_api_base: str = DEFAULT_GRAPH_API_BASE,
        retry_backoff_s: float = 0.5,
        guard: Optional[MessageGuard] = None,
    ) -> None:
        self.verify, self.secret = verify, secret
        self.guard = guard or MessageGuard(self.name())
        self.graph = GraphSender(page_access_token, graph_api_base, backoff_s=retry_backoff_s)
        self.missing = [
            key
            for key, value in (("verify", verify), ("secret", secret), ("page-access-token", page_access_token))
            if not value
        ]
        self._warned = False
        self._seen = RecentIds()
        self._tasks: Set[asyncio.Task[None]] = set()

    def get_output_channel(self) -> Optional[OutputChannel]:
        """The output for pushes through Rasa's API (None when not configured)."""
        return None if self.missing else MessengerOutput(self.graph)

    def blueprint(self, on_new_message: OnNewMessage) -> Blueprint:
        """Routes: ``GET /`` (health), ``GET /webhook`` (verification), ``POST /webhook``.

        Every message passes the message guard (channels/guard.py) before Rasa sees it.
        """
        webhook = Blueprint("messenger_webhook", __name__)
        on_new_message = self.guard.wrap(notice_pages.with_page_consent(on_new_message))
        self.guard.attach(webhook)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["GET"])
        async def verify(request: Request) -> HTTPResponse:
            if self._refused():
                return _forbidden()
            token = request.args.get("hub.verify_token") or ""
            if request.args.get("hub.mode") != "subscribe" or not _same(token, self.verify):
                logger.warning("facebook: webhook verification with a wrong mode or verify token")
                return _forbidden()
            return response.text(request.args.get("hub.challenge") or "")

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if self._refused():
                return _forbidden()
            given = request.headers.get(SIGNATURE_HEADER) or ""
            if not _same(given, signature(self.secret, request.body)):
                logger.warning("facebook: refused a webhook without a valid %s", SIGNATURE_HEADER)
                return _forbidden()
            try:
                body = loads_bounded(request.body.decode("utf-8"))
            except TooDeep:
                return response.text("JSON nested too deeply", status=400)
            except ValueError:  # UnicodeDecodeError included
                return response.text("invalid JSON", status=400)
            if not is_page_delivery(body):
                return response.text("not a page subscription", status=404)
            events = [e for e in incoming_events(body) if self._seen.first_time(e.message_id)]
            if events:
                self._spawn(self._handle(events, on_new_message, self.get_metadata(request)))
            return response.text("EVENT_RECEIVED")

        @webhook.listener("before_server_stop")
        async def finish(*_: Any) -> None:
            await self.drain(SHUTDOWN_TIMEOUT_S)
            await self.graph.close(SHUTDOWN_TIMEOUT_S)

        return webhook

    async def drain(self, timeout_s: Optional[float] = None) -> None:
        """Wait until received events are handled and their replies sent (or given up)."""
        if self._tasks:
            await asyncio.wait(set(self._tasks), timeout=timeout_s)
        await self.graph.drain(timeout_s)

    def _refused(self) -> bool:
        if self.missing and not self._warned:
            self._warned = True
            logger.warning(
                "facebook: channel not configured (empty %s): refusing every webhook", ", ".join(self.missing)
            )
        return bool(self.missing)

    def _spawn(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.get_running_loop().create_task(work)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _handle(
        self, events: List[Incoming], on_new_message: OnNewMessage, metadata: Optional[Dict[str, Any]]
    ) -> None:
        """Each sender's events in order; different senders side by side."""
        by_sender: Dict[str, List[Incoming]] = defaultdict(list)
        for event in events:
            by_sender[event.sender_id].append(event)
        await asyncio.gather(*(self._handle_sender(items, on_new_message, metadata) for items in by_sender.values()))

    async def _handle_sender(
        self, events: List[Incoming], on_new_message: OnNewMessage, metadata: Optional[Dict[str, Any]]
    ) -> None:
        output = MessengerOutput(self.graph)
        for event in events:
            try:
                conversation = scoped(MESSENGER, event.sender_id)
                # The locale an event may carry is the channel's language hint (never a network call).
                hint = locale_language(event.locale)
                event_metadata = with_language(metadata, hint=hint) if hint else metadata
                if event.kind == "attachment" and event.media:  # a photo of the notice: its fields go to the bot
                    reading = await notice_photos.read_media([notice_photos.Media(url) for url in event.media])
                    await on_new_message(
                        notice_photos.photo_message(
                            reading, output, conversation, self.name(), event_metadata, event.message_id
                        )
                    )
                    continue
                if event.kind == "attachment":
                    spanish = (hint or tracker_language(await self.guard.view.tracker(conversation))) == SPANISH
                    await output.send_text_message(conversation, ATTACHMENT_REPLY_ES if spanish else ATTACHMENT_REPLY)
                    continue
                await on_new_message(
                    UserMessage(
                        event.text,
                        output,
                        conversation,
                        input_channel=self.name(),
                        message_id=event.message_id,
                        metadata=event_metadata,
                    )
                )
            except Exception:  # one bad event must not drop the others
                logger.exception("facebook: could not handle a message from %s", mask_psid(event.sender_id))


def reply_language(text: Optional[str], message: Dict[str, Any]) -> Optional[str]:
    """The language of a bot reply: its domain variation's, else the one its text is written in."""
    return response_language(message) or text_language(text)


def _value(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison that also accepts non-ASCII input (then simply unequal)."""
    return same_secret(given, expected)


def mask_psid(psid: str) -> str:
    """A PSID for logs: its last four characters only (like the masked phone numbers of SMS)."""
    return "…" + str(psid)[-4:] if len(str(psid)) > 4 else "…"


def _forbidden() -> HTTPResponse:
    return response.text("forbidden", status=403)
