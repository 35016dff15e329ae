"""A message to show, as plain data: text (Telegram HTML), inline buttons, and optionally a file."""

from __future__ import annotations

from dataclasses import dataclass, field

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
class OutgoingMessage:
    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    attachment: Attachment | None = None
    silent: bool = False

    @staticmethod
    def rows(*rows: list[Button] | tuple[Button, ...]) -> tuple[tuple[Button, ...], ...]:
        return tuple(tuple(row) for row in rows if row)


def chunk(buttons: list[Button], per_row: int) -> tuple[tuple[Button, ...], ...]:
    return tuple(tuple(buttons[i : i + per_row]) for i in range(0, len(buttons), per_row))


@dataclass
class Reply:
    """What a service wants shown in answer to one update: messages, an edit, a short button answer."""

    messages: list[OutgoingMessage] = field(default_factory=list)
    answer_text: str | None = None
    answer_alert: bool = False
    edit: OutgoingMessage | None = None
