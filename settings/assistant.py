"""Settings of the action server, read from the environment (pydantic v1 BaseSettings)."""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from pathlib import Path
from typing import List, Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import AnyHttpUrl, SecretStr, root_validator, validator

from knowledge.loader import DEFAULT_PATH
from settings.base import EnvSettings
from settings.calendar_values import read_days, read_holidays, read_hours

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_DATABASE_URL = f"sqlite:///{ROOT / 'var' / 'cases.db'}"


class Settings(EnvSettings):
    """What a deployment can change without touching code."""

    firm_name: str = "Milestone Tax Solutions"
    firm_phone: Optional[str] = None
    firm_email: Optional[str] = None
    firm_website: Optional[str] = None
    firm_hours: Optional[str] = None
    firm_timezone: str = "America/New_York"
    knowledge_path: Path = DEFAULT_PATH

    # Business hours, for the live handoff: days as three-letter names, hours as HH:MM-HH:MM in
    # FIRM_TIMEZONE, holidays as ISO dates separated by commas.
    business_days: str = "mon,tue,wed,thu,fri"
    business_hours: str = "09:00-18:00"
    business_holidays: str = ""

    # The case store: SQLite by default, PostgreSQL with postgresql+psycopg2://…
    database_url: str = DEFAULT_DATABASE_URL
    case_reference_prefix: str = "MTS"
    # When the store is down at submit time: retry this long (keep it well under ACTION_TIMEOUT_S),
    # then keep the intake in a private spool file until the store is back (no time limit). The
    # default file is per DATABASE_URL, so an intake is only ever replayed into its own store.
    case_store_retry_s: float = 4.0
    case_spool_path: Optional[Path] = None

    # Notifications about new cases.
    handoff_webhook_url: Optional[AnyHttpUrl] = None
    handoff_webhook_secret: Optional[SecretStr] = None
    webhook_timeout_s: float = 10.0
    retry_base_s: float = 5.0
    retry_max_s: float = 3600.0
    smtp_host: Optional[str] = None
    smtp_port: int = 587
    smtp_username: Optional[str] = None
    smtp_password: Optional[SecretStr] = None
    smtp_starttls: bool = True
    smtp_from: Optional[str] = None
    onduty_email: Optional[str] = None

    @validator("firm_timezone")
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"FIRM_TIMEZONE {value!r} is not an IANA time zone") from exc
        return value

    @validator("case_reference_prefix")
    def _short_prefix(cls, value: str) -> str:
        if not value.isalnum() or not 2 <= len(value) <= 6:
            raise ValueError("CASE_REFERENCE_PREFIX must be 2-6 letters or digits")
        return value.upper()

    @validator("business_days")
    def _days_readable(cls, value: str) -> str:
        read_days(value)
        return value

    @validator("business_hours")
    def _hours_readable(cls, value: str) -> str:
        read_hours(value)
        return value

    @validator("business_holidays")
    def _holidays_readable(cls, value: str) -> str:
        read_holidays(value)
        return value

    @root_validator(skip_on_failure=True)
    def _secrets_present(cls, values: dict) -> dict:
        if values.get("handoff_webhook_url") and not values.get("handoff_webhook_secret"):
            raise ValueError("HANDOFF_WEBHOOK_URL is set but HANDOFF_WEBHOOK_SECRET is missing")
        if values.get("smtp_host") and not (values.get("smtp_from") and values.get("onduty_email")):
            raise ValueError("SMTP_HOST is set but SMTP_FROM or ONDUTY_EMAIL is missing")
        return values

    @property
    def notification_kinds(self) -> List[str]:
        """Which notifications a new case sends: webhook and/or email, as configured."""
        kinds = []
        if self.handoff_webhook_url:
            kinds.append("webhook")
        if self.smtp_host:
            kinds.append("email")
        return kinds

    @property
    def spool_path(self) -> Path:
        """The case spool file: CASE_SPOOL_PATH, else ``var/case-spool-<hash of DATABASE_URL>.jsonl``."""
        if self.case_spool_path is not None:
            return self.case_spool_path
        from sqlalchemy.engine import make_url

        # Without the password, so rotating it does not orphan what waits in the spool.
        where = make_url(self.database_url).render_as_string(hide_password=True)
        digest = hashlib.sha256(where.encode("utf-8")).hexdigest()[:10]
        return ROOT / "var" / f"case-spool-{digest}.jsonl"

    def today(self) -> dt.date:
        """Today's date where the firm works (deadlines are counted in days)."""
        return dt.datetime.now(ZoneInfo(self.firm_timezone)).date()


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings, read once on first use (never at import time)."""
    return Settings()
