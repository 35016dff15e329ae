"""Rendering typed ratings: the confirmation with Undo / Change, the scale to change it, hints for bad input."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from bot.content.loader import Content
from bot.services.ratings import CorrectionRefused
from bot.ui.callbacks_ratings import ChangeRating, SetRating, UndoRating
from bot.ui.message import Button, OutgoingMessage, Reply
from bot.views.calendar import short_date
from bot.views.numbers import format_rating
from bot.views.rating_keyboard import rating_rows


def day_name(content: Content, day: date, today: date | None) -> str:
    return content.texts.render("ratings.today") if day == today else short_date(day, content.formats)


def _correction_buttons(content: Content, rating_id: int) -> tuple[tuple[Button, ...], ...]:
    texts = content.texts
    return (
        (
            Button(texts.render("ratings.button_undo"), UndoRating(rating_id)),
            Button(texts.render("ratings.button_change"), ChangeRating(rating_id)),
        ),
    )


def saved(content: Content, rating_id: int, value: float, day: date, today: date | None) -> OutgoingMessage:
    text = content.texts.render(
        "ratings.saved", value=format_rating(value, content.formats), day=day_name(content, day, today)
    )
    return OutgoingMessage(text, _correction_buttons(content, rating_id))


def saved_again(
    content: Content, rating_id: int, value: float, earlier: float, day: date, today: date | None
) -> OutgoingMessage:
    """A number typed minutes after another one: saved too; the reply names the earlier one (Undo fixes a slip)."""
    text = content.texts.render(
        "ratings.saved_again",
        value=format_rating(value, content.formats),
        old=format_rating(earlier, content.formats),
        day=day_name(content, day, today),
    )
    return OutgoingMessage(text, _correction_buttons(content, rating_id))


def changed(content: Content, rating_id: int, value: float, day: date, today: date | None) -> Reply:
    """The confirmation of a changed rating, in place of the scale that changed it."""
    text = content.texts.render(
        "ratings.changed", value=format_rating(value, content.formats), day=day_name(content, day, today)
    )
    return Reply(replace=OutgoingMessage(text, _correction_buttons(content, rating_id)))


def undone(content: Content, value: float, day: date, today: date | None) -> Reply:
    text = content.texts.render(
        "ratings.undone", value=format_rating(value, content.formats), day=day_name(content, day, today)
    )
    return Reply(replace=OutgoingMessage(text))


def ask_change(content: Content, rating_id: int) -> Reply:
    """The 0-10 scale, in place of the confirmation whose Change was tapped."""
    text = content.texts.render("ratings.ask_change")
    return Reply(replace=OutgoingMessage(text, rating_rows(lambda value: SetRating(rating_id, value))))


def refused(content: Content, refusal: CorrectionRefused) -> Reply:
    """Undo or Change that no longer applies: the window closed, or the rating is gone."""
    key = "ratings.too_late" if refusal.reason == "expired" else "ratings.stale"
    return Reply(toast=content.texts.render(key))


def out_of_range(content: Content, typed: float) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("ratings.out_of_range", value=f"{typed:g}"))


def ambiguous(content: Content, candidates: Sequence[float]) -> OutgoingMessage:
    numbers = ", ".join(format_rating(c, content.formats) for c in candidates[:4])
    return OutgoingMessage(content.texts.render("ratings.ambiguous", numbers=numbers))
