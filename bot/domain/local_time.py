"""The user's zone and local date: the one place that turns a stored timezone name into a zone.

Every "what is the user's zone / today" goes through `user_zone`, with one fallback: the configured default zone
(`DEFAULT_TIMEZONE`), for a user who has none yet or whose stored zone this installation does not know.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo

from bot.domain.schedule import local_date_at
from bot.domain.timezones import UnknownTimezone, resolve_zone


def user_zone(name: str | None, default: str) -> tzinfo:
    """The zone named `name`; `default` where `name` is missing or unknown (UTC if even that is unknown)."""
    for candidate in (name, default):
        if candidate:
            try:
                return resolve_zone(candidate)
            except UnknownTimezone:
                continue
    return UTC


def zone_name(name: str | None, default: str) -> str:
    """The name of the zone `user_zone(name, default)` resolves to."""
    for candidate in (name, default):
        if candidate:
            try:
                resolve_zone(candidate)
            except UnknownTimezone:
                continue
            return candidate
    return "UTC"


def local_today(name: str | None, default: str, now: datetime) -> date:
    """The user's local date at `now`."""
    return local_date_at(now, user_zone(name, default))
