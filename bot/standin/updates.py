"""What users do, as Update payloads (messages, edits, taps, blocking); shared by ChatUser and control."""

from __future__ import annotations

import itertools
from typing import Any

from bot.standin.html_entities import utf16_len
from bot.standin.state import BOT_USER, CallbackQueryState, ChatState, StandInState, StoredMessage

_query_ids = itertools.count(1)


def make_user(
    user_id: int,
    first_name: str = "Alex",
    *,
    username: str | None = None,
    last_name: str | None = None,
    language_code: str | None = "en",
) -> dict[str, Any]:
    user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if last_name:
        user["last_name"] = last_name
    if username:
        user["username"] = username
    if language_code:
        user["language_code"] = language_code
    return user


def command_entities(text: str) -> list[dict[str, Any]]:
    if not text.startswith("/"):
        return []
    command = text.split(maxsplit=1)[0] if text.strip() else text
    return [{"offset": 0, "length": utf16_len(command), "type": "bot_command"}]


def user_message(
    state: StandInState, user: dict[str, Any], content: dict[str, Any]
) -> tuple[ChatState, dict[str, Any]]:
    """Stores a message from `user` (content: text/photo/sticker/... fields) and enqueues its update."""
    chat = state.ensure_chat(user)
    message: dict[str, Any] = {
        "message_id": chat.allocate_message_id(),
        "from": dict(user),
        "chat": dict(chat.chat),
        "date": state.unix_now(),
        **content,
    }
    chat.messages[message["message_id"]] = StoredMessage(message, from_bot=False)
    state.enqueue_update("message", message)
    return chat, message


def text_message(state: StandInState, user: dict[str, Any], text: str) -> dict[str, Any]:
    content: dict[str, Any] = {"text": text}
    entities = command_entities(text)
    if entities:
        content["entities"] = entities
    return user_message(state, user, content)[1]


def edit_user_message(state: StandInState, user: dict[str, Any], message_id: int, text: str) -> dict[str, Any]:
    chat = state.ensure_chat(user)
    stored = chat.messages.get(message_id)
    if stored is None or stored.from_bot or stored.deleted:
        raise AssertionError(f"user {user['id']} has no message {message_id} to edit")
    new = {k: v for k, v in stored.json.items() if k not in ("text", "entities", "edit_date")}
    new["text"] = text
    entities = command_entities(text)
    if entities:
        new["entities"] = entities
    new["edit_date"] = state.unix_now()
    stored.json = new
    stored.edited = True
    state.enqueue_update("edited_message", new)
    return new


def callback_query(state: StandInState, user: dict[str, Any], message: dict[str, Any], data: str) -> str:
    """Enqueues a callback_query update for a tap on `message`; returns the query id."""
    chat = state.ensure_chat(user)
    query_id = f"{user['id']}{next(_query_ids):08d}"
    state.callback_queries[query_id] = CallbackQueryState(
        query_id, user["id"], chat.chat["id"], message["message_id"], data
    )
    payload = {
        "id": query_id,
        "from": dict(user),
        "message": dict(message),
        "chat_instance": str(-(7_000_000_000_000 + chat.chat["id"])),
        "data": data,
    }
    state.enqueue_update("callback_query", payload)
    return query_id


def set_blocked(state: StandInState, user: dict[str, Any], blocked: bool) -> dict[str, Any]:
    """Blocks/unblocks the bot and enqueues the my_chat_member update Telegram sends."""
    chat = state.ensure_chat(user)
    if chat.blocked == blocked:
        return {}
    chat.blocked = blocked
    member = {"user": dict(BOT_USER), "status": "member"}
    kicked = {"user": dict(BOT_USER), "status": "kicked", "until_date": 0}
    payload = {
        "chat": dict(chat.chat),
        "from": dict(user),
        "date": state.unix_now(),
        "old_chat_member": member if blocked else kicked,
        "new_chat_member": kicked if blocked else member,
    }
    state.enqueue_update("my_chat_member", payload)
    return payload
