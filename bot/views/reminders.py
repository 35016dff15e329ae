"""Rendering the reminder message and the reminder settings (pause, second reminder, snooze length)."""

from __future__ import annotations

from datetime import date, datetime

from bot.content.loader import Content
from bot.domain.time_of_day import format_time_of_day
from bot.domain.timezones import resolve_zone
from bot.reminders.queue import ClaimedReminder
from bot.services.scheduling import MORNING, PAUSED_INDEFINITELY
from bot.ui.callbacks_onboarding import TYPE_IT
from bot.ui.callbacks_reminders import (
    PauseFor,
    ReminderRate,
    ReminderSkip,
    ReminderSnooze,
    ReminderStart,
    SecondTime,
    SettingsMenu,
    SkipReason,
    SnoozeLength,
)
from bot.ui.message import Button, OutgoingMessage, chunk
from bot.views.onboarding import settings_buttons
from bot.views.rating_keyboard import rating_rows
from bot.views.when import describe_when, format_date

SECOND_PRESETS = ("12:00", "17:00", "18:00", "20:00")
PAUSE_DAYS = (1, 3, 7, 14)
NO_REASON = "none"


def reminder_text(content: Content, claimed: ClaimedReminder, timezone: str | None) -> str:
    texts = content.texts
    minutes = content.routine(content.coach.default_routine).minutes
    key = "reminder.morning" if claimed.slot == MORNING else "reminder.second"
    text = texts.render(key, minutes=minutes)
    if claimed.late:  # late for any reason: the bot, Telegram or the database was away
        local = claimed.due_at.astimezone(resolve_zone(timezone or "UTC"))
        text += "\n\n" + texts.render("reminder.late_note", time=format_time_of_day(local.time()))
    return text


def reminder_buttons(content: Content, delivery_id: int, snooze_minutes: int) -> tuple[tuple[Button, ...], ...]:
    texts = content.texts
    return (
        *rating_rows(lambda value: ReminderRate(delivery_id, value)),
        (
            Button(texts.render("buttons.start"), ReminderStart(delivery_id)),
            Button(texts.render("buttons.snooze", minutes=snooze_minutes), ReminderSnooze(delivery_id)),
            Button(texts.render("buttons.skip_today"), ReminderSkip(delivery_id)),
        ),
    )


def snoozed(content: Content, until: datetime, timezone: str) -> OutgoingMessage:
    local = until.astimezone(resolve_zone(timezone))
    return OutgoingMessage(content.texts.render("reminder.snoozed", time=format_time_of_day(local.time())))


def ask_skip_reason(content: Content, delivery_id: int) -> OutgoingMessage:
    texts = content.texts
    reasons = [
        Button(texts.render(f"skip_reasons.{r}"), SkipReason(delivery_id, r)) for r in content.coach.skip_reasons
    ]
    rows = (*chunk(reasons, 3), (Button(texts.render("skip_reasons.none"), SkipReason(delivery_id, NO_REASON)),))
    return OutgoingMessage(texts.render("reminder.skip_ask_reason"), rows)


def skipped(
    content: Content, reason: str | None, next_due: datetime | None, timezone: str | None, now: datetime
) -> str:
    texts = content.texts
    next_when = describe_when(texts, next_due, timezone, now)
    if reason is None:
        return texts.render("reminder.skipped_no_reason", next_when=next_when)
    return texts.render("reminder.skipped", reason=texts.render(f"skip_reasons.{reason}").lower(), next_when=next_when)


def settings_menu(content: Content) -> tuple[tuple[Button, ...], ...]:
    texts = content.texts
    change, keep = settings_buttons(content)
    return (
        change,
        (
            Button(texts.render("buttons.second_reminder"), SettingsMenu("second")),
            Button(texts.render("buttons.snooze_length"), SettingsMenu("snooze")),
        ),
        (Button(texts.render("buttons.pause"), SettingsMenu("pause")), *keep),
    )


def ask_pause(content: Content) -> OutgoingMessage:
    texts = content.texts
    buttons = [
        Button(
            texts.render("buttons.pause_one_day") if d == 1 else texts.render("buttons.pause_days", days=d), PauseFor(d)
        )
        for d in PAUSE_DAYS
    ]
    rows = (*chunk(buttons, 4), (Button(texts.render("buttons.pause_until_resume"), PauseFor(0)),))
    return OutgoingMessage(texts.render("pause.ask"), rows)


def paused(
    content: Content, next_due: datetime | None, timezone: str | None, paused_until: date | None, now: datetime
) -> str:
    texts = content.texts
    if paused_until is None or paused_until == PAUSED_INDEFINITELY:
        return texts.render("pause.done_indefinitely")
    return texts.render(
        "pause.done", until=format_date(paused_until), next_when=describe_when(texts, next_due, timezone, now)
    )


def ask_second_time(content: Content) -> OutgoingMessage:
    texts = content.texts
    presets = [Button(p, SecondTime(p.replace(":", ""))) for p in SECOND_PRESETS]
    rows = (
        tuple(presets),
        (
            Button(texts.render("buttons.other_time"), SecondTime(TYPE_IT)),
            Button(texts.render("buttons.off"), SecondTime("off")),
        ),
    )
    return OutgoingMessage(texts.render("settings.second_ask"), rows)


def ask_snooze(content: Content) -> OutgoingMessage:
    texts = content.texts
    buttons = [
        Button(texts.render("buttons.minutes", minutes=m), SnoozeLength(m))
        for m in content.coach.snooze_minutes_options
    ]
    return OutgoingMessage(texts.render("settings.snooze_ask"), chunk(buttons, 5))
