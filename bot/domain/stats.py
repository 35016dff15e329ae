"""Progress statistics over plain records: streaks, weekly counts, stiffness averages, trends, sides, skips.

Inputs are plain dataclasses (`DayRecord`, `SessionRecord`) or sets of local dates, built by the storage
layer; outputs are numbers, dates and codes. Conventions:

* All dates are the user's local dates.
* A "week" is an ISO week: Monday to Sunday.
* "The last N days" means the N local dates ending with `today`, both ends included.
* Averages are plain arithmetic means; a function returns None when it has no data, never 0.
* Change is ``after - before``: negative means the stretch left the back less stiff.
"""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Literal, NamedTuple

Side = Literal["left", "right", "same"]
SIDES: tuple[Side, ...] = ("left", "right", "same")


@dataclass(frozen=True, slots=True)
class DayRecord:
    """One local day: whether the routine was done, and the reason given if it was skipped."""

    local_date: date
    done: bool
    skipped_reason: str | None = None


@dataclass(frozen=True, slots=True)
class SessionRecord:
    """One session's ratings (0-10, None if not given) and which side felt tighter."""

    local_date: date
    before: float | None
    after: float | None
    tighter_side: str | None = None


class WeeklyTrend(NamedTuple):
    """Average before-rating this ISO week and last, and ``this_week - previous_week`` (None if either is)."""

    this_week_avg_before: float | None
    previous_week_avg_before: float | None
    delta: float | None


def streak_days(records: Iterable[DayRecord]) -> tuple[set[date], set[date]]:
    """(days done, days skipped with a reason): the inputs of `current_streak`."""
    done: set[date] = set()
    excused: set[date] = set()
    for record in records:
        if record.done:
            done.add(record.local_date)
        elif record.skipped_reason:
            excused.add(record.local_date)
    return done, excused


def current_streak(days_done: set[date], days_skipped_with_reason: set[date], today: date) -> int:
    """Days done in the unbroken run ending today, or yesterday if today is not settled yet.

    Each day of the run is done or skipped with a reason; skipped days keep the run alive but do not count.
    """
    covered = days_done | days_skipped_with_reason
    day = today if today in covered else today - timedelta(days=1)
    count = 0
    while day in covered:
        if day in days_done:
            count += 1
        day -= timedelta(days=1)
    return count


def week_start(day: date) -> date:
    """The Monday of `day`'s ISO week."""
    return day - timedelta(days=day.weekday())


def days_done_in_week(days_done: Iterable[date], today: date) -> int:
    """How many distinct days of `today`'s ISO week (Monday to Sunday) are done."""
    monday = week_start(today)
    return len({day for day in days_done if monday <= day < monday + timedelta(days=7)})


def _mean(values: Iterable[float]) -> float | None:
    collected = list(values)
    return statistics.fmean(collected) if collected else None


def average_change(sessions: Iterable[SessionRecord]) -> float | None:
    """Mean of ``after - before`` over the sessions that have both ratings (negative = less stiff)."""
    return _mean(s.after - s.before for s in sessions if s.before is not None and s.after is not None)


def _befores_between(sessions: Iterable[SessionRecord], first: date, last: date) -> list[float]:
    return [s.before for s in sessions if s.before is not None and first <= s.local_date <= last]


def weekly_trend(sessions: Iterable[SessionRecord], today: date) -> WeeklyTrend:
    """Average before-rating of this ISO week so far vs. the whole previous ISO week."""
    collected = list(sessions)
    monday = week_start(today)
    this_week = _mean(_befores_between(collected, monday, today))
    previous = _mean(_befores_between(collected, monday - timedelta(days=7), monday - timedelta(days=1)))
    delta = this_week - previous if this_week is not None and previous is not None else None
    return WeeklyTrend(this_week, previous, delta)


def _last_days(sessions: Iterable[SessionRecord], today: date, days: int) -> list[SessionRecord]:
    if days < 1:
        raise ValueError("days must be at least 1")
    first = today - timedelta(days=days - 1)
    return [s for s in sessions if first <= s.local_date <= today]


def tighter_side_lately(sessions: Iterable[SessionRecord], today: date, days: int = 14) -> Side | None:
    """The most common tighter-side answer in the last `days` days; None if there is none.

    A tie between ``left`` and ``right`` (with or without ``same``) reads as ``same``; a tie between
    ``same`` and one side reads as that side. Answers other than left/right/same are ignored.
    """
    counts = Counter(s.tighter_side for s in _last_days(sessions, today, days) if s.tighter_side in SIDES)
    if not counts:
        return None
    top = max(counts.values())
    leaders = [side for side in SIDES if counts[side] == top]
    if len(leaders) == 1:
        return leaders[0]
    if "left" in leaders and "right" in leaders:
        return "same"
    return next(side for side in leaders if side != "same")


def skip_reason_counts(records: Iterable[DayRecord], since: date | None = None) -> dict[str, int]:
    """How often each skip reason was given (days not done with a reason, on or after `since` if given).

    Ordered by count, most common first, then by reason.
    """
    counts = Counter(
        r.skipped_reason
        for r in records
        if not r.done and r.skipped_reason and (since is None or r.local_date >= since)
    )
    return dict(sorted(counts.items(), key=lambda item: (-item[1], item[0])))


def rolling_average(points: list[tuple[date, float]], window_days: int = 7) -> list[tuple[date, float]]:
    """For each date that has data, the mean of all points within the `window_days` calendar days ending then.

    Dates without data produce no output point and simply contribute nothing to the window. Several
    points on one date all count. The result is sorted by date.
    """
    if window_days < 1:
        raise ValueError("window_days must be at least 1")
    ordered = sorted(points)
    result: list[tuple[date, float]] = []
    start = 0
    for end, (day, _) in enumerate(ordered):
        while ordered[start][0] <= day - timedelta(days=window_days):
            start += 1
        is_last_of_day = end + 1 == len(ordered) or ordered[end + 1][0] != day
        if is_last_of_day:
            result.append((day, statistics.fmean(v for _, v in ordered[start : end + 1])))
    return result
