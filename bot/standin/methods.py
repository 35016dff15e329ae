"""The Bot API method table (case-insensitive names) and the non-message methods."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import Any

from bot.standin import errors, messages
from bot.standin.errors import ApiError, bad_request, empty_param
from bot.standin.params import Params
from bot.standin.state import BOT_ME, StandInState

Handler = Callable[[StandInState, Params], Any | Awaitable[Any]]

# Update types Telegram leaves out unless asked for explicitly.
NOT_DEFAULT_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
COMMAND_RE = re.compile(r"^[a-z0-9_]{1,32}$")


def _true(state: StandInState, params: Params) -> bool:
    return True


def get_me(state: StandInState, params: Params) -> dict[str, Any]:
    return dict(BOT_ME)


def _allowed(state: StandInState, update: dict[str, Any]) -> bool:
    kind = next((k for k in update if k != "update_id"), "")
    if state.allowed_updates:
        return kind in state.allowed_updates
    return kind not in NOT_DEFAULT_UPDATES


async def get_updates(state: StandInState, params: Params) -> list[dict[str, Any]]:
    """Long polling: confirms updates below `offset`, waits up to `timeout` s for at least one."""
    if state.webhook is not None:
        raise ApiError(409, errors.WEBHOOK_CONFLICT)
    offset = params.int_or_none("offset") or 0
    limit = min(100, max(1, params.int_or_none("limit") or 100))
    timeout = max(0, params.int_or_none("timeout") or 0)
    allowed = params.json("allowed_updates")
    if isinstance(allowed, list):
        state.allowed_updates = [str(a) for a in allowed] or None
    if offset > 0:
        state.updates[:] = [u for u in state.updates if u["update_id"] >= offset]
    elif offset < 0:
        state.updates[:] = state.updates[offset:]
    state.poll_generation += 1
    generation = state.poll_generation
    state.changed()  # a long poll in progress ends at once with 409, as Telegram's does

    def probe() -> list[dict[str, Any]] | None:
        if state.poll_generation != generation:
            raise ApiError(409, errors.GET_UPDATES_CONFLICT)
        state.updates[:] = [u for u in state.updates if _allowed(state, u)]
        if state.updates:
            return state.updates[:limit]
        return [] if state.closing else None

    return await state.signal.wait_for(probe, float(timeout)) or []


def set_webhook(state: StandInState, params: Params) -> bool:
    url = params.str_or_none("url")
    if not url:
        return delete_webhook(state, params)
    state.webhook = {"url": url}
    allowed = params.json("allowed_updates")
    if isinstance(allowed, list):
        state.allowed_updates = [str(a) for a in allowed] or None
    if params.bool("drop_pending_updates"):
        state.updates.clear()
    return True


def delete_webhook(state: StandInState, params: Params) -> bool:
    state.webhook = None
    if params.bool("drop_pending_updates"):
        state.updates.clear()
    return True


def get_webhook_info(state: StandInState, params: Params) -> dict[str, Any]:
    info: dict[str, Any] = {
        "url": (state.webhook or {}).get("url", ""),
        "has_custom_certificate": False,
        "pending_update_count": len(state.updates),
    }
    if state.allowed_updates:
        info["allowed_updates"] = list(state.allowed_updates)
    return info


def answer_callback_query(state: StandInState, params: Params) -> bool:
    query_id = params.str_or_none("callback_query_id")
    if not query_id:
        raise empty_param("callback_query_id")
    query = state.callback_queries.get(query_id)
    if query is None or query.answered:
        raise bad_request(errors.QUERY_TOO_OLD)
    query.answered = True
    query.answered_at = time.monotonic()
    query.answer = {
        "callback_query_id": query_id,
        "text": params.str_or_none("text"),
        "show_alert": params.bool("show_alert"),
        "url": params.str_or_none("url"),
        "cache_time": params.int_or_none("cache_time") or 0,
    }
    state.changed()
    return True


def _commands_key(params: Params) -> str:
    scope = params.json("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True) + "|" + (params.str_or_none("language_code") or "")


def set_my_commands(state: StandInState, params: Params) -> bool:
    commands = params.json("commands")
    if not isinstance(commands, list):
        raise empty_param("commands")
    for command in commands:
        if not isinstance(command, dict) or not COMMAND_RE.match(str(command.get("command", ""))):
            raise bad_request(errors.BOT_COMMAND_INVALID)
        if not 1 <= len(str(command.get("description", ""))) <= 256:
            raise bad_request("Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
    state.commands[_commands_key(params)] = [
        {"command": c["command"], "description": c["description"]} for c in commands
    ]
    return True


def get_my_commands(state: StandInState, params: Params) -> list[dict[str, Any]]:
    return list(state.commands.get(_commands_key(params), []))


def delete_my_commands(state: StandInState, params: Params) -> bool:
    state.commands.pop(_commands_key(params), None)
    return True


def _description_setter(kind: str, limit: int) -> Handler:
    def setter(state: StandInState, params: Params) -> bool:
        text = params.str_or_none(kind) or ""
        if len(text) > limit:
            raise bad_request(f"Bad Request: {kind.upper()}_INVALID")
        state.descriptions[kind, params.str_or_none("language_code") or ""] = text
        return True

    return setter


def _description_getter(kind: str) -> Handler:
    def getter(state: StandInState, params: Params) -> dict[str, Any]:
        return {kind: state.descriptions.get((kind, params.str_or_none("language_code") or ""), "")}

    return getter


def send_chat_action(state: StandInState, params: Params) -> bool:
    chat = messages.writable_chat(state, params)
    action = params.str_or_none("action")
    if not action:
        raise empty_param("action")
    chat.actions.append(action)
    return True


def set_chat_menu_button(state: StandInState, params: Params) -> bool:
    button = params.json("menu_button") or {"type": "default"}
    if params.has("chat_id"):
        messages.known_chat(state, params).menu_button = button
    else:
        state.default_menu_button = button
    return True


def get_chat_menu_button(state: StandInState, params: Params) -> dict[str, Any]:
    if params.has("chat_id"):
        return messages.known_chat(state, params).menu_button or dict(state.default_menu_button)
    return dict(state.default_menu_button)


def get_file(state: StandInState, params: Params) -> dict[str, Any]:
    file_id = params.str_or_none("file_id") or ""
    stored = state.files.get(file_id.removesuffix("_t"))
    if stored is None:
        raise bad_request(errors.INVALID_FILE_ID)
    return {
        "file_id": file_id,
        "file_unique_id": stored.file_unique_id,
        "file_size": len(stored.data),
        "file_path": stored.file_path,
    }


_TABLE: dict[str, Handler] = {
    "getMe": get_me,
    "getUpdates": get_updates,
    "setWebhook": set_webhook,
    "deleteWebhook": delete_webhook,
    "getWebhookInfo": get_webhook_info,
    "logOut": _true,
    "close": _true,
    "sendMessage": messages.send_message,
    "editMessageText": messages.edit_message_text,
    "editMessageReplyMarkup": messages.edit_message_reply_markup,
    "deleteMessage": messages.delete_message,
    "sendPhoto": messages.send_photo,
    "sendDocument": messages.send_document,
    "sendVideo": messages.send_video,
    "answerCallbackQuery": answer_callback_query,
    "setMyCommands": set_my_commands,
    "getMyCommands": get_my_commands,
    "deleteMyCommands": delete_my_commands,
    "setMyDescription": _description_setter("description", 512),
    "getMyDescription": _description_getter("description"),
    "setMyShortDescription": _description_setter("short_description", 120),
    "getMyShortDescription": _description_getter("short_description"),
    "sendChatAction": send_chat_action,
    "setChatMenuButton": set_chat_menu_button,
    "getChatMenuButton": get_chat_menu_button,
    "getFile": get_file,
}
METHODS: dict[str, tuple[str, Handler]] = {name.lower(): (name, handler) for name, handler in _TABLE.items()}
MESSAGE_CREATING = frozenset({"sendmessage", "sendphoto", "senddocument", "sendvideo"})
MESSAGE_EDITING = frozenset({"editmessagetext", "editmessagereplymarkup"})


def lookup(method: str) -> tuple[str, Handler] | None:
    """(canonical name, handler) for a method name in any letter case."""
    return METHODS.get(method.lower())
