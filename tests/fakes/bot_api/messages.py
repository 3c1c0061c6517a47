"""The Bot API methods that send, edit, copy and delete messages, answer button presses and
show chat actions. Each checks its request in Telegram's order: the chat, then the content,
then whether the chat blocked the bot."""

from __future__ import annotations

import copy
import itertools
import time

from ..telegram_html import FormattedText, utf16_len
from . import validation
from .files import FileStore
from .forums import Forums
from .limits import Limits, now
from .protocol import ApiError, JSONDict
from .users import Chat, Directory

MAX_CALLBACK_ANSWER_LENGTH = 200

NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are "
    "exactly the same as a current content and reply markup of the message"
)
QUERY_INVALID = "Bad Request: query is too old and response timeout expired or query ID is invalid"

_CHAT_ACTIONS = frozenset(
    [
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    ]
)

# Keys the fake keeps on stored messages for tests. They are never sent back over HTTP.
_INTERNAL_MESSAGE_KEYS = frozenset({"html"})


def public(message: JSONDict) -> JSONDict:
    """The message as Telegram would send it: no fake-only keys."""
    return {k: copy.deepcopy(v) for k, v in message.items() if k not in _INTERNAL_MESSAGE_KEYS}


class Messages:
    """What the bot did to messages. ``sent``, ``deleted``, ``callback_answers`` and
    ``chat_actions`` are the lists FakeBotAPI shows to tests."""

    def __init__(
        self, directory: Directory, limits: Limits, files: FileStore, forums: Forums
    ) -> None:
        self._directory = directory
        self._forums = forums
        self._limits = limits
        self._files = files
        self.sent: list[JSONDict] = []
        self.deleted: list[JSONDict] = []
        self.callback_answers: list[JSONDict] = []
        self.chat_actions: list[tuple[int, str]] = []
        # Ids of callback queries a user made that the bot hasn't answered yet.
        self._open_queries: set[str] = set()
        self._query_ids = itertools.count(4_000_000_000_001)

    def open_query(self) -> str:
        """A new callback query id, which answerCallbackQuery then accepts once."""
        query_id = str(next(self._query_ids))
        self._open_queries.add(query_id)
        return query_id

    # ==== Bot API methods ========================================================================

    async def send_message(self, params: JSONDict) -> JSONDict:
        chat = self._directory.chat(params)
        self._forums.check_thread(chat, params)
        formatted = validation.message_text(params)
        preview = validation.link_preview_options(params)
        markup = validation.reply_markup(params)
        self._check_not_blocked(chat)
        message = self._new_message(chat, params, html=validation.html_source(params, "text"))
        message["text"] = formatted.text
        if formatted.entities:
            message["entities"] = formatted.entities
        if preview is not None:
            message["link_preview_options"] = preview
        if markup is not None:
            message["reply_markup"] = markup
        return self._record_sent("sendMessage", params, message)

    async def send_photo(self, params: JSONDict) -> JSONDict:
        chat = self._directory.chat(params)
        self._forums.check_thread(chat, params)
        photo = self._files.input_photo(params)
        caption = validation.caption(params)
        markup = validation.reply_markup(params)
        self._check_not_blocked(chat)
        message = self._new_message(chat, params, html=validation.html_source(params, "caption"))
        message["photo"] = [photo.photo_size()]
        _set_caption(message, caption)
        if markup is not None:
            message["reply_markup"] = markup
        return self._record_sent("sendPhoto", params, message)

    async def send_document(self, params: JSONDict) -> JSONDict:
        """A file as a document (multipart upload or file_id), with an optional caption."""
        chat = self._directory.chat(params)
        document = self._files.input_document(params)
        caption = validation.caption(params)
        markup = validation.reply_markup(params)
        self._check_not_blocked(chat)
        message = self._new_message(chat, params, html=validation.html_source(params, "caption"))
        message["document"] = document
        _set_caption(message, caption)
        if markup is not None:
            message["reply_markup"] = markup
        return self._record_sent("sendDocument", params, message)

    async def copy_message(self, params: JSONDict) -> JSONDict:
        chat = self._directory.chat(params)
        self._forums.check_thread(chat, params)
        source_chat = self._directory.chat(params, "from_chat_id")
        source = source_chat.messages.get(params.get("message_id") or 0)
        if source is None:
            raise ApiError(400, "Bad Request: message to copy not found")
        caption = validation.caption(params) if "caption" in params else None
        markup = validation.reply_markup(params)
        self._check_not_blocked(chat)
        if caption is not None:
            html = validation.html_source(params, "caption")
        else:
            html = source.get("html")
        message = self._new_message(chat, params, html=html)
        for key in ("text", "entities", "photo", "caption", "caption_entities"):
            if key in source:
                message[key] = copy.deepcopy(source[key])
        if caption is not None and "photo" in source:
            _set_caption(message, caption)
        if markup is not None:
            message["reply_markup"] = markup
        self._record_sent("copyMessage", params, message)
        return {"message_id": message["message_id"]}

    async def edit_message_text(self, params: JSONDict) -> JSONDict:
        message = self._message_to_edit(params)
        if "text" not in message:
            raise ApiError(400, "Bad Request: there is no text in the message to edit")
        formatted = validation.message_text(params)
        validation.link_preview_options(params)
        markup = validation.reply_markup(params, inline_only=True)
        if (
            message["text"] == formatted.text
            and message.get("entities", []) == formatted.entities
            and message.get("reply_markup") == markup
        ):
            raise ApiError(400, NOT_MODIFIED)
        message["text"] = formatted.text
        message.pop("entities", None)
        if formatted.entities:
            message["entities"] = formatted.entities
        _set_markup(message, markup)
        message["html"] = validation.html_source(params, "text")
        message["edit_date"] = int(time.time())
        return self._record_sent("editMessageText", params, message)

    async def edit_message_reply_markup(self, params: JSONDict) -> JSONDict:
        message = self._message_to_edit(params)
        markup = validation.reply_markup(params, inline_only=True)
        if message.get("reply_markup") == markup:
            raise ApiError(400, NOT_MODIFIED)
        _set_markup(message, markup)
        message["edit_date"] = int(time.time())
        return self._record_sent("editMessageReplyMarkup", params, message)

    async def delete_message(self, params: JSONDict) -> bool:
        chat = self._directory.chat(params)
        message = chat.messages.pop(params.get("message_id") or 0, None)
        if message is None:
            raise ApiError(400, "Bad Request: message to delete not found")
        self.deleted.append(message)
        return True

    async def answer_callback_query(self, params: JSONDict) -> bool:
        query_id = params.get("callback_query_id")
        if query_id not in self._open_queries:
            raise ApiError(400, QUERY_INVALID)
        if utf16_len(str(params.get("text") or "")) > MAX_CALLBACK_ANSWER_LENGTH:
            raise ApiError(400, "Bad Request: MESSAGE_TOO_LONG")
        self._open_queries.discard(str(query_id))
        self.callback_answers.append(dict(params))
        return True

    async def send_chat_action(self, params: JSONDict) -> bool:
        chat = self._directory.chat(params)
        action = params.get("action")
        if action not in _CHAT_ACTIONS:
            raise ApiError(400, "Bad Request: wrong parameter action in request")
        self._check_not_blocked(chat)
        self.chat_actions.append((chat.id, str(action)))
        return True

    # ==== helpers ================================================================================

    def _check_not_blocked(self, chat: Chat) -> None:
        self._limits.check_not_blocked(chat.id, chat.type)

    def _new_message(self, chat: Chat, params: JSONDict, *, html: str | None) -> JSONDict:
        """A bot message stored in the chat, before its content is set."""
        if "reply_parameters" in params or "reply_to_message_id" in params:
            # The bot never quotes (do_quote=False), so the fake has no replied-to messages to
            # resolve: say so rather than send the message as if it were not a reply.
            raise ApiError(400, "Bad Request: replies are not supported by the fake Bot API")
        message: JSONDict = {
            "message_id": chat.next_message_id(),
            "from": self._directory.bot_user(),
            "chat": chat.as_json(),
            "date": int(time.time()),
            "html": html,
        }
        thread = params.get("message_thread_id")
        if thread is not None:
            message["message_thread_id"] = thread
            message["is_topic_message"] = True
        chat.messages[message["message_id"]] = message
        return message

    def _message_to_edit(self, params: JSONDict) -> JSONDict:
        chat = self._directory.chat(params)
        message_id = params.get("message_id")
        if not message_id:
            raise ApiError(400, "Bad Request: message identifier is not specified")
        message = chat.messages.get(message_id)
        if message is None:
            raise ApiError(400, "Bad Request: message to edit not found")
        if message["from"]["id"] != self._directory.bot_id:
            raise ApiError(400, "Bad Request: message can't be edited")
        return message

    def _record_sent(self, method: str, params: JSONDict, message: JSONDict) -> JSONDict:
        self.sent.append(
            {**copy.deepcopy(message), "method": method, "params": params, "at": now()}
        )
        return public(message)


def _set_caption(message: JSONDict, caption: FormattedText) -> None:
    message.pop("caption", None)
    message.pop("caption_entities", None)
    if caption.text:
        message["caption"] = caption.text
    if caption.entities:
        message["caption_entities"] = caption.entities


def _set_markup(message: JSONDict, markup: JSONDict | None) -> None:
    """Edits without reply_markup remove the keyboard, as on Telegram."""
    if markup is None:
        message.pop("reply_markup", None)
    else:
        message["reply_markup"] = markup
