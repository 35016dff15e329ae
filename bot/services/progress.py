"""Gathering a user's progress (/progress) and recent history (/history) from storage into plain records.

The numbers come from `bot.domain.stats`. Conventions: dates are the user's local dates; a day is *done* if a
session of that day finished; a day skipped with a reason keeps the streak alive (without counting); the daily
before/after value is the mean of that day's sessions (normally there is one); "change" is after - before
(negative = looser). No telegram here.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, time, timedelta

from bot.db.models import Rating, RoutineSession
from bot.db.repositories.history import UserHistory
from bot.db.unit_of_work import UnitOfWork
from bot.domain import outcomes, stats
from bot.services.skips import PAUSED
from bot.services.user_scope import UserScope

SEVERITY = ("red_flag", "warning", "pain")
PROGRESS_DAYS = 30  # the window of the caption's counts when the data is older
MIN_CHART_DAYS = 7  # the chart's window fits the data: at least a week (from the first day on) ...
MAX_CHART_DAYS = 90  # ... at most the last 90 days
HISTORY_DAYS = 14
AVERAGE_WINDOW = 7


@dataclass(frozen=True, slots=True)
class ProgressReport:
    today: date
    days: tuple[date, ...]  # the last PROGRESS_DAYS local dates, oldest first
    before: dict[date, float]
    after: dict[date, float]
    average_before: dict[date, float]  # 7-day rolling mean of the before values, on days that have one
    done: frozenset[date]
    skipped: dict[date, str | None]  # local date -> reason (None: skipped without one)
    streak: int
    done_this_week: int
    average_change: float | None
    change_sessions: int
    trend: stats.WeeklyTrend
    tighter_side: stats.Side | None
    skip_reasons: dict[str, int]
    # Change from baseline (issue 18): before-ratings, morning-stiffness minutes, weekly PEG.
    before_change: outcomes.Change = field(default_factory=lambda: outcomes.Change(outcomes.Verdict.NO_DATA))
    minutes_change: outcomes.Change = field(default_factory=lambda: outcomes.Change(outcomes.Verdict.NO_DATA))
    peg_change: outcomes.Change = field(default_factory=lambda: outcomes.Change(outcomes.Verdict.NO_DATA))
    minutes: dict[date, float] = field(default_factory=dict)  # morning-stiffness minutes in the window
    adhoc: dict[date, list[float]] = field(default_factory=dict)  # ratings typed at other times, in the window
    paused: frozenset[date] = frozenset()  # paused days in the window, up to today

    pain_days: frozenset[date] = frozenset()  # days the user reported pain or a warning sign
    typed: dict[date, float] = field(default_factory=dict)  # ratings typed on their own: mean per day
    counts: tuple[int, int, int] = (0, 0, 0)  # how many before, after and typed ratings the numbers come from

    @property
    def has_data(self) -> bool:
        return bool(
            self.before or self.after or self.done or self.skipped or self.minutes or self.pain_days or self.typed
        )


@dataclass(frozen=True, slots=True)
class SessionEntry:
    before: float | None
    after: float | None
    gentle: bool
    finished: bool


@dataclass(frozen=True, slots=True)
class AdhocEntry:
    value: float
    local_time: time


@dataclass(frozen=True, slots=True)
class SkipEntry:
    reason: str | None


@dataclass(frozen=True, slots=True)
class PainEntry:
    kind: str  # the most serious kind reported that day: red_flag | warning | pain


HistoryEntry = SessionEntry | AdhocEntry | SkipEntry | PainEntry


@dataclass(frozen=True, slots=True)
class HistoryDay:
    day: date
    entries: list[HistoryEntry] = field(default_factory=list)


def _mean_by_day(pairs: list[tuple[date, float]]) -> dict[date, float]:
    grouped: dict[date, list[float]] = defaultdict(list)
    for day, value in pairs:
        grouped[day].append(value)
    return {day: statistics.fmean(values) for day, values in grouped.items()}


def _session_ratings(ratings: list[Rating]) -> dict[int, dict[str, float]]:
    by_session: dict[int, dict[str, float]] = defaultdict(dict)
    for rating in ratings:
        if rating.session_id is not None and rating.kind in ("before", "after"):
            by_session[rating.session_id][rating.kind] = rating.value
    return by_session


def build_report(
    today: date,
    sessions: list[RoutineSession],
    ratings: list[Rating],
    skips: dict[date, str | None],
    days: int | None = None,
    minutes: dict[date, float] | None = None,
    peg: list[tuple[date, float]] | None = None,
    paused: set[date] | None = None,
    pain_days: frozenset[date] = frozenset(),
) -> ProgressReport:
    """The report from stored rows (pure: easy to test with known data). `minutes`: morning-stiffness minutes by
    local date; `peg`: completed weekly check-ins' scores; `paused`: paused local dates.

    The window fits the data (`days` None): from the first day with anything (at most MAX_CHART_DAYS back) to
    today, and at least MIN_CHART_DAYS long, running on past today for a new user (the week ahead stays empty)."""
    all_minutes = minutes or {}
    known = [s.local_date for s in sessions] + [r.local_date for r in ratings] + list(skips) + list(all_minutes)
    known = [d for d in known if d <= today]
    if days is not None:
        first, last = today - timedelta(days=days - 1), today
    else:
        first = max(min(known, default=today), today - timedelta(days=MAX_CHART_DAYS - 1))
        last = max(today, first + timedelta(days=MIN_CHART_DAYS - 1))
    window = tuple(first + timedelta(days=i) for i in range((last - first).days + 1))
    by_session = _session_ratings(ratings)
    records = [
        stats.SessionRecord(s.local_date, by_session[s.id].get("before"), by_session[s.id].get("after"), s.tighter_side)
        for s in sessions
    ]
    typed_points = [(r.local_date, r.value) for r in ratings if r.kind == "adhoc"]
    levels = records + [stats.SessionRecord(day, value, None) for day, value in typed_points]
    recent = [r for r in records if first <= r.local_date <= today]
    typed_recent = [(d, v) for d, v in typed_points if first <= d <= today]
    done_all = {s.local_date for s in sessions if s.status == "finished"}
    day_records = [stats.DayRecord(d, True) for d in done_all] + [
        stats.DayRecord(d, False, reason) for d, reason in skips.items() if d not in done_all
    ]
    done_days, excused = stats.streak_days(day_records)
    before = _mean_by_day([(r.local_date, r.before) for r in recent if r.before is not None])
    after = _mean_by_day([(r.local_date, r.after) for r in recent if r.after is not None])
    warmup = first - timedelta(days=AVERAGE_WINDOW - 1)
    points = [(r.local_date, r.before) for r in levels if r.before is not None and warmup <= r.local_date <= today]
    average = {d: v for d, v in stats.rolling_average(points, AVERAGE_WINDOW) if d >= first}
    paired = [r for r in recent if r.before is not None and r.after is not None]
    all_before = _mean_by_day([(r.local_date, r.before) for r in records if r.before is not None])
    adhoc: dict[date, list[float]] = defaultdict(list)
    for rating in ratings:
        if rating.kind == "adhoc" and first <= rating.local_date <= today:
            adhoc[rating.local_date].append(rating.value)
    return ProgressReport(
        today=today,
        days=window,
        before=before,
        after=after,
        average_before=average,
        done=frozenset(d for d in done_all if first <= d <= today),
        skipped={d: reason for d, reason in skips.items() if first <= d <= today and d not in done_all},
        streak=stats.current_streak(done_days, excused, today),
        done_this_week=stats.days_done_in_week(done_days, today),
        average_change=stats.average_change(paired),
        change_sessions=len(paired),
        trend=stats.weekly_trend(levels, today),
        tighter_side=stats.tighter_side_lately(records, today),
        skip_reasons=stats.skip_reason_counts(
            [stats.DayRecord(d, False, reason) for d, reason in skips.items() if d not in done_all], since=first
        ),
        before_change=outcomes.change_from_baseline(all_before, today, outcomes.RATING_RULE),
        minutes_change=outcomes.change_from_baseline(all_minutes, today, outcomes.MINUTES_RULE, outcomes.median),
        peg_change=outcomes.peg_change(peg or []),
        minutes={d: v for d, v in all_minutes.items() if first <= d <= today},
        adhoc=dict(adhoc),
        paused=frozenset(d for d in paused or set() if first <= d <= today),
        pain_days=frozenset(d for d in pain_days if first <= d <= today),
        typed=_mean_by_day(typed_recent),
        counts=(
            sum(1 for r in recent if r.before is not None),
            sum(1 for r in recent if r.after is not None),
            len(typed_recent),
        ),
    )


async def outcome_data(
    uow: UnitOfWork, user_id: int, *, since: date | None = None
) -> tuple[dict[date, float], list[tuple[date, float]]]:
    """The user's morning-stiffness minutes by local date and completed PEG scores (from `since` on, if given)."""
    first = since or date.min
    minutes = {
        row.local_date: float(row.minutes)
        for row in await uow.outcomes.stiffness_of(user_id)
        if row.local_date >= first
    }
    peg = [
        (c.local_date, outcomes.peg_score(c.pain, c.enjoyment, c.activity))
        for c in await uow.outcomes.checkins_of(user_id)
        if c.status == "done"
        and c.pain is not None
        and c.enjoyment is not None
        and c.activity is not None
        and c.local_date >= first
    ]
    return minutes, peg


async def progress(uow: UnitOfWork, scope: UserScope, *, since: date | None = None) -> ProgressReport | None:
    """The user's progress over the last 30 days; None for an unknown user. `since`: only the data from that local
    date on (what a coach may see when the client shares no history from before the link)."""
    user_id, today = scope.user_id, scope.today
    if await uow.users.get(user_id) is None:
        return None
    history = UserHistory(uow.session)
    sessions = await history.sessions(user_id, since=since)  # all of them: the streak may be longer than the chart
    ratings = [r for r in await uow.ratings.of_user(user_id) if since is None or r.local_date >= since]
    skips = {s.local_date: s.reason for s in await history.skipped_days(user_id, since=since)}
    minutes, peg = await outcome_data(uow, user_id, since=since)
    paused = await paused_days(uow, user_id, today, since=since)
    pain = frozenset(e.local_date for e in await history.safety_events(user_id, since=since))
    return build_report(today, sessions, ratings, skips, minutes=minutes, peg=peg, paused=paused, pain_days=pain)


async def paused_days(uow: UnitOfWork, user_id: int, today: date, since: date | None = None) -> set[date]:
    """The local dates the user was paused, up to today (at most MAX_CHART_DAYS back unless `since`)."""
    start = since or today - timedelta(days=MAX_CHART_DAYS)
    result: set[date] = set()
    for period in await uow.outcomes.pauses_of(user_id):
        day = max(period.first_date, start)
        end = min(period.until_date or today + timedelta(days=1), today + timedelta(days=1))
        while day < end:
            result.add(day)
            day += timedelta(days=1)
    return result


async def recent_history(uow: UnitOfWork, scope: UserScope, days: int = HISTORY_DAYS) -> list[HistoryDay] | None:
    """The last `days` local days that have anything, newest first; None for an unknown user."""
    user_id, zone, today = scope.user_id, scope.zone, scope.today
    if await uow.users.get(user_id) is None:
        return None
    first = today - timedelta(days=days - 1)
    history = UserHistory(uow.session)
    ratings = await uow.ratings.of_user(user_id, since=first)
    by_session = _session_ratings(ratings)
    result: dict[date, HistoryDay] = {}

    def day_of(day: date) -> HistoryDay:
        return result.setdefault(day, HistoryDay(day))

    for s in await history.sessions(user_id, since=first):
        values = by_session.get(s.id, {})
        day_of(s.local_date).entries.append(
            SessionEntry(values.get("before"), values.get("after"), s.gentle, s.status == "finished")
        )
    for rating in ratings:
        if rating.kind == "adhoc":
            day_of(rating.local_date).entries.append(
                AdhocEntry(rating.value, rating.created_at.astimezone(zone).time())
            )
    for skip in await history.skipped_days(user_id, since=first):
        entries = day_of(skip.local_date).entries
        if skip.reason == PAUSED and any(isinstance(e, SessionEntry) and e.finished for e in entries):
            continue  # done on the day a pause began: the stretch is what counts
        entries.append(SkipEntry(skip.reason))
    worst: dict[date, str] = {}
    for event in await history.safety_events(user_id, since=first):
        known = worst.get(event.local_date)
        if event.kind in SEVERITY and (known is None or SEVERITY.index(event.kind) < SEVERITY.index(known)):
            worst[event.local_date] = event.kind
    for day, kind in worst.items():
        day_of(day).entries.append(PainEntry(kind))
    return [result[d] for d in sorted(result, reverse=True) if d <= today]
