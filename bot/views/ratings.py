"""Rendering typed ratings: the confirmation with Undo / Change, the scale to change it, hints for bad input."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.content.loader import Content
from bot.ui.callbacks_ratings import ChangeRating, SetRating, UndoRating
from bot.ui.message import Button, OutgoingMessage
from bot.views.rating_keyboard import rating_rows
from bot.views.when import format_date


def format_value(value: float) -> str:
    """A rating as people write it: ``7``, ``7.5`` (halves are kept)."""
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def day_name(content: Content, day: date, today: date | None) -> str:
    return content.texts.render("ratings.today") if day == today else format_date(day)


def _correction_buttons(content: Content, rating_id: int) -> tuple[tuple[Button, ...], ...]:
    texts = content.texts
    return (
        (
            Button(texts.render("ratings.button_undo"), UndoRating(rating_id)),
            Button(texts.render("ratings.button_change"), ChangeRating(rating_id)),
        ),
    )


def saved(content: Content, rating_id: int, value: float, day: date, today: date | None) -> OutgoingMessage:
    text = content.texts.render("ratings.saved", value=format_value(value), day=day_name(content, day, today))
    return OutgoingMessage(text, _correction_buttons(content, rating_id))


def changed(content: Content, rating_id: int, value: float, day: date, today: date | None) -> OutgoingMessage:
    text = content.texts.render("ratings.changed", value=format_value(value), day=day_name(content, day, today))
    return OutgoingMessage(text, _correction_buttons(content, rating_id))


def undone(content: Content, value: float, day: date, today: date | None) -> OutgoingMessage:
    return OutgoingMessage(
        content.texts.render("ratings.undone", value=format_value(value), day=day_name(content, day, today))
    )


def ask_change(content: Content, rating_id: int) -> OutgoingMessage:
    return OutgoingMessage(
        content.texts.render("ratings.ask_change"), rating_rows(lambda value: SetRating(rating_id, value))
    )


def out_of_range(content: Content, typed: float) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("ratings.out_of_range", value=f"{typed:g}"))


def ambiguous(content: Content, candidates: Sequence[float]) -> OutgoingMessage:
    numbers = ", ".join(format_value(c) for c in candidates[:4])
    return OutgoingMessage(content.texts.render("ratings.ambiguous", numbers=numbers))
