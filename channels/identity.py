"""Channel-scoped conversation ids: every conversation id names the channel it belongs to.

A conversation id is ``<namespace>:<id within the channel>``:

| namespace | channel (Rasa name) | id within the channel |
| --- | --- | --- |
| ``sms`` | ``twilio`` | the E.164 phone number Twilio signed |
| ``messenger`` | ``facebook`` | the page-scoped id (PSID) Facebook signed |
| ``web`` | ``socketio`` | a digest of the session token the server issued to that browser |
| ``rest`` | ``rest`` | the ``sender`` the REST client chose (letters, digits, ``._~@+-``) |

Each channel builds ids only in its own namespace, so no channel can name another channel's
conversation (a REST caller sending ``+15551234567`` talks in ``rest:+15551234567``, never in the
taxpayer's ``sms:+15551234567``), and a reply to a conversation goes to the channel its
namespace names (:func:`output_channel_for`), never to whichever channel spoke last.

Ids without a namespace are conversations stored before ids were scoped. No channel creates or
writes to them any more, so their latest input channel is the one they were held on: the agent
desk reads them as before and answers them on that channel (``latest``).

Every scoped id uses only characters that need no percent-encoding in a URL path (letters,
digits, ``:._~@+-``), so the desk and Rasa's HTTP API name the same conversation.
"""

from __future__ import annotations

import re
from typing import Dict, Optional, Tuple

SMS, MESSENGER, WEB, REST = "sms", "messenger", "web", "rest"
# namespace -> the Rasa channel name replies go out on ("rest" has no push: Rasa collects them).
CHANNEL_OF: Dict[str, str] = {SMS: "twilio", MESSENGER: "facebook", WEB: "socketio", REST: "rest"}
NAMESPACE_OF: Dict[str, str] = {channel: namespace for namespace, channel in CHANNEL_OF.items()}
# Rasa's SQL tracker store keeps sender ids in a VARCHAR(255); the longest namespace is 9 + ":".
MAX_LOCAL_CHARS = 200
LOCAL_ID = re.compile(r"^[A-Za-z0-9._~@+-]{1,%d}$" % MAX_LOCAL_CHARS)
# What a path segment may hold unencoded (RFC 3986 pchar minus sub-delims we never use).
URL_SAFE = ":@+"


class ForeignId(ValueError):
    """An id that does not belong to the channel that was asked for it."""


def scoped(namespace: str, local_id: str) -> str:
    """The conversation id of ``local_id`` in ``namespace``.

    Raises:
        ValueError: an unknown namespace, or a local id with characters outside ``LOCAL_ID``.
    """
    if namespace not in CHANNEL_OF:
        raise ValueError(f"unknown conversation namespace {namespace!r}")
    if not isinstance(local_id, str) or not LOCAL_ID.match(local_id):
        raise ValueError("a conversation id may only use letters, digits and ._~@+- (1-200 characters)")
    return f"{namespace}:{local_id}"


def split(conversation_id: str) -> Tuple[Optional[str], str]:
    """``(namespace, local id)``; the namespace is None for an id stored before ids were scoped."""
    namespace, separator, local_id = conversation_id.partition(":")
    if separator and namespace in CHANNEL_OF and local_id:
        return namespace, local_id
    return None, conversation_id


def local_part(conversation_id: str, namespace: str) -> str:
    """The channel's own id (phone number, PSID) inside a conversation id of ``namespace``.

    An unscoped (older) id is returned unchanged: it was the channel's own id.

    Raises:
        ForeignId: the id belongs to another channel's namespace; nothing may be sent to it here.
    """
    found, local_id = split(conversation_id)
    if found is None:
        return conversation_id
    if found != namespace:
        raise ForeignId(f"a {found} conversation cannot be answered on the {namespace} channel")
    return local_id


def output_channel_for(conversation_id: str) -> str:
    """The Rasa output channel a message to this conversation must use (``latest`` for older ids)."""
    namespace, _ = split(conversation_id)
    return CHANNEL_OF[namespace] if namespace is not None else "latest"


def url_segment(conversation_id: str) -> str:
    """The id as one URL path segment; scoped ids come out unchanged (see the module docstring)."""
    from urllib.parse import quote

    return quote(conversation_id, safe=URL_SAFE)
