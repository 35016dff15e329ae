"""Dates and times as the user reads them, through Babel (CLDR data) in the user's locale (`Content.formats`): no
weekday or month name is written in code, and the clock is 12- or 24-hour as the locale writes it.

`short_date` is "Mon 30 Nov" / "Mo., 30. Nov." (CLDR's abbreviated month-weekday-day skeleton), `day_month`
"30 Nov" / "30. Nov.", `clock` the time of day ("07:15"; "7:15 AM" for en_US).
"""

from __future__ import annotations

from datetime import date, time

from babel.dates import format_skeleton, format_time

# British English (day before month, 24-hour clock): the English content's formats.
DEFAULT_LOCALE = "en_GB"


def short_date(value: date, locale: str = DEFAULT_LOCALE) -> str:
    """`Mon 30 Nov`."""
    return format_skeleton("MMMEd", value, locale=locale)


def day_month(value: date, locale: str = DEFAULT_LOCALE) -> str:
    """`30 Nov`."""
    return format_skeleton("MMMd", value, locale=locale)


def full_date(value: date, locale: str = DEFAULT_LOCALE) -> str:
    """`30 Nov 2026` ("30. Nov. 2026", "30 нояб. 2026 г.")."""
    return format_skeleton("yMMMd", value, locale=locale)


def clock(value: time, locale: str = DEFAULT_LOCALE) -> str:
    """`07:15` (the locale's short time format)."""
    return format_time(value, "short", locale=locale)
