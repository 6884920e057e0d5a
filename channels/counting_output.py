"""An output channel wrapper that counts what a turn sent, so the message guard can tell a turn that
answered from one that said nothing (channels/guard.py)."""

from __future__ import annotations

from typing import Any, List, Optional

from rasa.core.channels.channel import OutputChannel


class CountingOutput:
    """Stands in for the real output channel and counts what is sent through it.

    Not an ``OutputChannel`` subclass: every attribute comes from the real channel, and each
    ``send_*`` method is counted on its way there (Rasa calls ``send_response``; custom code may
    call ``send_text_message`` directly).
    """

    def __init__(self, inner: OutputChannel, failures: Optional[List[str]] = None) -> None:
        self.inner = inner
        self.sent = 0
        # Once Rasa has dropped a failed action, what it says next (e.g. "I couldn't follow
        # that" after a failed session start) is a guess: hold it back for the polite reply.
        self.failures = failures if failures is not None else []

    def name(self) -> str:
        """The real channel's name, so Rasa picks its response variants."""
        return self.inner.name()

    def __getattr__(self, attribute: str) -> Any:
        value = getattr(self.inner, attribute)
        if not (attribute.startswith("send_") and callable(value)):
            return value

        async def counted(*args: Any, **kwargs: Any) -> Any:
            if self.failures:
                return None
            self.sent += 1
            return await value(*args, **kwargs)

        return counted
