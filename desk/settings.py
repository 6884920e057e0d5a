"""Settings of the agent desk, read from the environment (pydantic v1 ``BaseSettings``).

Firm, database and notification settings are not repeated here: the desk reuses
:class:`actions.settings.Settings` for those.
"""
from __future__ import annotations

import functools
from pathlib import Path
from typing import Any, Dict, Optional

from pydantic import AnyHttpUrl, BaseSettings, SecretStr, ValidationError, validator

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_ADMIN_PASSWORD_FILE = ROOT / "var" / "desk-admin-password.txt"
ENVIRONMENTS = ("development", "production")


class SettingsError(RuntimeError):
    """The desk's configuration is missing or wrong; the message names the variable."""


class DeskSettings(BaseSettings):
    """What a deployment of the desk can change (environment variables in capitals)."""

    desk_env: str = "development"
    desk_host: str = "127.0.0.1"
    desk_port: int = 5080
    rasa_url: AnyHttpUrl = "http://127.0.0.1:5005"  # type: ignore[assignment]
    rasa_jwt_secret: SecretStr
    desk_session_hours: float = 12.0
    desk_secure_cookies: Optional[bool] = None  # None: secure in production only
    desk_public_url: Optional[AnyHttpUrl] = None
    # Where development mode writes the generated admin password (var/ is git-ignored).
    desk_admin_password_file: Path = DEFAULT_ADMIN_PASSWORD_FILE

    class Config:
        env_file = ".env"
        env_file_encoding = "utf-8"

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

    @validator("desk_session_hours")
    def _positive_hours(cls, value: float) -> float:
        if value <= 0:
            raise ValueError("DESK_SESSION_HOURS must be positive")
        return value

    @property
    def production(self) -> bool:
        """True when DESK_ENV is production."""
        return self.desk_env == "production"

    @property
    def secure_cookies(self) -> bool:
        """Whether cookies get the Secure flag: DESK_SECURE_COOKIES, else production only."""
        if self.desk_secure_cookies is None:
            return self.production
        return self.desk_secure_cookies


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
    return {"env": settings.desk_env, "host": settings.desk_host, "port": settings.desk_port,
            "rasa": f"{settings.rasa_url.scheme}://{settings.rasa_url.host}:{settings.rasa_url.port}",
            "secure_cookies": settings.secure_cookies,
            "public_url": str(settings.desk_public_url) if settings.desk_public_url else None}
