"""Settings of the action server, read from the environment (pydantic v1 BaseSettings)."""
from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import Optional
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseSettings, validator

from actions.knowledge.store import DEFAULT_PATH


class Settings(BaseSettings):
    """What a deployment can change without touching code."""

    firm_name: str = "Milestone Tax Solutions"
    firm_phone: Optional[str] = None
    firm_email: Optional[str] = None
    firm_website: Optional[str] = None
    firm_hours: Optional[str] = None
    firm_timezone: str = "America/New_York"
    knowledge_path: Path = DEFAULT_PATH

    class Config:
        env_file = ".env"
        env_file_encoding = "utf-8"

    @validator("firm_timezone")
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise ValueError(f"FIRM_TIMEZONE {value!r} is not an IANA time zone") from exc
        return value

    def today(self) -> dt.date:
        """Today's date where the firm works (deadlines are counted in days)."""
        return dt.datetime.now(ZoneInfo(self.firm_timezone)).date()


@functools.lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The settings, read once on first use (never at import time)."""
    return Settings()
