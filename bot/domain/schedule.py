"""Reminder schedule math: when, in UTC, a user's daily local reminder time next comes round.

A reminder is a local wall-clock time (e.g. 07:15) in the user's zone, at most once per local date. All
instants going in must be timezone-aware; all instants coming out are aware UTC datetimes.

Daylight saving time rules:

* **Spring forward (a skipped local time).** If the reminder time does not exist on a date because the
  clocks jump over it, the reminder fires once, at the same distance past the jump as the time was past
  the jump's start. Example: on the spring-forward day in Europe/Berlin, clocks go 02:00 CET -> 03:00 CEST,
  so a 02:30 reminder fires at 03:30 CEST (01:30 UTC). On Australia/Lord_Howe's October change (02:00 ->
  02:30), a 02:15 reminder fires at 02:45. This is Python's `zoneinfo` reading of a non-existent time with
  ``fold=0`` (it is interpreted with the offset in force before the jump).
* **Fall back (a repeated local time).** If the reminder time occurs twice on a date because the clocks go
  back over it, the reminder fires once, at the first occurrence (``fold=0``, still on summer time), and
  not again that date. Example: a 02:30 reminder in Europe/Berlin on the autumn change day fires at 02:30
  CEST (00:30 UTC), not at 02:30 CET an hour later.
* **One per local date.** Every reminder fires on the local date it belongs to, so there are never two on
  one local date. In the rare case where a skipped stretch of time crosses midnight, so that the shifted
  time would land on the next date, that date has no reminder. Examples: America/Nuuk springs forward
  from 23:00 Saturday straight to 00:00 Sunday (since 2024), so a 23:30 reminder is skipped that one
  Saturday; Pacific/Apia skipped all of 30 December 2011.

Times are taken to the minute as given; any ``tzinfo`` or ``fold`` on the `time` passed in is ignored.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta, tzinfo

# A reminder on the next local date is never further than this many dates away (the loop bound only guards
# against tz data with whole-day skips; two consecutive skipped dates exist nowhere).
_SEARCH_DAYS = 4


def _require_aware(moment: datetime) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("schedule math needs timezone-aware datetimes")


def local_date_at(instant: datetime, zone: tzinfo) -> date:
    """The date on the user's local calendar at `instant`."""
    _require_aware(instant)
    return instant.astimezone(zone).date()


def occurrence_on(local_date: date, local_time: time, zone: tzinfo) -> datetime:
    """The UTC instant of the reminder meant for `local_date` (DST rules in the module docstring).

    In a skipped stretch that crosses midnight the instant can fall on the next local date; `next_occurrence`
    drops such instants.
    """
    wall = datetime.combine(local_date, local_time.replace(tzinfo=None, fold=0), tzinfo=zone)
    return wall.astimezone(UTC)


def _belongs_to(instant: datetime, local_date: date, zone: tzinfo) -> bool:
    return instant.astimezone(zone).date() == local_date


def next_occurrence(local_time: time, zone: tzinfo, after: datetime) -> datetime:
    """The first UTC instant strictly after `after` at which the reminder fires (one per local date)."""
    _require_aware(after)
    after_utc = after.astimezone(UTC)
    # Start a day early: a backward change at midnight can put the previous local date after `after`.
    first = local_date_at(after_utc, zone) - timedelta(days=1)
    for offset in range(_SEARCH_DAYS + 1):
        candidate_date = first + timedelta(days=offset)
        candidate = occurrence_on(candidate_date, local_time, zone)
        if candidate > after_utc and _belongs_to(candidate, candidate_date, zone):
            return candidate
    raise ValueError(f"no reminder time found within {_SEARCH_DAYS} days")  # pragma: no cover


def next_occurrence_respecting_pause(
    local_time: time, zone: tzinfo, after: datetime, paused_until_local_date: date | None
) -> datetime:
    """Like `next_occurrence`, but never on a local date before `paused_until_local_date`.

    `paused_until_local_date` is the first local date on which reminders resume (None: not paused).
    """
    _require_aware(after)
    if paused_until_local_date is None:
        return next_occurrence(local_time, zone, after)
    # Skip ahead to just before the start of the day before resuming; the loop settles the rest.
    skip_to = occurrence_on(paused_until_local_date - timedelta(days=1), time(0), zone) - timedelta(microseconds=1)
    candidate = next_occurrence(local_time, zone, max(after, skip_to))
    while local_date_at(candidate, zone) < paused_until_local_date:
        candidate = next_occurrence(local_time, zone, candidate)
    return candidate
