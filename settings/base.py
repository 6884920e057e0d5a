"""The base of every settings class in the project: one place that says where settings come from."""

from __future__ import annotations

from pydantic import BaseSettings


class EnvSettings(BaseSettings):
    """Settings read from the environment, then from ``.env`` in the working directory (UTF-8).

    Subclasses declare typed fields; pydantic matches them to environment variables by name,
    case-insensitively (``database_url`` reads ``DATABASE_URL``).
    """

    class Config:
        env_file = ".env"
        env_file_encoding = "utf-8"
