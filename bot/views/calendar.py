"""Dates and times as the user reads them, through Babel (CLDR data): no weekday or month name is written in code.

`short_date` is "Mon 30 Nov" (CLDR's abbreviated month-weekday-day skeleton for the user's locale), `day_month`
"30 Nov", `clock` the time of day ("07:15").
"""

from __future__ import annotations

from datetime import date, time

from babel.dates import format_date, format_skeleton

from bot.domain.time_of_day import format_time_of_day

# The locale whose CLDR data names weekdays and months: British English (day before month, 24-hour clock).
DEFAULT_LOCALE = "en_GB"


def short_date(value: date, locale: str = DEFAULT_LOCALE) -> str:
    """`Mon 30 Nov`."""
    return format_skeleton("MMMEd", value, locale=locale)


def day_month(value: date, locale: str = DEFAULT_LOCALE) -> str:
    """`30 Nov`."""
    return format_date(value, "d MMM", locale=locale)


def clock(value: time) -> str:
    """`07:15`."""
    return format_time_of_day(value)
