"""Every Telegram handler, registered in one place."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    InlineQueryHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import MujazApp
from handlers import (
    admin,
    broadcast,
    chats,
    feed_language,
    feeds,
    flood_gate,
    follows,
    search,
    settings,
    threads,
    topics,
    user,
)
from handlers.addressing import ADDRESSED_ELSEWHERE, ADDRESSED_TO_US
from handlers.callbacks import (
    AddFeed,
    DropBroadcast,
    DropFeed,
    SendBroadcast,
    ToggleTopic,
    TopicsDone,
    pattern,
)
from handlers.errors import on_error

# The command menu, in the order Telegram shows it; descriptions come from templates.
MENU = (
    "start",
    "topics",
    "digest",
    "mytopics",
    "subscribe",
    "unsubscribe",
    "follow",
    "unfollow",
    "languages",
    "time",
    "days",
    "timezone",
    "quiet",
    "digits",
    "items",
    "pause",
    "resume",
    "help",
)


# Admin commands are registered behind the ADMIN_IDS filter; for anyone else they fall
# through to the unknown-command reply, exactly like a command that does not exist.
ADMIN_COMMANDS = {
    "ingest": admin.ingest,
    "stats": admin.stats,
    "broadcast": broadcast.broadcast,
    "broadcast_cancel": broadcast.cancel,
    "feeds": feeds.feeds,
    "addfeed": feeds.add_feed,
    "removefeed": feeds.remove_feed,
}


def register(app: MujazApp, *, admin_ids: frozenset[int]) -> None:
    """Every handler. A flooding chat is held back first (group -1); the others run as tasks
    (block=False), so a reply waiting out its chat's pace holds no update slot: one chat's
    flood never delays another chat's answer."""
    app.add_handler(TypeHandler(Update, flood_gate.hold_back), group=-1)
    commands = {
        "start": user.start,
        "help": user.help_command,
        "mytopics": user.my_topics,
        "digest": user.digest,
        "topics": topics.topics,
        "subscribe": topics.subscribe,
        "unsubscribe": topics.unsubscribe,
        "time": settings.set_time,
        "days": settings.set_days,
        "quiet": settings.set_quiet,
        "timezone": settings.set_timezone,
        "digits": settings.set_digits,
        "items": settings.set_items,
        "nothingnew": settings.set_notify_empty,
        "languages": settings.set_languages,
        "pause": settings.pause,
        "resume": settings.resume,
        "follow": follows.follow,
        "unfollow": follows.unfollow,
        "here": chats.here,
        "channel": chats.channel,
        "search": search.search,
        "threads": threads.threads,
    }
    # Commands run from new messages only: an edit of an old message into "/removefeed 1"
    # runs nothing, and a channel's own posts are no commands to us.
    new_message = filters.UpdateType.MESSAGE
    for name, callback in commands.items():
        app.add_handler(CommandHandler(name, callback, filters=new_message, block=False))
    is_admin = filters.User(user_id=admin_ids, allow_empty=False)
    for name, callback in ADMIN_COMMANDS.items():
        app.add_handler(CommandHandler(name, callback, filters=new_message & is_admin, block=False))
    topic_buttons = pattern(ToggleTopic, TopicsDone)
    app.add_handler(CallbackQueryHandler(topics.on_button, pattern=topic_buttons, block=False))
    broadcast_buttons = pattern(SendBroadcast, DropBroadcast)
    app.add_handler(
        CallbackQueryHandler(broadcast.on_button, pattern=broadcast_buttons, block=False)
    )
    feed_buttons = pattern(AddFeed, DropFeed)
    app.add_handler(
        CallbackQueryHandler(feed_language.on_button, pattern=feed_buttons, block=False)
    )
    app.add_handler(CallbackQueryHandler(user.unknown_button, block=False))
    app.add_handler(ChatMemberHandler(chats.on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    # Inline mode (@bot words in any chat); Telegram sends these only once it is switched
    # on in @BotFather (/setinline).
    app.add_handler(InlineQueryHandler(search.inline, block=False))
    # An unknown command gets an answer in a private chat; in a group only when it names us
    # (/x@mujaz_bot): there, "/start@otherbot" and other bots' commands are none of ours.
    unknown = filters.COMMAND & new_message & ~ADDRESSED_ELSEWHERE
    app.add_handler(
        MessageHandler(
            unknown & (filters.ChatType.PRIVATE | ADDRESSED_TO_US),
            user.unknown_command,
            block=False,
        )
    )
    app.add_error_handler(on_error)
