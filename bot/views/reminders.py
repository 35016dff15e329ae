"""Rendering the daily reminder (its text and buttons, from plain data) and the answers to its buttons."""

from __future__ import annotations

from datetime import datetime, time

from bot.content.loader import Content
from bot.content.texts import Texts
from bot.domain.time_of_day import part_of_day
from bot.services.reminders import MAX_SNOOZES, Refused
from bot.services.scheduling import Scheduled
from bot.services.user_scope import UserScope
from bot.ui.callbacks_reminders import ReminderRate, ReminderSkip, ReminderSnooze, ReminderStart, SkipReason
from bot.ui.message import Button, OutgoingMessage, Reply, Rows, chunk
from bot.views.calendar import clock
from bot.views.common import stale_button
from bot.views.numbers import format_rating
from bot.views.rating_keyboard import rating_rows
from bot.views.when import describe_when

NO_REASON = "none"
_REFUSALS = {"handled": "reminder.handled", "old": "reminder.old"}


def reminder_text(
    texts: Texts, *, morning: bool, minutes: int, late_since: time | None, local_time: time | None = None
) -> str:
    """The reminder's text; `late_since`: the local time it was due, when it comes late; `local_time`: the user's
    time now, for a greeting that fits it ("Good evening" for a first reminder set at 19:30)."""
    greeting = texts.render(f"reminder.greeting_{part_of_day(local_time)}") if local_time is not None else ""
    key = "reminder.morning" if morning else "reminder.second"
    text = texts.render(key, minutes=minutes, greeting=greeting).strip()
    if late_since is not None:
        text += "\n\n" + texts.render("reminder.late_note", time=clock(late_since, texts.formats))
    return text


def reminder_buttons(texts: Texts, delivery_id: int, snooze_minutes: int) -> Rows:
    return (
        *rating_rows(lambda value: ReminderRate(delivery_id, value)),
        (
            Button(texts.render("buttons.start"), ReminderStart(delivery_id)),
            Button(texts.render("buttons.snooze", minutes=snooze_minutes), ReminderSnooze(delivery_id)),
            Button(texts.render("buttons.skip_today"), ReminderSkip(delivery_id)),
        ),
    )


def refused(content: Content, refusal: Refused) -> Reply:
    """A reminder button that no longer applies: nothing changed."""
    if refusal.why == "snooze_limit":
        return Reply(toast=content.texts.render("reminder.snooze_limit", count=MAX_SNOOZES), alert=True)
    key = _REFUSALS.get(refusal.why)
    return Reply(toast=content.texts.render(key)) if key else stale_button(content)


def starting(content: Content) -> Reply:
    """The reminder's Start (or a rating on it): its buttons come off as the routine begins."""
    return Reply(toast=content.texts.render("reminder.starting"), clear_buttons=True)


def rated_typed(content: Content, value: float) -> Reply:
    """A rating typed in answer to the reminder: its buttons come off, and the routine begins with it."""
    text = content.texts.render("reminder.rated_typed", value=format_rating(value, content.formats))
    return Reply(messages=(OutgoingMessage(text),), clear_buttons=True)


def snoozed(scope: UserScope, until: datetime) -> Reply:
    text = scope.texts.render(
        "reminder.snoozed", time=clock(until.astimezone(scope.zone).time(), scope.content.formats)
    )
    return Reply(toast=text, replace=OutgoingMessage(text))


def ask_skip_reason(content: Content, delivery_id: int) -> Reply:
    texts = content.texts
    reasons = [
        Button(texts.render(f"skip_reasons.{r}"), SkipReason(delivery_id, r)) for r in content.coach.skip_reasons
    ]
    rows = (*chunk(reasons, 3), (Button(texts.render("skip_reasons.none"), SkipReason(delivery_id, NO_REASON)),))
    return Reply(replace=OutgoingMessage(texts.render("reminder.skip_ask_reason"), rows))


def skip_reason_unreadable(content: Content) -> OutgoingMessage:
    """A typed skip reason that fits none of the offered ones (and "other" is not offered): nothing changed."""
    texts = content.texts
    options = ", ".join(texts.render(f"skip_reasons.{r}").lower() for r in content.coach.skip_reasons)
    return OutgoingMessage(texts.render("questions.skip_reason", options=options))


def skipped(scope: UserScope, reason: str | None, result: Scheduled) -> Reply:
    texts = scope.texts
    next_when = describe_when(scope, result.next_due)
    if reason is None:
        text = texts.render("reminder.skipped_no_reason", next_when=next_when)
    else:
        label = texts.render(f"skip_reasons.{reason}").lower()
        text = texts.render("reminder.skipped", reason=label, next_when=next_when)
    return Reply(replace=OutgoingMessage(text))
