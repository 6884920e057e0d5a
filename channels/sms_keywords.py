"""The carrier keywords every US SMS program must honour (Twilio's default lists) and their replies.

A keyword counts only as the whole message: case-insensitive, surrounding blanks and a final
``.`` or ``!`` ignored ("Stop." opts out, "stop sending me notices" does not).

Usage::

    match = match_keyword(body)
    if match and match.kind is Keyword.STOP:
        ...
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Optional

STOP_WORDS = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS = frozenset({"START", "YES", "UNSTOP"})
HELP_WORDS = frozenset({"HELP", "INFO"})
# "YES" opts back in only a number that has opted out; otherwise it is an answer for the bot.
ANSWER_WORDS = frozenset({"YES"})
LONGEST_WORD = max(len(word) for word in STOP_WORDS | START_WORDS | HELP_WORDS)

MEDIA_ONLY_REPLY = (
    "Sorry, I can't read pictures or attachments. Please type the code printed on your IRS notice "
    "(like CP504 or LT11) instead."
)
MEDIA_NOTE = "Note: I can't read pictures or attachments, only the text of your message."


class Keyword(enum.Enum):
    """What a keyword asks for."""

    STOP = "stop"
    START = "start"
    HELP = "help"


@dataclass(frozen=True)
class KeywordMatch:
    """A message that is a keyword: its kind and the word as normalised (upper case)."""

    kind: Keyword
    word: str

    @property
    def is_answer_word(self) -> bool:
        """True for words that are also ordinary answers (``YES``)."""
        return self.word in ANSWER_WORDS


def match_keyword(text: Optional[str]) -> Optional[KeywordMatch]:
    """The keyword ``text`` consists of, or None."""
    word = (text or "").strip().rstrip(".!").strip().upper()
    if len(word) > LONGEST_WORD:
        return None
    for kind, words in ((Keyword.STOP, STOP_WORDS), (Keyword.START, START_WORDS), (Keyword.HELP, HELP_WORDS)):
        if word in words:
            return KeywordMatch(kind, word)
    return None


def stop_reply(firm_name: str) -> str:
    """The one confirmation sent after an opt-out."""
    return f"You're unsubscribed from {firm_name} messages. Reply START to resubscribe."


def start_reply(firm_name: str) -> str:
    """The confirmation of an opt-in."""
    return (f"You're subscribed to {firm_name} messages again. Reply HELP for help, "
            "STOP to unsubscribe.")


def help_reply(firm_name: str, phone: Optional[str] = None, email: Optional[str] = None,
               website: Optional[str] = None) -> str:
    """The answer to HELP: who we are, how to reach a person, and how to opt out."""
    contacts = [item for item in (f"call {phone}" if phone else "", f"e-mail {email}" if email else "",
                                  website or "") if item]
    reach = f" To reach us, {', '.join(contacts)}." if contacts else ""
    return (f"{firm_name}: general information about IRS notices, not tax or legal advice.{reach} "
            "Reply STOP to unsubscribe.")
