"""The token from a file: BOT_TOKEN_FILE (Docker secrets), or a secrets folder with a file
per setting (systemd's LoadCredential=, MUJAZ_SECRETS_DIR, /run/secrets)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import ConfigError
from tests.test_config import clean_env  # noqa: F401 (a fixture)

TOKEN = "7123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsawQ"


def test_bot_token_file_gives_the_token(
    clean_env: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = clean_env / "token"
    secret.write_text(f"{TOKEN}\n")
    monkeypatch.setenv("BOT_TOKEN_FILE", str(secret))
    assert load_settings().bot_token == TOKEN


@pytest.mark.parametrize(
    ("content", "said"),
    [(None, "cannot read"), ("  \n", "is empty")],
)
def test_an_unreadable_or_empty_token_file_is_named(
    clean_env: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    content: str | None,
    said: str,
) -> None:
    secret = clean_env / "token"
    if content is not None:
        secret.write_text(content)
    monkeypatch.setenv("BOT_TOKEN_FILE", str(secret))
    with pytest.raises(ConfigError, match=f"^BOT_TOKEN_FILE: .*{said}"):
        load_settings()


def test_a_token_twice_is_refused(
    clean_env: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    secret = clean_env / "token"
    secret.write_text(TOKEN)
    monkeypatch.setenv("BOT_TOKEN_FILE", str(secret))
    monkeypatch.setenv("BOT_TOKEN", TOKEN)
    with pytest.raises(ConfigError, match="not both"):
        load_settings()


@pytest.mark.parametrize("variable", ["CREDENTIALS_DIRECTORY", "MUJAZ_SECRETS_DIR"])
def test_a_secrets_folder_gives_the_token_and_the_environment_wins(
    clean_env: Path,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
    variable: str,
) -> None:
    folder = clean_env / "credentials"
    folder.mkdir()
    (folder / "bot_token").write_text(f"{TOKEN}\n")
    monkeypatch.setenv(variable, str(folder))
    assert load_settings().bot_token == TOKEN
    monkeypatch.setenv("BOT_TOKEN", "1:from-env")
    assert load_settings().bot_token == "1:from-env"
