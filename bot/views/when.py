"""Saying when something happens, in the user's own time and words ("tomorrow at 07:15")."""

from __future__ import annotations

from datetime import date, datetime

from bot.content.texts import Texts
from bot.domain.schedule import local_date_at
from bot.domain.time_of_day import format_time_of_day
from bot.domain.timezones import resolve_zone

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def describe_when(texts: Texts, due: datetime | None, timezone: str | None, now: datetime) -> str:
    if due is None or timezone is None:
        return texts.render("when.none")
    zone = resolve_zone(timezone)
    local = due.astimezone(zone)
    clock = format_time_of_day(local.time())
    days = (local.date() - local_date_at(now, zone)).days
    if days == 0:
        return texts.render("when.today", time=clock)
    if days == 1:
        return texts.render("when.tomorrow", time=clock)
    return texts.render(
        "when.date",
        weekday=WEEKDAYS[local.weekday()],
        date=f"{local.day} {MONTHS[local.month - 1]}",
        time=clock,
    )


def format_date(value: date) -> str:
    """`Mon 30 Nov`."""
    return f"{WEEKDAYS[value.weekday()]} {value.day} {MONTHS[value.month - 1]}"
