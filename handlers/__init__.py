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
    access_gate,
    admin,
    broadcast,
    channel_digest,
    chats,
    controls,
    feed_language,
    feed_removal,
    feeds,
    flood_gate,
    follows,
    menu,
    mutes,
    search,
    settings,
    threads,
    timezone_choice,
    topics,
    user,
)
from handlers.addressing import ADDRESSED_ELSEWHERE, ADDRESSED_TO_US
from handlers.callbacks import (
    AddFeed,
    DropBroadcast,
    DropFeed,
    KeepDigest,
    KeepFeed,
    PickZone,
    PublishDigest,
    RemoveFeed,
    SendBroadcast,
    ToggleTopic,
    TopicsDone,
    Unmute,
    pattern,
)
from handlers.errors import on_error

# The command menu and /help, in the order both show it (handlers/menu.py); each command's
# description is `commands.<name>` in templates/, an example for /help `help_example.<name>`.
MENU = (
    "start",
    "topics",
    "digest",
    "mytopics",
    "subscribe",
    "unsubscribe",
    "follow",
    "unfollow",
    "search",
    *("mute", "unmute", "silent", "preview"),  # reader controls (issue 12)
    "languages",
    "time",
    "days",
    "timezone",
    "quiet",
    "digits",
    "items",
    "nothingnew",
    "pause",
    "resume",
    "here",
    "threads",
    "channel",
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
    "removefeed": feed_removal.remove_feed,
}


def register(app: MujazApp, *, admin_ids: frozenset[int]) -> None:
    """Every handler. A flooding chat is held back first (group -1); the others run as tasks
    (block=False), so a reply waiting out its chat's pace holds no update slot: one chat's
    flood never delays another chat's answer."""
    app.add_handler(TypeHandler(Update, access_gate.turn_away), group=-2)  # ALLOWED_CHATS
    app.add_handler(TypeHandler(Update, flood_gate.hold_back), group=-1)
    commands = {
        "start": user.start,
        "help": menu.help_command,
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
        "mute": mutes.mute,
        "unmute": mutes.unmute,
        "silent": controls.set_silent,
        "preview": controls.set_preview,
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
    app.add_handler(CallbackQueryHandler(mutes.on_button, pattern=pattern(Unmute), block=False))
    removal_buttons = pattern(RemoveFeed, KeepFeed)
    app.add_handler(
        CallbackQueryHandler(feed_removal.on_button, pattern=removal_buttons, block=False)
    )
    app.add_handler(
        CallbackQueryHandler(timezone_choice.on_button, pattern=pattern(PickZone), block=False)
    )
    digest_buttons = pattern(PublishDigest, KeepDigest)
    app.add_handler(
        CallbackQueryHandler(channel_digest.on_button, pattern=digest_buttons, block=False)
    )
    app.add_handler(CallbackQueryHandler(user.unknown_button, block=False))
    app.add_handler(ChatMemberHandler(chats.on_membership, ChatMemberHandler.MY_CHAT_MEMBER))
    # Words typed in a private chat get a one-line pointer to /help instead of silence; not an
    # admin's: they write messages to copy with a /broadcast reply.
    free_text = filters.TEXT & ~filters.COMMAND & ~filters.VIA_BOT & filters.ChatType.PRIVATE
    app.add_handler(
        MessageHandler(free_text & new_message & ~is_admin, user.free_text, block=False)
    )
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
