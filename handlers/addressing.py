"""Whom a command is addressed to: `/cmd@name` names one bot; a bare `/cmd` names none."""

from __future__ import annotations

from telegram import Message, MessageEntity
from telegram.ext import filters


def _addressee(message: Message) -> str | None:
    """The bot a message's leading command names (lower case), or None for a bare command."""
    for entity in message.entities:
        if entity.type == MessageEntity.BOT_COMMAND and entity.offset == 0:
            command = message.parse_entity(entity)
            _, at, name = command.partition("@")
            return name.lower() if at else None
    return None


def _our_name(message: Message) -> str:
    return (message.get_bot().username or "").lower()


class _AddressedToUs(filters.MessageFilter):
    def filter(self, message: Message) -> bool:
        name = _addressee(message)
        return name is not None and name == _our_name(message)


class _AddressedElsewhere(filters.MessageFilter):
    def filter(self, message: Message) -> bool:
        name = _addressee(message)
        return name is not None and name != _our_name(message)


ADDRESSED_TO_US = _AddressedToUs(name="addressed_to_us")
ADDRESSED_ELSEWHERE = _AddressedElsewhere(name="addressed_elsewhere")
