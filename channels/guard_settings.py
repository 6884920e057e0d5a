"""Settings of the message guard (channels/guard.py), read from the environment or ``.env``.

Separate from ``settings.assistant`` because the Rasa server reads these, the action server never.

| variable | default | meaning |
| --- | --- | --- |
| ``MAX_MESSAGE_CHARS`` | 2000 | longer texts get a polite "too long" reply and never reach Rasa |
| ``REST_MAX_BODY_BYTES`` | 65536 | larger REST request bodies are refused with 413 |
| ``RATE_LIMIT_MESSAGES`` | 20 | messages per sender and channel per window (0: no limit) |
| ``RATE_LIMIT_WINDOW_S`` | 60 | the window, in seconds |
| ``RATE_LIMIT_REDIS_URL`` | unset | share the counts between replicas in Redis (``redis://host:6379/0``) |
| ``RATE_LIMIT_REDIS_PREFIX`` | ``tax-assistant:ratelimit:`` | prefix of the Redis keys |
| ``GUARD_CHANNEL_INTENTS`` | ``greet,request_human`` | bare ``/intent`` payloads the widget sends itself |
| ``ADDRESS_MESSAGES_PER_MINUTE`` | 60 | messages per client address per minute, all senders together (0: no limit) |
| ``ADDRESS_NEW_CONVERSATIONS`` | 6 | new conversations per client address per ``NEW_CONVERSATION_WINDOW_S`` |
| ``GLOBAL_NEW_CONVERSATIONS`` | 300 | new conversations from all addresses per window (0: no limit) |
| ``NEW_CONVERSATION_WINDOW_S`` | 600 | the window of the two limits above |
| ``TRUSTED_PROXIES`` | unset | proxies whose ``X-Forwarded-For`` is believed (addresses or networks) |
| ``REST_TOKEN`` | unset | bearer token the REST channel requires; in production the channel is off without it |
| ``BOT_PROFILE`` | ``embedded`` | ``production`` switches the REST channel off unless ``REST_TOKEN`` is set |
"""

from __future__ import annotations

import functools
from typing import FrozenSet, List, Optional

from pydantic import validator

from channels.client_address import Network, parse_networks
from settings.base import EnvSettings


class GuardSettings(EnvSettings):
    """Limits of the message guard."""

    max_message_chars: int = 2000
    # 2,000 emoji sent \u-escaped take 24 KB of JSON: 64 KiB leaves room for metadata.
    rest_max_body_bytes: int = 65536
    rate_limit_messages: int = 20
    rate_limit_window_s: int = 60
    rate_limit_redis_url: Optional[str] = None
    rate_limit_redis_prefix: str = "tax-assistant:ratelimit:"
    # The widget's init payload (/greet) and its "Talk to a tax pro" shortcut (/request_human).
    guard_channel_intents: str = "greet,request_human"
    # Per client address (SMS and Messenger come from Twilio's and Facebook's servers: no address).
    address_messages_per_minute: int = 60
    address_new_conversations: int = 6
    global_new_conversations: int = 300
    new_conversation_window_s: int = 600
    trusted_proxies: str = ""
    rest_token: str = ""
    bot_profile: str = "embedded"

    @validator("max_message_chars", "rest_max_body_bytes", "rate_limit_window_s")
    def _positive(cls, value: int) -> int:
        if value < 1:
            raise ValueError("must be at least 1")
        return value

    @validator(
        "rate_limit_messages",
        "address_messages_per_minute",
        "address_new_conversations",
        "global_new_conversations",
        "new_conversation_window_s",
    )
    def _not_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError("must be 0 (no limit) or more")
        return value

    @validator("rate_limit_redis_url")
    def _empty_is_unset(cls, value: Optional[str]) -> Optional[str]:
        return value.strip() or None if value is not None else None

    @property
    def production(self) -> bool:
        """Whether this is the production profile (``BOT_PROFILE=production``)."""
        return self.bot_profile.strip().lower() == "production"

    @property
    def proxies(self) -> List[Network]:
        """The trusted proxies as networks."""
        return parse_networks(self.trusted_proxies)

    @property
    def channel_intents(self) -> FrozenSet[str]:
        """The intents a bare ``/intent`` payload may name without having been offered as a button."""
        return frozenset(name.strip() for name in self.guard_channel_intents.split(",") if name.strip())


@functools.lru_cache(maxsize=1)
def get_guard_settings() -> GuardSettings:
    """The settings, read once on first use (never at import time)."""
    return GuardSettings()
