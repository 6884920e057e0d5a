"""The carrier keywords every US SMS program must honour (Twilio's default lists, plus their Spanish
equivalents) and their replies in English or Spanish.

A keyword counts only as the whole message: case- and accent-insensitive, surrounding blanks, a
final ``.`` or ``!`` and a leading ``¡`` ignored ("Stop." and "¡Alto!" opt out, "stop sending me
notices" and "alto ahí" do not).

| kind | English | Spanish |
| --- | --- | --- |
| STOP | STOP, STOPALL, UNSUBSCRIBE, CANCEL, END, QUIT | ALTO, PARAR, PARE, CANCELAR, BAJA, DETENER, FIN |
| START | START, UNSTOP, YES (*) | INICIAR, COMENZAR, SI / SÍ (*) |
| HELP | HELP, INFO | AYUDA |

(*) ``YES`` and ``SÍ`` are also ordinary answers: they opt back in only a number that opted out.

A Spanish keyword, or any keyword in a conversation whose language is Spanish, is answered in
Spanish; the Spanish replies use only GSM-7 letters (one SMS segment holds 160 of them).

Usage::

    match = match_keyword(body)
    if match and match.kind is Keyword.STOP:
        ...
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Optional

from channels.languages import ENGLISH, SPANISH, fold

STOP_WORDS_EN = frozenset({"STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"})
START_WORDS_EN = frozenset({"START", "YES", "UNSTOP"})
HELP_WORDS_EN = frozenset({"HELP", "INFO"})
# Upper case without accents, as match_keyword compares them ("SÍ" is "SI").
STOP_WORDS_ES = frozenset({"ALTO", "PARAR", "PARE", "CANCELAR", "BAJA", "DETENER", "FIN"})
START_WORDS_ES = frozenset({"INICIAR", "COMENZAR", "SI"})
HELP_WORDS_ES = frozenset({"AYUDA"})
STOP_WORDS = STOP_WORDS_EN | STOP_WORDS_ES
START_WORDS = START_WORDS_EN | START_WORDS_ES
HELP_WORDS = HELP_WORDS_EN | HELP_WORDS_ES
SPANISH_WORDS = STOP_WORDS_ES | START_WORDS_ES | HELP_WORDS_ES
# "YES" / "SÍ" opt back in only a number that has opted out; otherwise they are answers for the bot.
ANSWER_WORDS = frozenset({"YES", "SI"})
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
    """A message that is a keyword: its kind and the word as normalised (upper case, no accents)."""

    kind: Keyword
    word: str

    @property
    def is_answer_word(self) -> bool:
        """True for words that are also ordinary answers (``YES``, ``SI``)."""
        return self.word in ANSWER_WORDS

    @property
    def is_spanish(self) -> bool:
        """True for the Spanish keywords (ALTO, AYUDA, INICIAR, ...)."""
        return self.word in SPANISH_WORDS

    def reply_language(self, conversation: Optional[str] = None) -> str:
        """``es`` when the keyword is Spanish or the conversation is, else ``en``."""
        return SPANISH if self.is_spanish or conversation == SPANISH else ENGLISH


def match_keyword(text: Optional[str]) -> Optional[KeywordMatch]:
    """The keyword ``text`` consists of, or None."""
    word = fold((text or "").strip().rstrip(".!").strip().lstrip("¡").strip())
    if len(word) > LONGEST_WORD:
        return None
    for kind, words in ((Keyword.STOP, STOP_WORDS), (Keyword.START, START_WORDS), (Keyword.HELP, HELP_WORDS)):
        if word in words:
            return KeywordMatch(kind, word)
    return None


def stop_reply(firm_name: str, language: str = ENGLISH) -> str:
    """The one confirmation sent after an opt-out."""
    if language == SPANISH:
        return f"Usted se dio de baja de los mensajes de {firm_name}. Responda INICIAR para suscribirse de nuevo."
    return f"You're unsubscribed from {firm_name} messages. Reply START to resubscribe."


def start_reply(firm_name: str, language: str = ENGLISH) -> str:
    """The confirmation of an opt-in."""
    if language == SPANISH:
        return (
            f"Vuelve a estar suscrito a los mensajes de {firm_name}. Responda AYUDA para obtener ayuda, "
            "ALTO para darse de baja."
        )
    return f"You're subscribed to {firm_name} messages again. Reply HELP for help, STOP to unsubscribe."


def help_reply(
    firm_name: str,
    phone: Optional[str] = None,
    email: Optional[str] = None,
    website: Optional[str] = None,
    language: str = ENGLISH,
) -> str:
    """The answer to HELP: who we are, how to reach a person, and how to opt out."""
    if language == SPANISH:
        contacts = [
            item
            for item in (f"llame al {phone}" if phone else "", f"escriba a {email}" if email else "", website or "")
            if item
        ]
        reach = f" Para hablar con nosotros, {', '.join(contacts)}." if contacts else ""
        return (
            f"{firm_name}: datos generales sobre avisos del IRS; no son consejos legales ni de impuestos."
            f"{reach} Responda ALTO para darse de baja."
        )
    contacts = [
        item for item in (f"call {phone}" if phone else "", f"e-mail {email}" if email else "", website or "") if item
    ]
    reach = f" To reach us, {', '.join(contacts)}." if contacts else ""
    return (
        f"{firm_name}: general information about IRS notices, not tax or legal advice.{reach} "
        "Reply STOP to unsubscribe."
    )
