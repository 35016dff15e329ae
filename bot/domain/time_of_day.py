"""Reading and writing a reminder time of day: parsing "7:15", "7.15 am", "1930"; the canonical "HH:MM".

`parse_time_of_day` returns either a `datetime.time` or a `TimeParseError` reason code; it never raises
for user text and never produces a sentence (the text layer renders the reason from content files).

Accepted forms (surrounding whitespace and letter case ignored):

* 24-hour with a separator: ``7:15``, ``07:15``, ``19:30``, ``7.15``, ``7h15`` (separator ``:``, ``.``
  or ``h``, minutes always two digits);
* compact 24-hour: ``1930``, ``0715``, ``715`` (three or four digits, the last two are the minutes);
* a bare hour: ``7`` (07:00), ``19`` (19:00), ``7h`` or ``7 h`` (07:00; "7 Uhr" reads as this, see
  `bot.domain.understanding`);
* 12-hour with ``am``/``pm`` in any spelling (``am``, ``a.m.``, ``a m``), attached or spaced: ``7am``,
  ``7 pm``, ``7:15am``, ``7:15 a.m.``; the hour must then be 1-12; ``12am`` is 00:00, ``12pm`` is 12:00;
* the words ``noon`` (12:00) and ``midnight`` (00:00).

Reason codes: ``EMPTY`` (nothing typed), ``UNREADABLE`` (not a time at all, e.g. ``tomorrow`` or ``7:1``),
``HOUR_OUT_OF_RANGE`` (``25:00``, ``13pm``, ``0am``), ``MINUTE_OUT_OF_RANGE`` (``7:60``).
"""

from __future__ import annotations

import re
from datetime import time
from enum import StrEnum


class TimeParseError(StrEnum):
    """Why a text is not a time of day."""

    EMPTY = "empty"
    UNREADABLE = "unreadable"
    HOUR_OUT_OF_RANGE = "hour_out_of_range"
    MINUTE_OUT_OF_RANGE = "minute_out_of_range"


_MERIDIEM = r"(?P<mer>[ap])\.?\s*m\.?"

_SEPARATED = re.compile(rf"(?P<h>\d{{1,2}})(?:\s*[:.h]\s*(?P<m>\d{{2}})|\s*h)?\s*(?:{_MERIDIEM})?")
_COMPACT = re.compile(rf"(?P<h>\d{{1,2}})(?P<m>\d{{2}})\s*(?:{_MERIDIEM})?")
_WORDS = {"noon": time(12, 0), "midday": time(12, 0), "midnight": time(0, 0)}


def part_of_day(moment: time) -> str:
    """ "morning" (04:00-11:59), "afternoon" (12:00-17:59) or "evening" (18:00-03:59), for a greeting."""
    if 4 <= moment.hour < 12:
        return "morning"
    if 12 <= moment.hour < 18:
        return "afternoon"
    return "evening"


def parse_time_of_day(text: str) -> time | TimeParseError:
    """Read a time of day from user text; see the module docstring for the accepted forms and reason codes."""
    cleaned = " ".join(text.strip().lower().split())
    if not cleaned:
        return TimeParseError.EMPTY
    if cleaned in _WORDS:
        return _WORDS[cleaned]
    match = _SEPARATED.fullmatch(cleaned) or _COMPACT.fullmatch(cleaned)
    if match is None:
        return TimeParseError.UNREADABLE
    hour = int(match["h"])
    minute = int(match["m"]) if match["m"] is not None else 0
    meridiem = match["mer"]
    if meridiem is not None:
        if not 1 <= hour <= 12:
            return TimeParseError.HOUR_OUT_OF_RANGE
        hour = hour % 12 + (12 if meridiem == "p" else 0)
    elif hour > 23:
        return TimeParseError.HOUR_OUT_OF_RANGE
    if minute > 59:
        return TimeParseError.MINUTE_OUT_OF_RANGE
    return time(hour, minute)


def format_time_of_day(value: time) -> str:
    """The canonical 24-hour form, always five characters: ``07:15``."""
    return f"{value.hour:02d}:{value.minute:02d}"
