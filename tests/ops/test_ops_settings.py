"""The operations settings: each bad value stops the start with one line naming it."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_settings
from bot.errors import ConfigError

OPS_VARIABLES = (
    "OPS_LISTEN", "ALERT_CHAT_ID", "ADMIN_IDS", "WEBHOOK_URL", "WEBHOOK_SECRET", "WEBHOOK_PATH",
)  # fmt: skip


@pytest.fixture(autouse=True)
def clean(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    for name in OPS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("DATABASE_PATH", str(tmp_path / "mujaz.db"))


def test_alerts_go_to_the_first_admin_listed_unless_alert_chat_id_says_otherwise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("ADMIN_IDS", "900, 12, 5")
    assert load_settings().alert_chat_id == 900
    monkeypatch.setenv("ALERT_CHAT_ID", "-1001234")
    assert load_settings().alert_chat_id == -1001234
    monkeypatch.delenv("ADMIN_IDS")
    monkeypatch.delenv("ALERT_CHAT_ID")
    assert load_settings().alert_chat_id is None


def test_polling_and_no_server_are_the_defaults() -> None:
    settings = load_settings()
    assert settings.ops_listen is None and settings.webhook_url is None


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"OPS_LISTEN": "9091"}, "OPS_LISTEN: must be host:port"),
        ({"OPS_LISTEN": "127.0.0.1:99999"}, "OPS_LISTEN: must be host:port"),
        (
            {"OPS_LISTEN": "127.0.0.1:9091", "WEBHOOK_URL": "https://b.example/hook"},
            "WEBHOOK_SECRET: required with WEBHOOK_URL",
        ),
        (
            {"WEBHOOK_URL": "https://b.example/hook", "WEBHOOK_SECRET": "abc"},
            "OPS_LISTEN: required with WEBHOOK_URL",
        ),
        ({"WEBHOOK_SECRET": "has space"}, "WEBHOOK_SECRET: 1-256 characters"),
        ({"WEBHOOK_SECRET": "x" * 257}, "WEBHOOK_SECRET: 1-256 characters"),
        ({"WEBHOOK_URL": "ftp://b.example/hook"}, "WEBHOOK_URL: must be the public https URL"),
        ({"WEBHOOK_PATH": "/healthz"}, "WEBHOOK_PATH: must be a path"),
    ],
)
def test_a_bad_operations_setting_is_one_line_naming_it(
    monkeypatch: pytest.MonkeyPatch, env: dict[str, str], message: str
) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as caught:
        load_settings()
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_the_webhook_route_is_the_urls_path_unless_webhook_path_is_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("OPS_LISTEN", "127.0.0.1:9091")
    monkeypatch.setenv("WEBHOOK_SECRET", "abc")
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.com/tg/x1")
    assert load_settings().webhook_route == "/tg/x1"
    monkeypatch.setenv("WEBHOOK_URL", "https://bot.example.com")
    assert load_settings().webhook_route == "/telegram"
    monkeypatch.setenv("WEBHOOK_PATH", "/behind-proxy")
    assert load_settings().webhook_route == "/behind-proxy"
