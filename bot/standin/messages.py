"""Message methods: send (text, photo, document), edit (text, reply markup) and delete."""

from __future__ import annotations

from typing import Any

from bot.standin import errors
from bot.standin.errors import ApiError, bad_request, empty_param
from bot.standin.html_entities import format_text
from bot.standin.markup import split_markup
from bot.standin.media import document_json, photo_sizes, store_file
from bot.standin.params import Params
from bot.standin.state import BOT_USER, ChatState, StandInState, StoredFile, StoredMessage

MAX_TEXT = 4096
MAX_CAPTION = 1024


def known_chat(state: StandInState, params: Params) -> ChatState:
    """The chat named by chat_id; 400 if empty or never seen from a user."""
    if not params.has("chat_id"):
        raise empty_param("chat_id")
    chat = state.chats.get(params.int_or_none("chat_id") or 0)
    if chat is None:
        raise bad_request(errors.CHAT_NOT_FOUND)
    return chat


def writable_chat(state: StandInState, params: Params) -> ChatState:
    """Like known_chat, but 403 if the user blocked the bot."""
    chat = known_chat(state, params)
    if chat.blocked:
        raise ApiError(403, errors.BLOCKED)
    return chat


def _text(params: Params, name: str, entities_name: str) -> tuple[str, list[dict[str, Any]] | None]:
    raw = params.str_or_none(name) or ""
    text, entities = format_text(raw, params.str_or_none("parse_mode"), params.json(entities_name))
    return text, entities


def _message_text(params: Params) -> tuple[str, list[dict[str, Any]] | None]:
    if not (params.str_or_none("text") or "").strip():
        raise bad_request(errors.TEXT_EMPTY)
    text, entities = _text(params, "text", "entities")
    if not text.strip():
        raise bad_request(errors.TEXT_EMPTY)
    if len(text) > MAX_TEXT:
        raise bad_request(errors.TEXT_TOO_LONG)
    return text, entities


def _new_message(state: StandInState, chat: ChatState, params: Params) -> dict[str, Any]:
    message: dict[str, Any] = {
        "message_id": chat.allocate_message_id(),
        "from": dict(BOT_USER),
        "chat": dict(chat.chat),
        "date": state.unix_now(),
    }
    reply = params.json("reply_parameters")
    reply_id = reply.get("message_id") if isinstance(reply, dict) else params.int_or_none("reply_to_message_id")
    original = chat.messages.get(reply_id) if isinstance(reply_id, int) else None
    if original is not None and not original.deleted:
        message["reply_to_message"] = dict(original.json)
    return message


def _deliver(
    state: StandInState, chat: ChatState, message: dict[str, Any], reply_keyboard: dict[str, Any] | None
) -> dict[str, Any]:
    chat.messages[message["message_id"]] = StoredMessage(message, from_bot=True, reply_keyboard=reply_keyboard)
    state.record_event(chat, "sent", message["message_id"], message)
    return message


def send_message(state: StandInState, params: Params) -> dict[str, Any]:
    chat = writable_chat(state, params)
    text, entities = _message_text(params)
    inline, keyboard = split_markup(params.json("reply_markup"))
    message = _new_message(state, chat, params)
    message["text"] = text
    if entities:
        message["entities"] = entities
    if inline is not None:
        message["reply_markup"] = inline
    return _deliver(state, chat, message, keyboard)


def _input_file(state: StandInState, params: Params, field: str) -> StoredFile:
    upload = params.files.get(field)
    value = params.str_or_none(field)
    if upload is None and value and value.startswith("attach://"):
        upload = params.files.get(value.removeprefix("attach://"))
    if upload is not None:
        return store_file(state, upload.data, upload.filename, upload.content_type)
    if not value:
        raise bad_request(f"Bad Request: there is no {field} in the request")
    if value.startswith(("http://", "https://")):
        return store_file(state, b"", value.rsplit("/", 1)[-1] or None, None)
    existing = state.files.get(value.removesuffix("_t"))
    if existing is None:
        raise bad_request(errors.WRONG_FILE_ID)
    return existing


def _media_message(state: StandInState, params: Params, field: str) -> tuple[ChatState, dict[str, Any]]:
    chat = writable_chat(state, params)
    stored = _input_file(state, params, field)
    caption, caption_entities = _text(params, "caption", "caption_entities")
    if len(caption) > MAX_CAPTION:
        raise bad_request(errors.CAPTION_TOO_LONG)
    inline, keyboard = split_markup(params.json("reply_markup"))
    message = _new_message(state, chat, params)
    if field == "photo":
        message[field] = photo_sizes(stored)
    elif field == "video":
        message[field] = {
            **document_json(stored),
            "width": 1280,
            "height": 720,
            "duration": params.int_or_none("duration") or 0,
        }
    else:
        message[field] = document_json(stored)
    if caption:
        message["caption"] = caption
    if caption_entities:
        message["caption_entities"] = caption_entities
    if inline is not None:
        message["reply_markup"] = inline
    return chat, _deliver(state, chat, message, keyboard)


def send_photo(state: StandInState, params: Params) -> dict[str, Any]:
    return _media_message(state, params, "photo")[1]


def send_video(state: StandInState, params: Params) -> dict[str, Any]:
    return _media_message(state, params, "video")[1]


def send_document(state: StandInState, params: Params) -> dict[str, Any]:
    return _media_message(state, params, "document")[1]


def _message_to_edit(state: StandInState, params: Params) -> tuple[ChatState, StoredMessage]:
    if params.has("inline_message_id"):
        raise bad_request(errors.MESSAGE_TO_EDIT_NOT_FOUND)
    chat = writable_chat(state, params)
    if not params.has("message_id"):
        raise empty_param("message_id")
    stored = chat.messages.get(params.require_int("message_id"))
    if stored is None or stored.deleted:
        raise bad_request(errors.MESSAGE_TO_EDIT_NOT_FOUND)
    if not stored.from_bot:
        raise bad_request(errors.MESSAGE_CANT_BE_EDITED)
    return chat, stored


def _apply_edit(state: StandInState, chat: ChatState, stored: StoredMessage, new: dict[str, Any]) -> dict[str, Any]:
    new["edit_date"] = state.unix_now()
    stored.json = new
    stored.edited = True
    state.record_event(chat, "edited", new["message_id"], new)
    return new


def _without(message: dict[str, Any], *keys: str) -> dict[str, Any]:
    return {k: v for k, v in message.items() if k not in (*keys, "edit_date")}


def edit_message_text(state: StandInState, params: Params) -> dict[str, Any]:
    chat, stored = _message_to_edit(state, params)
    if "text" not in stored.json:
        raise bad_request(errors.NO_TEXT_TO_EDIT)
    text, entities = _message_text(params)
    inline, _ = split_markup(params.json("reply_markup"))
    new = _without(stored.json, "text", "entities", "reply_markup")
    new["text"] = text
    if entities:
        new["entities"] = entities
    if inline is not None:
        new["reply_markup"] = inline
    old = _without(stored.json)
    if new == old:
        raise bad_request(errors.MESSAGE_NOT_MODIFIED)
    return _apply_edit(state, chat, stored, new)


def edit_message_reply_markup(state: StandInState, params: Params) -> dict[str, Any]:
    chat, stored = _message_to_edit(state, params)
    inline, _ = split_markup(params.json("reply_markup"))
    new = _without(stored.json, "reply_markup")
    if inline is not None:
        new["reply_markup"] = inline
    if new == _without(stored.json):
        raise bad_request(errors.MESSAGE_NOT_MODIFIED)
    return _apply_edit(state, chat, stored, new)


def delete_message(state: StandInState, params: Params) -> bool:
    chat = known_chat(state, params)
    if not params.has("message_id"):
        raise empty_param("message_id")
    stored = chat.messages.get(params.require_int("message_id"))
    if stored is None or stored.deleted:
        raise bad_request(errors.MESSAGE_TO_DELETE_NOT_FOUND)
    stored.deleted = True
    state.record_event(chat, "deleted", stored.json["message_id"], stored.json)
    return True
