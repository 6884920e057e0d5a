"""Settings of the agent desk (``python -m desk``), read from the environment (pydantic v1 ``BaseSettings``).

Firm, database and notification settings are not repeated here: the desk reuses
:class:`settings.assistant.Settings` for those.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Dict, Optional

from pydantic import AnyHttpUrl, SecretStr, ValidationError, validator

from settings.base import EnvSettings

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ADMIN_PASSWORD_FILE = ROOT / "var" / "desk-admin-password.txt"
ENVIRONMENTS = ("development", "production")
DEFAULT_EXCHANGE = "rasa-events"
DEFAULT_EVENTS_QUEUE = "desk-handoffs"


class SettingsError(RuntimeError):
    """The desk's configuration is missing or wrong; the message names the variable."""


class DeskSettings(EnvSettings):
    """What a deployment of the desk can change (environment variables in capitals)."""

    desk_env: str = "development"
    # The whole deployment's profile (ops.profile: embedded or production); production implies
    # a production desk.
    bot_profile: str = "embedded"
    desk_host: str = "127.0.0.1"
    desk_port: int = 5080
    rasa_url: AnyHttpUrl = "http://127.0.0.1:5005"  # type: ignore[assignment]
    rasa_jwt_secret: SecretStr
    desk_session_hours: float = 12.0
    desk_secure_cookies: Optional[bool] = None  # None: secure in production only
    desk_public_url: Optional[AnyHttpUrl] = None
    # Reverse proxies in front of the desk whose X-Forwarded-For/-Proto headers are trusted.
    desk_proxies_count: int = 0
    # RabbitMQ (Rasa's pika event broker): new handoffs arrive from there instead of by polling.
    rabbitmq_url: Optional[SecretStr] = None
    rabbitmq_exchange: str = DEFAULT_EXCHANGE
    # The same variable as the queue in endpoints.production.yml: Rasa and the desk declare it alike.
    rabbitmq_queue: str = DEFAULT_EVENTS_QUEUE
    # Where development mode writes the generated admin password (var/ is git-ignored).
    desk_admin_password_file: Path = DEFAULT_ADMIN_PASSWORD_FILE

    @validator("desk_env")
    def _known_env(cls, value: str) -> str:
        value = value.strip().lower()
        if value not in ENVIRONMENTS:
            raise ValueError(f"DESK_ENV must be one of {', '.join(ENVIRONMENTS)}")
        return value

    @validator("rasa_jwt_secret")
    def _secret_not_blank(cls, value: SecretStr) -> SecretStr:
        if not value.get_secret_value().strip():
            raise ValueError("RASA_JWT_SECRET is empty")
        return value

    @validator("bot_profile")
    def _lower_profile(cls, value: str) -> str:
        return value.strip().lower() or "embedded"

    @validator("rabbitmq_url")
    def _amqp_url(cls, value: Optional[SecretStr]) -> Optional[SecretStr]:
        if value is None or not value.get_secret_value().strip():
            return None  # an empty RABBITMQ_URL switches the broker off
        if not value.get_secret_value().strip().startswith(("amqp://", "amqps://")):
            raise ValueError("RABBITMQ_URL must start with amqp:// or amqps://")
        return SecretStr(value.get_secret_value().strip())

    @validator("rabbitmq_exchange", "rabbitmq_queue")
    def _name_not_blank(cls, value: str) -> str:
        if not value.strip() or len(value) > 255:
            raise ValueError("must be a non-empty name of at most 255 characters")
        return value.strip()

    @validator("desk_proxies_count")
    def _proxies_not_negative(cls, value: int) -> int:
        if value < 0:
            raise ValueError("DESK_PROXIES_COUNT must be 0 or more")
        return value

    @validator("desk_session_hours")
    def _positive_hours(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("DESK_SESSION_HOURS must be positive")
        return value

    @property
    def production(self) -> bool:
        """True when DESK_ENV is production or the deployment runs with BOT_PROFILE=production."""
        return self.desk_env == "production" or self.bot_profile == "production"

    @property
    def secure_cookies(self) -> bool:
        """Whether cookies get the Secure flag: DESK_SECURE_COOKIES, else production or https."""
        if self.desk_secure_cookies is None:
            public = self.desk_public_url
            return self.production or bool(public and public.scheme == "https")
        return self.desk_secure_cookies

    @property
    def broker_configured(self) -> bool:
        """Whether RABBITMQ_URL is set (the desk then consumes Rasa's tracker events)."""
        return self.rabbitmq_url is not None


def load_settings(**overrides: Any) -> DeskSettings:
    """Read the desk settings, turning a validation error into one clear :class:`SettingsError`.

    Raises:
        SettingsError: naming every missing or invalid variable (never a secret's value).
    """
    try:
        return DeskSettings(**overrides)
    except ValidationError as exc:
        raise SettingsError(_describe(exc)) from None


def _describe(exc: ValidationError) -> str:
    problems = []
    for error in exc.errors():
        name = str(error["loc"][0]).upper() if error["loc"] else "desk settings"
        if error["type"] == "value_error.missing":
            hint = "is not set"
            if name == "RASA_JWT_SECRET":
                hint += " (the secret Rasa was started with: --jwt-secret)"
            problems.append(f"{name} {hint}")
        else:
            problems.append(f"{name}: {error['msg']}")
    return "desk settings: " + "; ".join(problems)


@functools.lru_cache(maxsize=1)
def get_desk_settings() -> DeskSettings:
    """The desk settings, read once on first use (never at import time)."""
    return load_settings()


def safe_summary(settings: DeskSettings) -> Dict[str, Any]:
    """Settings worth logging at start-up, without secrets."""
    return {
        "env": settings.desk_env,
        "host": settings.desk_host,
        "port": settings.desk_port,
        "rasa": f"{settings.rasa_url.scheme}://{settings.rasa_url.host}:{settings.rasa_url.port}",
        "secure_cookies": settings.secure_cookies,
        "profile": settings.bot_profile,
        "broker": broker_summary(settings),
        "public_url": str(settings.desk_public_url) if settings.desk_public_url else None,
    }


def broker_summary(settings: DeskSettings) -> Optional[str]:
    """``host:port/exchange -> queue`` of the broker, without user or password (None when off)."""
    if settings.rabbitmq_url is None:
        return None
    from yarl import URL

    url = URL(settings.rabbitmq_url.get_secret_value())
    return f"{url.host}:{url.port}/{settings.rabbitmq_exchange} -> {settings.rabbitmq_queue}"
