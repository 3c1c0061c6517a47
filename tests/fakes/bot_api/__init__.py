"""A fake Telegram Bot API server. The real PTB Application talks to it over HTTP.

The bot is built as in production and only the base URL changes::

    api = FakeBotAPI()
    await api.start()
    app = (
        ApplicationBuilder()
        .token(api.token)
        .base_url(f"{api.url}/bot")
        .base_file_url(f"{api.url}/file/bot")
        .build()
    )

The same code paths run as in production: PTB's request encoding, its error mapping
(BadRequest / Forbidden / RetryAfter / ChatMigrated), long polling and the handlers. The fake
checks requests the way Telegram does, with the same error texts: HTML parse mode (see
telegram_html.py), length limits measured in UTF-16 units, inline keyboards, "message is not
modified", unknown chats and stale callback queries. So a message Telegram would refuse fails
in the tests too, instead of in production.

It is not a complete Bot API. It covers the methods the bot uses, and any other method gets
404 "Not Found", as Telegram answers for a method it doesn't know.

The parts, by concern:

- ``api``: FakeBotAPI, what tests use: acting as users, failures on demand, what the bot did.
- ``server``: HTTP serving, request parsing and routing to the methods.
- ``protocol``: error answers, uploaded files and how form fields are typed.
- ``users``: the bot, users, chats and members; getMe, getChat, getChatMember(s).
- ``messages``: sending, editing, copying and deleting messages; button answers.
- ``validation``: Telegram's checks on text, captions and keyboards.
- ``files``: photos, getFile and downloads.
- ``commands``: the command menu (setMyCommands, getMyCommands), per scope and language.
- ``profile``: the bot's description and short description (setMy…/getMy…), per language.
- ``updates``: the update queue and long polling (getUpdates).
- ``limits``: injected failures, blocked chats and rate limits (403/429/... on demand).
- ``latency``: a round trip between the bot and Telegram, with jitter.
"""

from .api import FakeBotAPI
from .limits import RateLimit

__all__ = ["FakeBotAPI", "RateLimit"]
