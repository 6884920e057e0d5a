"""Messenger Send API rules as pure functions: bot replies in, Send API ``message`` objects out.

No Rasa imports: :mod:`channels.facebook` turns Rasa's bot messages into calls of these functions.

Limits applied (Messenger Platform, 2024): a text message has at most 2,000 characters, a button
template at most 3 buttons and 640 characters of text, a message at most 13 quick replies; button
and quick-reply titles have at most 20 characters, payloads at most 1,000.

Use::

    render_text("**CP504: Notice of intent to levy**\\nThe IRS ...")  # -> [{"text": ...}, ...]
    render_buttons("Which option?", [{"title": "Payment plan", "payload": "/ask..."}])
    request_body("PSID", message, send_options("HUMAN_AGENT"))
    messenger_window(last_user_message_at, now)  # "standard", "human_agent" or "closed"
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Dict, Iterable, List, Literal, Mapping, Optional

from channels import text_parts
from channels.text_parts import strip_markdown

__all__ = ["strip_markdown", "split_text", "messenger_window"]

MAX_TEXT = 2000
MAX_TEMPLATE_TEXT = 640
MAX_TEMPLATE_BUTTONS = 3
MAX_QUICK_REPLIES = 13
MAX_TITLE = 20
MAX_PAYLOAD = 1000
ELLIPSIS = "…"
CHOOSE_PROMPT = "Please choose one:"
CHOOSE_PROMPT_ES = "Elija una opción:"
MESSAGE_TAGS = frozenset({"HUMAN_AGENT", "ACCOUNT_UPDATE", "CONFIRMED_EVENT_UPDATE", "POST_PURCHASE_UPDATE"})

Message = Dict[str, Any]
Window = Literal["standard", "human_agent", "closed"]
STANDARD_WINDOW = dt.timedelta(hours=24)
HUMAN_AGENT_WINDOW = dt.timedelta(days=7)


def truncate(text: str, limit: int = MAX_TITLE) -> str:
    """``text`` cut to ``limit`` characters, ending in "…" when it was cut."""
    text = text.strip()
    if len(text) <= limit:
        return text
    return text[: limit - 1].rstrip() + ELLIPSIS


def split_text(text: str, limit: int = MAX_TEXT) -> List[str]:
    """Split ``text`` into parts of at most ``limit`` characters, at sentence ends when possible."""
    return text_parts.split_text(text, limit)


def render_text(text: Optional[str]) -> List[Message]:
    """Text messages for a bot reply: bold markers removed, split to the 2,000-character limit."""
    return [{"text": part} for part in split_text(strip_markdown(text or ""))]


def _payload(button: Mapping[str, Any]) -> Optional[str]:
    payload = button.get("payload")
    payload = str(payload) if payload not in (None, "") else str(button.get("title") or "")
    # A cut payload would be a different (broken) command: drop the button instead.
    return payload if 0 < len(payload) <= MAX_PAYLOAD else None


def template_buttons(buttons: Iterable[Mapping[str, Any]]) -> List[Message]:
    """Button-template buttons: web_url when the button has a URL, otherwise postback."""
    rendered: List[Message] = []
    for button in buttons:
        title = truncate(strip_markdown(str(button.get("title") or "")))
        if button.get("url"):
            rendered.append({"type": "web_url", "title": title, "url": str(button["url"])})
        elif _payload(button) is not None:
            rendered.append({"type": "postback", "title": title, "payload": _payload(button)})
    return rendered


def quick_replies(buttons: Iterable[Mapping[str, Any]]) -> List[Message]:
    """Text quick replies (at most 13); buttons with a URL or an overlong payload are left out."""
    rendered: List[Message] = []
    for button in buttons:
        payload = _payload(button)
        if button.get("url") or payload is None:
            continue
        title = truncate(strip_markdown(str(button.get("title") or payload)))
        rendered.append({"content_type": "text", "title": title, "payload": payload})
    return rendered[:MAX_QUICK_REPLIES]


def choose_prompt(language: Optional[str] = None) -> str:
    """The prompt of buttons without text of their own, in ``language`` (``es``; else English)."""
    return CHOOSE_PROMPT_ES if language == "es" else CHOOSE_PROMPT


def render_quick_replies(
    text: Optional[str], buttons: Iterable[Mapping[str, Any]], language: Optional[str] = None
) -> List[Message]:
    """Text parts, the last one carrying the quick replies (a prompt when there is no text)."""
    messages = render_text(text) or [{"text": choose_prompt(language)}]
    replies = quick_replies(buttons)
    if replies:
        messages[-1] = {**messages[-1], "quick_replies": replies}
    return messages


def render_buttons(
    text: Optional[str], buttons: List[Mapping[str, Any]], language: Optional[str] = None
) -> List[Message]:
    """Messages for a reply with buttons.

    Up to 3 buttons become a button template; when the text is longer than a template allows it
    goes first as plain text and the template carries a short prompt (in ``language``). More than
    3 buttons become quick replies (the template cannot hold them).
    """
    if len(buttons) > MAX_TEMPLATE_BUTTONS:
        return render_quick_replies(text, buttons, language)
    rendered = template_buttons(buttons)
    if not rendered:
        return render_text(text)
    body = strip_markdown(text or "").strip()
    messages: List[Message] = []
    if len(body) > MAX_TEMPLATE_TEXT:
        messages, body = render_text(body), choose_prompt(language)
    template = {"template_type": "button", "text": body or choose_prompt(language), "buttons": rendered}
    return messages + [{"attachment": {"type": "template", "payload": template}}]


def render_elements(elements: Iterable[Mapping[str, Any]], language: Optional[str] = None) -> List[Message]:
    """Generic-template elements degraded to text (title and subtitle) with their buttons."""
    messages: List[Message] = []
    for element in elements:
        text = "\n".join(str(element[key]) for key in ("title", "subtitle") if element.get(key))
        messages += render_buttons(text, list(element.get("buttons") or []), language)
    return messages


def render_custom(custom: Any) -> List[Message]:
    """A custom payload degraded to its ``text`` (anything else is not shown on Messenger)."""
    if isinstance(custom, Mapping) and isinstance(custom.get("text"), str):
        return render_text(custom["text"])
    return []


def send_options(messaging_tag: Optional[str] = None) -> Dict[str, str]:
    """``messaging_type`` (and ``tag``) for a send: RESPONSE, or MESSAGE_TAG with a known tag.

    Raises:
        ValueError: ``messaging_tag`` is not a Messenger message tag.
    """
    if not messaging_tag:
        return {"messaging_type": "RESPONSE"}
    tag = str(messaging_tag).strip().upper()
    if tag not in MESSAGE_TAGS:
        raise ValueError(f"unknown Messenger message tag {messaging_tag!r}")
    return {"messaging_type": "MESSAGE_TAG", "tag": tag}


def request_body(recipient_id: str, message: Message, options: Mapping[str, str]) -> Message:
    """The JSON body of one ``POST /me/messages``."""
    return {"recipient": {"id": recipient_id}, **options, "message": message}


def messenger_window(last_user_message_at: dt.datetime, now: dt.datetime) -> Window:
    """Which Messenger send window is open, given the user's last message.

    "standard" up to 24 hours after it (any reply), "human_agent" up to 7 days (only a person,
    tagged HUMAN_AGENT), "closed" after that. Both datetimes must be aware (or both naive).
    """
    elapsed = now - last_user_message_at
    if elapsed <= STANDARD_WINDOW:
        return "standard"
    if elapsed <= HUMAN_AGENT_WINDOW:
        return "human_agent"
    return "closed"
