"""Rendering /language: the languages the bot speaks (a button each, the current one ticked) and the change."""

from __future__ import annotations

from bot.content.loader import Content
from bot.ui.callbacks_language import PickLanguage
from bot.ui.message import Button, OutgoingMessage, Reply, chunk


def _buttons(content: Content) -> tuple[tuple[Button, ...], ...]:
    names = content.language_names()
    buttons = [
        Button(("✓ " if code == content.language else "") + name, PickLanguage(code)) for code, name in names.items()
    ]
    return tuple(chunk(buttons, 2))


def ask(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("language.ask", language=content.name), _buttons(content))


def unknown(content: Content, typed: str) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("language.unknown", text=typed.strip()[:40]), _buttons(content))


def changed(content: Content, *, tapped: bool) -> Reply:
    """In the new language: the confirmation (and, for a tap, the choice again with the new one ticked)."""
    message = OutgoingMessage(content.texts.render("language.changed", language=content.name))
    if tapped:
        return Reply(replace=ask(content), messages=(message,))
    return Reply.of(message)
