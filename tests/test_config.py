import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import Settings, load_settings
from bot.errors import ConfigError
from tests.paths import ROOT

CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in {
    "BOT_TOKEN", "ADMIN_IDS", "DATABASE_PATH", "DATABASE_URL", "TELEGRAM_API_URL", "FEEDS_FILE",
    "DEFAULT_TIMEZONE", "INGEST_INTERVAL_MINUTES", "ALLOW_PRIVATE_FEEDS",
    "ALLOWED_CHATS"}}  # fmt: skip


def mujaz(*args: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        env={**CLEAN_ENV, "PYTHONPATH": str(ROOT), **env},
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.fixture
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    for name in set(os.environ) - set(CLEAN_ENV):
        monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)  # no stray .env
    return tmp_path


def test_defaults(clean_env: Path) -> None:
    settings = load_settings()
    assert settings.bot_token is None
    assert settings.admin_ids == frozenset()
    assert settings.default_timezone == "Asia/Riyadh"
    assert settings.ingest_interval_minutes == 10
    assert settings.telegram_api_url == "https://api.telegram.org"
    assert settings.allow_private_feeds is False  # feeds on private addresses are refused


def test_allowed_chats_take_ids_and_usernames_and_empty_means_open(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert load_settings().allowed_chats is None
    monkeypatch.setenv("ALLOWED_CHATS", " 123, -1001234567890 , @Family_News,")
    allowed = load_settings().allowed_chats
    assert allowed is not None
    assert allowed.ids == {123, -1001234567890} and allowed.usernames == {"family_news"}
    assert allowed.admits(5, ["FAMILY_news"]) and not allowed.admits(5, ["other", None])
    monkeypatch.setenv("ALLOWED_CHATS", " , ")
    assert load_settings().allowed_chats is None


def test_env_file_is_read(clean_env: Path) -> None:
    (clean_env / ".env").write_text("BOT_TOKEN=1:abc\nADMIN_IDS=11, 22\n")
    settings = load_settings()
    assert settings.bot_token == "1:abc"
    assert settings.admin_ids == {11, 22}


@pytest.mark.parametrize(
    ("name", "value", "message"),
    [
        ("ADMIN_IDS", "12,abc", "ADMIN_IDS: not a Telegram user id: abc"),
        ("DEFAULT_TIMEZONE", "Mars/Olympus", "DEFAULT_TIMEZONE: unknown IANA time zone"),
        ("DATABASE_PATH", "/proc/no/such/mujaz.db", "DATABASE_PATH:"),
        ("INGEST_INTERVAL_MINUTES", "often", "INGEST_INTERVAL_MINUTES:"),
        ("TELEGRAM_API_URL", "ftp://x", "TELEGRAM_API_URL:"),
        ("ALLOWED_CHATS", "12, news, @x", "ALLOWED_CHATS: not a chat id or an @username: news, @x"),
    ],
)
def test_bad_setting_is_one_clear_line(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, name: str, value: str, message: str
) -> None:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_database_path_that_is_a_folder(clean_env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DATABASE_PATH", str(clean_env))
    with pytest.raises(ConfigError, match="is a folder"):
        load_settings()


def test_database_under_a_file_cannot_be_created(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (clean_env / "plain").write_text("x")
    monkeypatch.setenv("DATABASE_PATH", str(clean_env / "plain" / "mujaz.db"))
    with pytest.raises(ConfigError, match="cannot create folder"):
        load_settings()


def test_cli_exits_2_on_bad_config(tmp_path: Path) -> None:
    result = mujaz("run", env={"BOT_TOKEN": "1:x", "ADMIN_IDS": "me"}, cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.strip() == "mujaz: ADMIN_IDS: not a Telegram user id: me"


def test_run_without_token_explains_itself(tmp_path: Path) -> None:
    result = mujaz("run", env={}, cwd=tmp_path)
    assert result.returncode != 0
    assert "@BotFather" in result.stderr
    assert ".env" in result.stderr
    assert "mujaz preview" in result.stderr
    assert "Traceback" not in result.stderr


def test_without_database_url_sqlite_at_database_path_is_used(clean_env: Path) -> None:
    settings = load_settings()
    assert settings.database_url is None
    assert settings.backend == "sqlite"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://mujaz:secret@db.example:5432/mujaz",
        "postgres://mujaz@127.0.0.1/mujaz?sslmode=require",
        "postgresql:///mujaz?host=/run/postgresql",
        "postgresql://mujaz@db1:5432,db2:5432/mujaz?target_session_attrs=read-write",
        "postgresql://mujaz@[::1]:5432/mujaz",
    ],
)
def test_a_postgresql_database_url_selects_postgresql(url: str) -> None:
    settings = Settings(database_url=url)
    assert settings.backend == "postgresql"
    assert settings.database_url == url


def test_a_postgresql_database_url_starts_without_touching_a_sqlite_file(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://mujaz:secret@db.example/mujaz")
    assert load_settings().backend == "postgresql"
    assert not (clean_env / "mujaz.db").exists()


def test_sqlite_file_backups_are_refused_with_postgresql(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://mujaz:secret@db.example/mujaz")
    monkeypatch.setenv("BACKUP_DIR", str(clean_env / "backups"))
    with pytest.raises(ConfigError, match=r"^BACKUP_DIR: .*pg_dump") as caught:
        load_settings()
    assert "secret" not in str(caught.value)


def test_database_url_wins_over_database_path(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://mujaz@db.example/mujaz")
    monkeypatch.setenv("DATABASE_PATH", str(clean_env / "mujaz.db"))  # as the image sets it
    settings = load_settings()
    assert settings.backend == "postgresql"
    assert settings.database_url == "postgresql://mujaz@db.example/mujaz"


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("mysql://root:secret@db/mujaz", "not mysql;"),
        ("sqlite:///var/lib/mujaz.db", "not sqlite;"),
        ("mujaz.db", "not this value;"),
        ("postgresql://", "not this value;"),
        ("postgresql://mujaz:secret@db:54x2/mujaz", "the port must be a number"),
        ("postgresql://mujaz:secret@db:99999/mujaz", "the port must be a number"),
        ("postgresql://mujaz:secret@db:0/mujaz", "the port must be a number"),
        ("postgresql://mujaz:secret@[::1/mujaz", "the host is not a name or an address"),
        ("postgresql://mujaz:sec ret@db/mujaz", "no spaces or control characters"),
        ("postgresql://mujaz:secret@db/mujaz\x00", "no spaces or control characters"),
        ("postgresql://mujaz:secret@db/mujaz#x", "no #fragment"),
        ("postgresql://mujaz:secret@db1:5432,db2:x/mujaz", "the port must be a number"),
        ("postgresql://mujaz:secret@[::1]:٥٤٣٢/mujaz", "the port must be a number"),
    ],
)
def test_a_bad_database_url_is_one_line_that_never_shows_the_password(
    clean_env: Path, monkeypatch: pytest.MonkeyPatch, url: str, reason: str
) -> None:
    monkeypatch.setenv("DATABASE_URL", url.replace("\x00", "\x01"))
    with pytest.raises(ConfigError) as caught:
        load_settings()
    message = str(caught.value)
    assert message.startswith("DATABASE_URL: ") and reason in message
    assert "\n" not in message and "secret" not in message and "sec ret" not in message


def test_the_database_url_stays_out_of_the_settings_repr() -> None:
    settings = Settings(database_url="postgresql://mujaz:hunter2@db/mujaz")
    assert "hunter2" not in repr(settings)


def test_an_unreachable_postgresql_stops_the_cli_in_one_line_without_the_password(
    tmp_path: Path,
) -> None:
    result = mujaz(
        "run",
        env={"BOT_TOKEN": "1:x", "DATABASE_URL": "postgresql://mujaz:secret@127.0.0.1:1/mujaz"},
        cwd=tmp_path,
    )
    assert result.returncode == 2
    message = result.stderr.strip()
    assert message.startswith("mujaz: DATABASE_URL: cannot connect")
    assert "\n" not in message and "secret" not in message
    assert not (tmp_path / "mujaz.db").exists()


@pytest.mark.parametrize("command", [["backup"], ["restore", "x.db"]])
def test_backup_and_restore_point_to_pg_dump_on_postgresql(
    tmp_path: Path, command: list[str]
) -> None:
    result = mujaz(
        *command, env={"DATABASE_URL": "postgresql://mujaz:secret@127.0.0.1:1/m"}, cwd=tmp_path
    )
    assert result.returncode == 2
    assert "pg_dump" in result.stderr and "secret" not in result.stderr
    assert not (tmp_path / "mujaz.db").exists()
