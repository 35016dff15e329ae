"""Rendering the answers to plain words that have nothing to act on, and to small talk (fitting the moment)."""

from __future__ import annotations

from bot.content.loader import Content
from bot.ui.message import OutgoingMessage

_ROUTINE_VARIANTS = frozenset({"thanks", "greeting"})


def said(content: Content, key: str) -> OutgoingMessage:
    """One of the `words.*` texts."""
    return OutgoingMessage(content.texts.render(f"words.{key}"))


def small_talk(content: Content, kind: str, *, in_routine: bool) -> OutgoingMessage:
    """A short friendly answer to "thanks", a greeting, "ok" or an emoji; mid-routine it says to carry on."""
    key = "ok" if kind in ("ok", "emoji") else kind
    if in_routine and key in _ROUTINE_VARIANTS:
        key += "_routine"
    return said(content, key)
