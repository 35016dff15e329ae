"""The stand-in's world: chats, messages, per-chat events, pending updates, files, callback queries."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from bot.standin.notify import Signal

BOT_ID = 7000000001
BOT_USER: dict[str, Any] = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": "Stretchbot",
    "username": "stretchbot_local_bot",
}
BOT_ME: dict[str, Any] = {
    **BOT_USER,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}

EventKind = Literal["sent", "edited", "deleted"]


@dataclass(frozen=True)
class ChatEvent:
    """Something the bot did to a message in a chat; `message` is the JSON snapshot right after it."""

    index: int
    kind: EventKind
    message_id: int
    message: dict[str, Any]
    time: float


@dataclass
class StoredMessage:
    """A message as it is now. `reply_keyboard` keeps non-inline markups, which Telegram does not echo."""

    json: dict[str, Any]
    from_bot: bool
    reply_keyboard: dict[str, Any] | None = None
    edited: bool = False
    deleted: bool = False


@dataclass
class ChatState:
    """A private chat with one user; message ids are shared by both sides, as in Telegram."""

    chat: dict[str, Any]
    user: dict[str, Any]
    blocked: bool = False
    next_message_id: int = 1
    messages: dict[int, StoredMessage] = field(default_factory=dict)
    events: list[ChatEvent] = field(default_factory=list)
    actions: list[str] = field(default_factory=list)
    menu_button: dict[str, Any] | None = None

    def allocate_message_id(self) -> int:
        message_id = self.next_message_id
        self.next_message_id += 1
        return message_id


@dataclass(frozen=True)
class StoredFile:
    file_id: str
    file_unique_id: str
    data: bytes
    filename: str | None
    mime_type: str | None

    @property
    def file_path(self) -> str:
        return f"files/{self.file_unique_id}_{self.filename or 'file'}"


@dataclass
class CallbackQueryState:
    query_id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    answered: bool = False
    answer: dict[str, Any] | None = None
    tapped_at: float = field(default_factory=time.monotonic)  # for the latency of its answer
    answered_at: float | None = None


@dataclass
class StandInState:
    """All mutable state; methods mutate it and call `changed()` so waiters wake up."""

    now: Callable[[], float] = time.time
    chats: dict[int, ChatState] = field(default_factory=dict)
    updates: list[dict[str, Any]] = field(default_factory=list)
    next_update_id: int = 1
    allowed_updates: list[str] | None = None
    webhook: dict[str, Any] | None = None
    files: dict[str, StoredFile] = field(default_factory=dict)
    callback_queries: dict[str, CallbackQueryState] = field(default_factory=dict)
    commands: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # (description or short_description, language code or "") -> text: setMyDescription / setMyShortDescription
    descriptions: dict[tuple[str, str], str] = field(default_factory=dict)
    default_menu_button: dict[str, Any] = field(default_factory=lambda: {"type": "commands"})
    signal: Signal = field(default_factory=Signal)
    closing: bool = False
    poll_generation: int = 0

    def changed(self) -> None:
        self.signal.fire()

    def unix_now(self) -> int:
        return int(self.now())

    def ensure_chat(self, user: dict[str, Any]) -> ChatState:
        """The private chat with `user`, created (= "seen") on first contact."""
        chat = self.chats.get(user["id"])
        if chat is None:
            chat_json = {"id": user["id"], "type": "private", "first_name": user.get("first_name", "")}
            for key in ("last_name", "username"):
                if user.get(key):
                    chat_json[key] = user[key]
            chat = ChatState(chat=chat_json, user=dict(user))
            self.chats[user["id"]] = chat
        return chat

    def enqueue_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.updates.append(update)
        self.changed()
        return update

    def enqueue_raw_update(self, update: dict[str, Any]) -> dict[str, Any]:
        update = dict(update)
        update["update_id"] = self.next_update_id
        self.next_update_id += 1
        self.updates.append(update)
        self.changed()
        return update

    def record_event(self, chat: ChatState, kind: EventKind, message_id: int, message: dict[str, Any]) -> None:
        chat.events.append(ChatEvent(len(chat.events), kind, message_id, dict(message), self.now()))
        self.changed()

    def clear(self) -> None:
        """Forgets all chats, updates, files and queries (keeps identity and the signal)."""
        self.chats.clear()
        self.updates.clear()
        self.files.clear()
        self.callback_queries.clear()
        self.commands.clear()
        self.descriptions.clear()
        self.webhook = None
        self.allowed_updates = None
        self.changed()
