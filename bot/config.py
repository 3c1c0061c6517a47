"""Settings, read once from the environment and `.env`, validated before anything starts."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import ConfigError

PROJECT_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_DIR / "templates"
BUNDLED_FEEDS = Path(__file__).resolve().parent / "data" / "feeds.toml"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: str | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    database_path: Path = Path("mujaz.db")
    telegram_api_url: str = "https://api.telegram.org"
    feeds_file: Path = BUNDLED_FEEDS
    default_timezone: str = "Asia/Riyadh"
    ingest_interval_minutes: int = Field(default=10, ge=1, le=24 * 60)
    article_retention_days: int = Field(default=30, ge=1, le=3650)  # older articles are pruned
    templates_dir: Path = TEMPLATES_DIR
    # Delivery pace (bot/delivery/outbox.py); 0 switches a limit off.
    send_rate: float = Field(default=30, ge=0)  # messages a second, all chats together
    chat_send_rate: float = Field(default=1, ge=0)  # messages a second to one private chat
    group_send_rate: float = Field(default=20, ge=0)  # messages a minute to one group/channel
    paid_broadcast_rate: float = Field(default=0, ge=0, le=1000)  # > 0: paid broadcasts
    # Scheduled digests (issue 15): a run may start up to this many minutes before the
    # chosen time, so a big one centres on it; > 0: digests go paid, up to this rate.
    digest_lead_minutes: int = Field(default=0, ge=0, le=180)
    paid_digest_rate: float = Field(default=0, ge=0, le=1000)
    # A chat sending more commands than this in FLOOD_SECONDS is told to slow down (bot/flood.py).
    flood_commands: int = Field(default=10, ge=1, le=1000)
    flood_seconds: float = Field(default=10, gt=0, le=3600)
    # The sender lease (bot/lease.py): renewed this often; tests shorten it.
    lease_heartbeat_seconds: float = Field(default=15, gt=0, le=60)
    # Feeds and article pages on loopback/private/link-local addresses (tests, intranets).
    allow_private_feeds: bool = False

    @field_validator("admin_ids", mode="before")
    @classmethod
    def _parse_admin_ids(cls, value: object) -> object:
        if isinstance(value, str):
            parts = [p.strip() for p in value.split(",") if p.strip()]
            bad = [p for p in parts if not p.lstrip("-").isdigit()]
            if bad:
                raise ValueError(f"not a Telegram user id: {', '.join(bad)}")
            return frozenset(int(p) for p in parts)
        return value

    @field_validator("default_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. Asia/Riyadh)") from None
        return value

    @field_validator("telegram_api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http(s) URL, got {value!r}")
        return value.rstrip("/")


def load_settings(**overrides: object) -> Settings:
    """Settings from env and `.env`; ConfigError with one readable line when they are wrong."""
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        first = exc.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        message = str(first["msg"]).removeprefix("Value error, ")
        raise ConfigError(f"{name}: {message}") from None
    _check_database_path(settings.database_path)
    return settings


def _check_database_path(path: Path) -> None:
    parent = path.resolve().parent
    try:
        parent.mkdir(mode=0o700, parents=True, exist_ok=True)  # readers' ids live there
    except OSError as exc:
        raise ConfigError(f"DATABASE_PATH: cannot create folder {parent}: {exc.strerror}") from None
    target = path if path.exists() else parent
    if path.exists() and path.is_dir():
        raise ConfigError(f"DATABASE_PATH: {path} is a folder, not a file")
    if not os.access(target, os.W_OK):
        raise ConfigError(f"DATABASE_PATH: {target} is not writable")
