"""What the bot shows, as plain data: a message (text, inline buttons, optionally a file) and a `Reply` (everything
shown in answer to one update). Views build them; `bot.telegram_io.sender.Sender` is the one place that sends them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.callbacks import CallbackData


@dataclass(frozen=True, slots=True)
class Button:
    text: str
    callback: CallbackData | None = None
    url: str | None = None


@dataclass(frozen=True, slots=True)
class Attachment:
    kind: str  # "photo" | "document"
    filename: str
    data: bytes


@dataclass(frozen=True, slots=True)
class Photo:
    """A content picture shown with a message (its text becomes the caption): sent by Telegram file id once it
    has been uploaded (`key` names it in the file-id cache); `location` is a file path or an http(s) URL."""

    key: str
    location: str
    filename: str
    video: bool = False  # a video (a coach's, by Telegram file id)


Rows = tuple[tuple[Button, ...], ...]


@dataclass(frozen=True, slots=True)
class OutgoingMessage:
    text: str
    buttons: Rows = ()
    attachment: Attachment | None = None
    silent: bool = False
    photo: Photo | None = None

    def with_buttons(self, buttons: Rows) -> OutgoingMessage:
        return OutgoingMessage(self.text, buttons, self.attachment, self.silent, self.photo)


@dataclass(frozen=True, slots=True)
class Reply:
    """Everything shown in answer to one update, in this order: a short answer on the tapped button (`toast`,
    always given for a tap, so no spinner hangs), the tapped message replaced by `replace` (or its buttons taken
    off with `clear_buttons`), then the new `messages`."""

    messages: tuple[OutgoingMessage, ...] = ()
    toast: str | None = None
    alert: bool = False
    replace: OutgoingMessage | None = None
    clear_buttons: bool = False

    @staticmethod
    def of(*messages: OutgoingMessage) -> Reply:
        return Reply(messages=messages)


def chunk(buttons: list[Button], per_row: int) -> Rows:
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))
