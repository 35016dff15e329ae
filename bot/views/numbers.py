"""Numbers as the user reads them, in the user's locale through Babel: ratings (halves kept: "7.5", "7,5"),
averages (one decimal at most) and percentages ("30%", "30 %")."""

from __future__ import annotations

from babel.numbers import format_decimal
from babel.numbers import format_percent as babel_percent

from bot.views.calendar import DEFAULT_LOCALE


def format_rating(value: float, locale: str = DEFAULT_LOCALE) -> str:
    """A 0-10 rating as people write it: ``7``, ``7.5`` (``7,5`` in German)."""
    return format_decimal(value, "0.#", locale=locale)


def format_points(value: float, locale: str = DEFAULT_LOCALE) -> str:
    """An average or a change in points, to one decimal without trailing zeros: ``2``, ``1.5``, ``0.3``."""
    return format_decimal(round(value, 1), "0.#", locale=locale)


def format_percent(value: float, locale: str = DEFAULT_LOCALE) -> str:
    """A percentage given as 0-100, whole: ``30%`` (``30 %`` in German)."""
    return babel_percent(round(value) / 100, locale=locale)
