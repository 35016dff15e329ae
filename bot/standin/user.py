"""`ChatUser`: the test-side user in a private chat with the bot, driving an in-process `BotApiStandIn`."""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, NamedTuple

from bot.standin import updates
from bot.standin.state import ChatEvent, ChatState, EventKind, StandInState, StoredFile, StoredMessage

if TYPE_CHECKING:
    from bot.standin.server import BotApiStandIn

_file_counter = itertools.count(1)


class Button(NamedTuple):
    """An inline button: its label and its callback_data (or url for link buttons)."""

    text: str
    value: str


@dataclass(frozen=True)
class BotMessage:
    """A snapshot of one bot message as the user sees it."""

    message_id: int
    text: str | None
    buttons: list[list[Button]]
    raw: dict[str, Any]
    edited: bool = False
    deleted: bool = False
    event: EventKind | None = None
    reply_keyboard: list[list[str]] | None = None

    @property
    def button_labels(self) -> list[str]:
        return [button.text for row in self.buttons for button in row]

    @property
    def photo(self) -> list[dict[str, Any]] | None:
        photo: list[dict[str, Any]] | None = self.raw.get("photo")
        return photo

    @property
    def document(self) -> dict[str, Any] | None:
        document: dict[str, Any] | None = self.raw.get("document")
        return document

    @property
    def caption(self) -> str | None:
        caption: str | None = self.raw.get("caption")
        return caption

    def describe(self) -> str:
        labels = " ".join(f"[{label}]" for label in self.button_labels) or "(no buttons)"
        return f"message {self.message_id} {self.text!r}: {labels}"


def _view(
    message: dict[str, Any], *, stored: StoredMessage | None = None, event: EventKind | None = None
) -> BotMessage:
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    buttons = [
        [Button(str(b.get("text", "")), str(b.get("callback_data", b.get("url", "")))) for b in row] for row in rows
    ]
    keyboard = None
    if stored is not None and stored.reply_keyboard and "keyboard" in stored.reply_keyboard:
        keyboard = [
            [b if isinstance(b, str) else str(b.get("text", "")) for b in row]
            for row in stored.reply_keyboard["keyboard"]
        ]
    return BotMessage(
        message_id=int(message["message_id"]),
        text=message.get("text", message.get("caption")),
        buttons=buttons,
        raw=message,
        edited="edit_date" in message,
        deleted=bool(stored and stored.deleted) or event == "deleted",
        event=event,
        reply_keyboard=keyboard,
    )


@dataclass(frozen=True)
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None


class ChatUser:
    """A user in a private chat with the bot. Everything they do becomes a real Update JSON."""

    def __init__(
        self,
        standin: BotApiStandIn,
        user_id: int,
        first_name: str = "Alex",
        *,
        username: str | None = None,
        last_name: str | None = None,
        language_code: str | None = "en",
    ) -> None:
        self.standin = standin
        self.user = updates.make_user(
            user_id, first_name, username=username, last_name=last_name, language_code=language_code
        )
        self.user_id = user_id
        self._cursor = 0
        self._query_ids: list[str] = []

    @property
    def chat_id(self) -> int:
        return self.user_id

    @property
    def _state(self) -> StandInState:
        return self.standin.state

    @property
    def chat(self) -> ChatState:
        """The chat as the stand-in keeps it (created when first used)."""
        chat: ChatState = self._state.ensure_chat(self.user)
        return chat

    # ----- acting ----------------------------------------------------------------------------
    async def send(self, text: str) -> dict[str, Any]:
        """Sends a text message (commands get a bot_command entity); returns the Message dict."""
        return updates.text_message(self._state, self.user, text)

    async def send_text(self, text: str) -> dict[str, Any]:
        return await self.send(text)

    def _file_fields(self, kind: str) -> dict[str, str]:
        unique = hashlib.sha256(f"{kind}{self.user_id}{next(_file_counter)}".encode()).hexdigest()[:16]
        fields = {"file_id": f"USR{kind}{unique}", "file_unique_id": f"UU{unique}"}
        # Like Telegram, the stand-in knows the files users send: the bot may send them on by file id.
        mime = {"photo": "image/jpeg", "video": "video/mp4"}.get(kind)
        self._state.files[fields["file_id"]] = StoredFile(fields["file_id"], fields["file_unique_id"], b"", kind, mime)
        return fields

    async def send_sticker(self, emoji: str = "👍") -> dict[str, Any]:
        sticker = {
            **self._file_fields("sticker"),
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "file_size": 20480,
        }
        return updates.user_message(self._state, self.user, {"sticker": sticker})[1]

    async def send_photo(self, caption: str | None = None, *, width: int = 1280, height: int = 960) -> dict[str, Any]:
        fields = self._file_fields("photo")
        photo = [{**fields, "width": width, "height": height, "file_size": width * height // 10}]
        content: dict[str, Any] = {"photo": photo}
        if caption:
            content["caption"] = caption
        return updates.user_message(self._state, self.user, content)[1]

    async def send_video(self, caption: str | None = None, *, duration: int = 20) -> dict[str, Any]:
        video = {**self._file_fields("video"), "width": 1280, "height": 720, "duration": duration}
        content: dict[str, Any] = {"video": video}
        if caption:
            content["caption"] = caption
        return updates.user_message(self._state, self.user, content)[1]

    async def send_voice(self, duration: int = 3) -> dict[str, Any]:
        voice = {
            **self._file_fields("voice"),
            "duration": duration,
            "mime_type": "audio/ogg",
            "file_size": 4000,
        }
        return updates.user_message(self._state, self.user, {"voice": voice})[1]

    async def edit_message(self, message_id: int, new_text: str) -> dict[str, Any]:
        """Edits one of this user's own messages (an edited_message update)."""
        return updates.edit_user_message(self._state, self.user, message_id, new_text)

    async def block(self) -> None:
        """Blocks the bot: sends to this chat get 403 and the bot gets my_chat_member "kicked"."""
        updates.set_blocked(self._state, self.user, True)

    async def unblock(self) -> None:
        updates.set_blocked(self._state, self.user, False)

    async def tap(self, label: str, *, message: BotMessage | dict[str, Any] | int | None = None) -> str:
        """Taps the inline button labelled `label` on the newest bot message that has it (exact text
        first, else a unique case-insensitive substring), or on `message`. Returns the query id."""
        candidates = self._tap_candidates(message)
        target: tuple[BotMessage, dict[str, Any]] | None = None
        for view in candidates:
            exact = [
                b
                for row in view.raw.get("reply_markup", {}).get("inline_keyboard", [])
                for b in row
                if b.get("text") == label
            ]
            if exact:
                target = (view, exact[0])
                break
        if target is None:
            needle = label.casefold()
            for view in candidates:
                found = [
                    b
                    for row in view.raw.get("reply_markup", {}).get("inline_keyboard", [])
                    for b in row
                    if needle in str(b.get("text", "")).casefold()
                ]
                if len(found) > 1:
                    names = ", ".join(repr(b.get("text")) for b in found)
                    raise AssertionError(f"button {label!r} is ambiguous in message {view.message_id}: {names}")
                if found:
                    target = (view, found[0])
                    break
        if target is None:
            visible = "\n  ".join(v.describe() for v in candidates) or "(no bot messages with buttons)"
            raise AssertionError(f"no button {label!r}; visible buttons:\n  {visible}")
        view, button = target
        if "callback_data" not in button:
            raise AssertionError(f"button {label!r} is not a callback button: {button}")
        return await self.tap_data(view.message_id, str(button["callback_data"]))

    def _tap_candidates(self, message: BotMessage | dict[str, Any] | int | None) -> list[BotMessage]:
        if message is None:
            return [m for m in reversed(self.messages) if not m.deleted and m.buttons]
        message_id = (
            message.message_id
            if isinstance(message, BotMessage)
            else int(message["message_id"])
            if isinstance(message, dict)
            else message
        )
        stored = self.chat.messages.get(message_id)
        if stored is None or not stored.from_bot:
            raise AssertionError(f"no bot message {message_id} in chat {self.chat_id}")
        return [_view(stored.json, stored=stored)]

    async def tap_data(self, message_id: int, data: str) -> str:
        """A callback_query with any data on any message id (for forged or stale taps)."""
        stored = self.chat.messages.get(message_id)
        message = (
            stored.json if stored is not None else {"message_id": message_id, "date": 0, "chat": dict(self.chat.chat)}
        )
        query_id = updates.callback_query(self._state, self.user, message, data)
        self._query_ids.append(query_id)
        return query_id

    # ----- reading ---------------------------------------------------------------------------
    @property
    def messages(self) -> list[BotMessage]:
        """The bot's messages in this chat, oldest first, as they are now (deleted ones flagged)."""
        chat: ChatState | None = self._state.chats.get(self.chat_id)
        if chat is None:
            return []
        return [_view(m.json, stored=m) for _, m in sorted(chat.messages.items()) if m.from_bot]

    @property
    def last_message(self) -> BotMessage:
        """The newest undeleted bot message; AssertionError if there is none."""
        alive = [m for m in self.messages if not m.deleted]
        if not alive:
            raise AssertionError(f"the bot has sent no message to chat {self.chat_id}")
        return alive[-1]

    @property
    def events(self) -> list[ChatEvent]:
        chat: ChatState | None = self._state.chats.get(self.chat_id)
        return list(chat.events) if chat else []

    def skip_to_end(self) -> None:
        """Moves the read cursor past every event so far."""
        self._cursor = len(self.events)

    async def wait_for(self, predicate: Callable[[ChatEvent], bool], timeout: float = 5.0) -> ChatEvent:  # noqa: ASYNC109
        """The first event after the cursor matching `predicate`; the cursor moves past it."""

        def probe() -> ChatEvent | None:
            events = self.events
            for event in events[self._cursor :]:
                if predicate(event):
                    self._cursor = event.index + 1
                    return event
            return None

        found: ChatEvent | None = await self._state.signal.wait_for(probe, timeout)
        if found is None:
            recent = ", ".join(f"{e.kind} {e.message_id}" for e in self.events[-5:]) or "none"
            raise AssertionError(
                f"no matching bot event in chat {self.chat_id} within {timeout}s (recent events: {recent})"
            )
        return found

    async def next_message(self, timeout: float = 5.0) -> BotMessage:  # noqa: ASYNC109
        """The next message the bot sends or edits in this chat after the last one read."""
        event = await self.wait_for(lambda e: e.kind in ("sent", "edited"), timeout)
        stored = self.chat.messages.get(event.message_id)
        view = _view(event.message, event=event.kind)
        if stored is not None and stored.reply_keyboard:
            view = _view(event.message, stored=stored, event=event.kind)
        return view

    @property
    def answers(self) -> list[CallbackAnswer]:
        """answerCallbackQuery calls for this user's queries, in tap order."""
        out = []
        for query_id in self._query_ids:
            query = self._state.callback_queries.get(query_id)
            if query is not None and query.answer is not None:
                out.append(_answer(query.answer))
        return out

    async def answer_to(self, callback_query_id: str, timeout: float = 5.0) -> CallbackAnswer:  # noqa: ASYNC109
        def probe() -> CallbackAnswer | None:
            query = self._state.callback_queries.get(callback_query_id)
            return _answer(query.answer) if query is not None and query.answer is not None else None

        found: CallbackAnswer | None = await self._state.signal.wait_for(probe, timeout)
        if found is None:
            raise AssertionError(f"callback query {callback_query_id} was not answered within {timeout}s")
        return found


def _answer(answer: dict[str, Any]) -> CallbackAnswer:
    return CallbackAnswer(
        answer["callback_query_id"], answer.get("text"), bool(answer.get("show_alert")), answer.get("url")
    )
