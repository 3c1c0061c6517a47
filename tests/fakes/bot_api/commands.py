"""The bot's command menu: setMyCommands and getMyCommands, per scope (a chat's own menu
included: its chat must exist) and language, with Telegram's checks on each command."""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from .protocol import ApiError, JSONDict
from .users import Directory

MAX_COMMANDS = 100

_COMMAND_SCOPES = frozenset(
    [
        "default",
        "all_private_chats",
        "all_group_chats",
        "all_chat_administrators",
        "chat",
        "chat_administrators",
        "chat_member",
    ]
)


class Commands:
    """Command lists by scope. ``commands`` is what tests read: (scope type, language code or
    None) -> the commands set for it."""

    def __init__(self, directory: Directory) -> None:
        self._directory = directory
        self.commands: dict[tuple[str, str | None], list[JSONDict]] = {}
        self._by_scope: dict[str, list[JSONDict]] = {}

    def _scope(self, params: JSONDict) -> tuple[str, str, str | None]:
        """Returns (scope type, canonical scope key, language code or None)."""
        scope = params.get("scope") or {"type": "default"}
        if not isinstance(scope, dict) or scope.get("type") not in _COMMAND_SCOPES:
            raise ApiError(400, "Bad Request: can't parse BotCommandScope JSON object")
        if scope["type"] in {"chat", "chat_administrators", "chat_member"}:
            self._directory.chat(scope)
        if scope["type"] == "chat_member" and not isinstance(scope.get("user_id"), int):
            raise ApiError(400, "Bad Request: user not found")
        language = params.get("language_code") or ""
        if not isinstance(language, str) or (language and not re.fullmatch(r"[a-z]{2}", language)):
            raise ApiError(400, "Bad Request: invalid language code specified")
        key = json.dumps(scope, sort_keys=True) + "|" + language
        return scope["type"], key, language or None

    def menu(self, scope: JSONDict, language: str | None = None) -> list[JSONDict]:
        """The commands set for exactly this scope (``{"type": "chat", "chat_id": 42}``) and
        language, as getMyCommands would answer them; [] if none."""
        key = json.dumps(scope, sort_keys=True) + "|" + (language or "")
        return copy.deepcopy(self._by_scope.get(key, []))

    # ==== Bot API methods ========================================================================

    async def set_my_commands(self, params: JSONDict) -> bool:
        commands = params.get("commands", [])
        if not isinstance(commands, list):
            raise ApiError(400, "Bad Request: can't parse commands JSON object")
        if len(commands) > MAX_COMMANDS:
            raise ApiError(400, "Bad Request: BOT_COMMANDS_TOO_MUCH")
        cleaned = [_check_bot_command(command) for command in commands]
        scope_type, key, language = self._scope(params)
        self._by_scope[key] = cleaned
        self.commands[(scope_type, language)] = copy.deepcopy(cleaned)
        return True

    async def get_my_commands(self, params: JSONDict) -> list[JSONDict]:
        _, key, _ = self._scope(params)
        return copy.deepcopy(self._by_scope.get(key, []))


def _check_bot_command(command: Any) -> JSONDict:
    prefix = "Bad Request: can't parse BotCommand: "
    if not isinstance(command, dict):
        raise ApiError(400, prefix + "expected an Object")
    for key in ("command", "description"):
        if key not in command:
            raise ApiError(400, prefix + f'Can\'t find field "{key}"')
        if not isinstance(command[key], str):
            raise ApiError(400, prefix + f'Field "{key}" must be of type String')
    name, description = command["command"], command["description"]
    if not name:
        raise ApiError(400, "Bad Request: command must be non-empty")
    if len(name) > 32:
        raise ApiError(400, "Bad Request: command is too long")
    if not re.fullmatch(r"[a-z0-9_]+", name):
        raise ApiError(400, "Bad Request: BOT_COMMAND_INVALID")
    if not description.strip():
        raise ApiError(400, "Bad Request: command description must be non-empty")
    if len(description) > 256:
        raise ApiError(400, "Bad Request: command description is too long")
    return {"command": name, "description": description}
