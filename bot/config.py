"""Settings, read once from the environment and `.env`, validated before anything starts."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Annotated, Any, Literal
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.core.access import AllowList, parse_allowed_chats
from bot.errors import ConfigError

PROJECT_DIR = Path(__file__).resolve().parent.parent
TEMPLATES_DIR = PROJECT_DIR / "templates"
BUNDLED_FEEDS = Path(__file__).resolve().parent / "data" / "feeds.toml"
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_OPS_PATHS = ("/healthz", "/metrics")
_POSTGRES_SCHEMES = ("postgresql", "postgres")
# The repositories run on PostgreSQL too (docs/postgres-plan.md, steps 1-3); False makes a
# PostgreSQL DATABASE_URL stop every command at start again.
POSTGRES_SUPPORTED = True


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    bot_token: str | None = None
    admin_ids: Annotated[frozenset[int], NoDecode] = frozenset()
    database_path: Path = Path("mujaz.db")
    # postgresql://… selects PostgreSQL instead of SQLite at DATABASE_PATH (issue 14,
    # docs/postgres-plan.md). It may hold a password: kept out of repr and of error lines.
    database_url: str | None = Field(default=None, repr=False)
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
    # Operations (bot/ops/): /healthz, /metrics and the webhook on one local HTTP server.
    ops_listen: str | None = None  # host:port, e.g. 127.0.0.1:9091; unset: no server
    alert_chat_id: int | None = None  # where alerts go; unset: the first admin
    alert_feed_failures: int = Field(default=5, ge=1, le=1000)  # failures in a row that alert
    webhook_url: str | None = None  # set: Telegram pushes updates there instead of polling
    webhook_secret: str | None = None  # X-Telegram-Bot-Api-Secret-Token, required with the URL
    webhook_path: str | None = None  # the local route; default: WEBHOOK_URL's path
    # A private instance: only these chats (ids, @usernames) are served; None: everyone.
    allowed_chats: Annotated[AllowList | None, NoDecode] = None
    # Logs (bot/logs.py): a level name, and text or JSON lines.
    log_level: str = "INFO"
    log_format: Literal["text", "json"] = "text"
    # A secret from a file (Docker/Kubernetes secrets): read when BOT_TOKEN itself is unset.
    bot_token_file: Path | None = None
    # Scheduled online backups (bot/backups.py): off while BACKUP_DIR is unset.
    backup_dir: Path | None = None
    backup_every_hours: float = Field(default=24, gt=0, le=24 * 365)
    backup_keep: int = Field(default=7, ge=1, le=10_000)

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

    @field_validator("database_url")
    @classmethod
    def _check_database_url(cls, value: str | None) -> str | None:
        return check_database_url(value)

    @property
    def backend(self) -> Literal["sqlite", "postgresql"]:
        """Which database this instance uses: PostgreSQL when DATABASE_URL is set."""
        return "postgresql" if self.database_url else "sqlite"

    @field_validator("ops_listen")
    @classmethod
    def _check_ops_listen(cls, value: str | None) -> str | None:
        if not value:
            return None
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 <= int(port) < 65536:  # 0: any free port
            raise ValueError(f"must be host:port, e.g. 127.0.0.1:9091, got {value!r}")
        return value

    @field_validator("webhook_url")
    @classmethod
    def _check_webhook_url(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith(("https://", "http://")):
            raise ValueError(f"must be the public https URL Telegram posts to, got {value!r}")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _check_webhook_secret(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not _WEBHOOK_SECRET.fullmatch(value):
            raise ValueError("1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("webhook_path")
    @classmethod
    def _check_webhook_path(cls, value: str | None) -> str | None:
        if not value:
            return None
        if not value.startswith("/") or value in _OPS_PATHS:
            raise ValueError("must be a path starting with / other than /healthz and /metrics")
        return value

    @model_validator(mode="before")
    @classmethod
    def _alert_chat_default(cls, data: Any) -> Any:
        """ALERT_CHAT_ID defaults to the first id ADMIN_IDS lists (a set keeps no order)."""
        if isinstance(data, dict) and not data.get("alert_chat_id"):
            admins = data.get("admin_ids")
            first = admins.split(",")[0].strip() if isinstance(admins, str) else ""
            if first.lstrip("-").isdigit():
                data = {**data, "alert_chat_id": int(first)}
            elif isinstance(admins, (set, frozenset, list, tuple)) and admins:
                data = {**data, "alert_chat_id": min(int(a) for a in admins)}
        return data

    @property
    def webhook_route(self) -> str:
        """The local path webhook updates arrive on."""
        if self.webhook_path:
            return self.webhook_path
        path = urlsplit(self.webhook_url or "").path
        return path if path and path != "/" and path not in _OPS_PATHS else "/telegram"

    @field_validator("allowed_chats", mode="before")
    @classmethod
    def _parse_allowed_chats(cls, value: object) -> object:
        return parse_allowed_chats(value) if isinstance(value, str) else value

    @field_validator("default_timezone")
    @classmethod
    def _check_timezone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown IANA time zone {value!r} (e.g. Asia/Riyadh)") from None
        return value

    @field_validator("log_level")
    @classmethod
    def _check_log_level(cls, value: str) -> str:
        from bot.logs import parse_level

        parse_level(value)
        return value.strip().upper()

    @field_validator("log_format", mode="before")
    @classmethod
    def _lower_log_format(cls, value: object) -> object:
        return value.strip().lower() if isinstance(value, str) else value

    @model_validator(mode="after")
    def _token_from_file(self) -> Settings:
        """BOT_TOKEN_FILE: the token is the file's content, surrounding blanks stripped."""
        if self.bot_token_file is None:
            return self
        if self.bot_token:
            raise ValueError("BOT_TOKEN_FILE: set it or BOT_TOKEN, not both")
        try:
            token = self.bot_token_file.read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as exc:
            reason = getattr(exc, "strerror", None) or str(exc)
            raise ValueError(
                f"BOT_TOKEN_FILE: cannot read {self.bot_token_file}: {reason}"
            ) from None
        if not token:
            raise ValueError(f"BOT_TOKEN_FILE: {self.bot_token_file} is empty")
        self.bot_token = token
        return self

    @field_validator("telegram_api_url")
    @classmethod
    def _check_api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError(f"must be an http(s) URL, got {value!r}")
        return value.rstrip("/")


def load_settings(**overrides: object) -> Settings:
    """Settings from env and `.env`; ConfigError with one readable line when they are wrong."""
    try:
        settings = Settings(_secrets_dir=secrets_dirs(), **overrides)  # type: ignore[arg-type, call-arg]
    except ValidationError as exc:
        first = exc.errors()[0]
        message = str(first["msg"]).removeprefix("Value error, ")
        if first["loc"]:
            message = f"{str(first['loc'][0]).upper()}: {message}"
        raise ConfigError(message) from None
    if settings.backend == "postgresql":
        # DATABASE_URL wins over DATABASE_PATH, which is then unused: the container image
        # sets DATABASE_PATH for SQLite on its volume, and an ingest or standby container
        # on PostgreSQL gets DATABASE_URL beside it.
        if not POSTGRES_SUPPORTED:
            raise ConfigError(
                "DATABASE_URL: PostgreSQL is not yet supported by this build;"
                " unset DATABASE_URL to use SQLite at DATABASE_PATH"
            )
        if settings.backup_dir is not None:
            raise ConfigError(
                "BACKUP_DIR: scheduled backups copy the SQLite file; with DATABASE_URL back"
                " PostgreSQL up with pg_dump or your provider's backups"
            )
    else:
        _check_database_path(settings.database_path)
    if settings.webhook_url and not settings.webhook_secret:
        raise ConfigError(
            "WEBHOOK_SECRET: required with WEBHOOK_URL (it proves a post is Telegram's)"
        )
    if settings.webhook_url and not settings.ops_listen:
        raise ConfigError("OPS_LISTEN: required with WEBHOOK_URL (the server the updates reach)")
    return settings


def secrets_dirs() -> list[Path]:
    """Folders of secret files, one file per setting named after it (`bot_token`): systemd's
    credentials (LoadCredential=), then MUJAZ_SECRETS_DIR, then Docker's /run/secrets.
    The environment and `.env` win over a file; missing folders are skipped."""
    found = [
        os.environ.get("CREDENTIALS_DIRECTORY"),
        os.environ.get("MUJAZ_SECRETS_DIR"),
        "/run/secrets",
    ]
    return [Path(d) for d in found if d and Path(d).is_dir()]


def check_database_url(value: str | None) -> str | None:
    """A PostgreSQL URL (libpq's form), or None for SQLite. The reasons never quote the URL,
    which may carry a password."""
    if value is None or not value.strip():
        return None
    value = value.strip()
    scheme, _, rest = value.partition("://")
    if scheme.lower() not in _POSTGRES_SCHEMES or not rest:
        shown = scheme if rest and scheme.isascii() and scheme.isalnum() else "this value"
        raise ValueError(
            f"must be a postgresql://user:password@host:port/database URL, not {shown};"
            " leave it unset to use SQLite at DATABASE_PATH"
        )
    if any(ch.isspace() or not ch.isprintable() for ch in value):
        raise ValueError("a PostgreSQL URL has no spaces or control characters")
    try:
        parts = urlsplit(value)
    except ValueError:  # an unclosed [IPv6 address
        raise ValueError("the host is not a name or an address") from None
    # libpq takes several host:port pairs for failover (host1:5432,host2:5432)
    for host in parts.netloc.rpartition("@")[2].split(","):
        port = host.rpartition("]")[2] if host.startswith("[") else host
        if ":" in port and not _is_port(port.rpartition(":")[2]):
            raise ValueError("the port must be a number from 1 to 65535")
    if parts.fragment:
        raise ValueError("a PostgreSQL URL has no #fragment")
    return value


def _is_port(text: str) -> bool:
    return text.isascii() and text.isdigit() and 1 <= int(text) <= 65535


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
