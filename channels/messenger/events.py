"""Messenger webhook deliveries read into the user events the bot answers. No Rasa imports.

A delivery (``{"object": "page", "entry": [{"messaging": [...]}, ...]}``) may batch several
entries, each with several events. :func:`incoming_events` returns every user event of every
entry in order and skips what the bot does not answer: echoes of the page's own messages, reads,
deliveries, reactions, edits, opt-ins and the like.

The webhook does not say the user's language (only the Graph profile API does, which this channel
does not call); an event that carries a ``locale`` anyway (on the event, its message, its postback
or a referral) keeps it in :attr:`Incoming.locale`, and the channel turns it into the language hint.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass, replace
from typing import Any, List, Literal, Mapping, Optional, Tuple

Kind = Literal["text", "payload", "attachment"]


@dataclass(frozen=True)
class Incoming:
    """One user event: typed text, a button payload (quick reply or postback) or attachments."""

    sender_id: str
    kind: Kind
    text: str
    message_id: Optional[str] = None
    media: Tuple[str, ...] = ()  # links of the image and file attachments (a photo of the notice)
    locale: Optional[str] = None  # e.g. "es_LA", when the event carries one


def is_page_delivery(body: Any) -> bool:
    """Whether ``body`` is a delivery of a Page subscription (Messenger)."""
    return isinstance(body, Mapping) and body.get("object") == "page"


def incoming_events(body: Any) -> List[Incoming]:
    """Every user event of every entry of a Page delivery, in delivery order."""
    if not is_page_delivery(body):
        return []
    events: List[Incoming] = []
    for entry in _dicts(body.get("entry")):
        for event in _dicts(entry.get("messaging")):
            incoming = read_event(event)
            if incoming is not None:
                events.append(incoming)
    return events


def read_event(event: Mapping[str, Any]) -> Optional[Incoming]:
    """The user event in one ``messaging`` item, or None when the bot does not answer it."""
    sender = event.get("sender")
    sender_id = sender.get("id") if isinstance(sender, Mapping) else None
    if not isinstance(sender_id, (str, int)) or not str(sender_id):
        return None
    message, postback = event.get("message"), event.get("postback")
    incoming: Optional[Incoming] = None
    if isinstance(message, Mapping):
        incoming = _read_message(str(sender_id), message)
    elif isinstance(postback, Mapping) and _text(postback.get("payload")):
        incoming = Incoming(str(sender_id), "payload", _text(postback["payload"]), _mid(postback))
    if incoming is None:
        return None
    locale = _locale(event)
    return replace(incoming, locale=locale) if locale else incoming


def _locale(event: Mapping[str, Any]) -> Optional[str]:
    """A ``locale`` the event carries: on itself, its message or postback, or their referral."""
    places: List[Any] = [event, event.get("message"), event.get("postback"), event.get("referral")]
    postback = event.get("postback")
    if isinstance(postback, Mapping):
        places.append(postback.get("referral"))
    for place in places:
        value = place.get("locale") if isinstance(place, Mapping) else None
        if isinstance(value, str) and 0 < len(value.strip()) <= 35:
            return value.strip()
    return None


def _read_message(sender_id: str, message: Mapping[str, Any]) -> Optional[Incoming]:
    if message.get("is_echo"):
        return None
    quick_reply = message.get("quick_reply")
    # A tapped quick reply also carries its title as text: the payload is what the bot asked for.
    if isinstance(quick_reply, Mapping) and _text(quick_reply.get("payload")):
        return Incoming(sender_id, "payload", _text(quick_reply["payload"]), _mid(message))
    if _text(message.get("text")):
        return Incoming(sender_id, "text", _text(message["text"]), _mid(message))
    if message.get("attachments") or message.get("sticker_id"):
        return Incoming(sender_id, "attachment", "", _mid(message), media=_media_links(message))
    if isinstance(message.get("text"), str):  # a blank text: the guard asks for some
        return Incoming(sender_id, "text", "", _mid(message))
    return None


def _media_links(message: Mapping[str, Any]) -> Tuple[str, ...]:
    """The ``payload.url`` of each image or file attachment (stickers, audio and video left out)."""
    links = []
    for item in _dicts(message.get("attachments")):
        payload = item.get("payload")
        url = payload.get("url") if isinstance(payload, Mapping) else None
        if (
            item.get("type") in ("image", "file")
            and isinstance(url, str)
            and url.startswith(("https://", "http://"))
            and not (isinstance(payload, Mapping) and payload.get("sticker_id"))
        ):
            links.append(url)
    return tuple(links)


def _dicts(items: Any) -> List[Mapping[str, Any]]:
    return [item for item in items if isinstance(item, Mapping)] if isinstance(items, list) else []


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _mid(item: Mapping[str, Any]) -> Optional[str]:
    mid = item.get("mid")
    return str(mid) if mid else None


class RecentIds:
    """Message ids seen lately, to drop Messenger's redeliveries of a message already handled."""

    def __init__(self, size: int = 2000) -> None:
        self._size = size
        self._ids: OrderedDict[str, None] = OrderedDict()

    def first_time(self, message_id: Optional[str]) -> bool:
        """True the first time ``message_id`` is seen (always True without an id)."""
        if message_id is None:
            return True
        if message_id in self._ids:
            return False
        self._ids[message_id] = None
        if len(self._ids) > self._size:
            self._ids.popitem(last=False)
        return True
