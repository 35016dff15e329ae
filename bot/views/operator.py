"""Rendering what the bot tells its operator (OPERATOR_CHAT_ID): unhandled errors, as kinds and places only."""

from __future__ import annotations

from html import escape
from typing import Literal

from bot.content.loader import Content
from bot.ui.message import OutgoingMessage


def error_alert(
    content: Content, *, count: int, minutes: float, error: str, where: Literal["update", "job"], place: str
) -> OutgoingMessage:
    """`count` errors in the last `minutes`; the latest was `error` (a type name) at `place` (file:line)."""
    texts = content.texts
    return OutgoingMessage(
        texts.render(
            "operator.errors",
            count=str(count),
            minutes=f"{minutes:g}",
            error=escape(error),
            where=texts.render(f"operator.where_{where}"),
            place=escape(place),
        ),
        silent=True,
    )
