import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import ConfigError
from tests.paths import ROOT

CLEAN_ENV = {k: v for k, v in os.environ.items() if k not in {
    "BOT_TOKEN", "ADMIN_IDS", "DATABASE_PATH", "TELEGRAM_API_URL", "FEEDS_FILE",
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
