"""Gathering the one-page /report for a physio: the user's whole history or the last N days, as plain facts.

Builds on `bot.services.progress.build_report` (the same baseline and change numbers as /progress) and adds the
weekly trends, adherence (days done of days planned, paused days not planned: the 80% cut-off), streaks, skip
reasons, left vs right, safety events and the gentle sessions. No telegram, no rendering.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from bot.db.repositories.history import UserHistory
from bot.db.unit_of_work import UnitOfWork
from bot.domain import outcomes, stats
from bot.services import progress
from bot.services.coaching import prescriptions
from bot.services.user_scope import UserScope

PERIODS = (28, 90, 0)  # the period buttons: last 4 weeks, last 3 months, everything (0)
MAX_DAYS = 3660


@dataclass(frozen=True, slots=True)
class WeekRow:
    start: date
    before: float | None  # mean before-rating
    after: float | None  # mean after-rating
    minutes: float | None  # median morning-stiffness minutes
    done: int


@dataclass(frozen=True, slots=True)
class ReportFacts:
    start: date
    end: date
    progress: progress.ProgressReport  # the chart's data over the period, baseline and change
    weeks: tuple[WeekRow, ...]
    adherence: outcomes.Adherence
    paused_days: int
    current_streak: int
    longest_streak: int
    skip_reasons: dict[str, int]  # reason ("" = none given) -> days
    sides: dict[str, int]  # left / right / same -> sessions
    safety: dict[str, int]  # red_flag / warning / pain -> events
    safety_dates: tuple[tuple[date, str], ...]  # (date, kind) of red flags and warnings
    gentle_sessions: int
    sessions_started: int
    routine_id: str
    # The coach's prescription the routine follows now (hold, repetitions), None: as written.
    prescription: dict[str, Any] | None = None

    @property
    def has_data(self) -> bool:
        return self.progress.has_data or self.sessions_started > 0


async def gather(uow: UnitOfWork, scope: UserScope, days: int = 0, *, since: date | None = None) -> ReportFacts | None:
    """The facts for the last `days` days (0: the whole history); None for an unknown user. `since`: nothing from
    before that local date (a coach's view when the client shares no history from before the link)."""
    user = await uow.users.get(scope.user_id)
    if user is None:
        return None
    today = scope.today
    first = since or date.min
    history = UserHistory(uow.session)
    sessions = [s for s in await history.sessions(scope.user_id, since=since) if s.local_date <= today]
    ratings = [r for r in await uow.ratings.of_user(scope.user_id) if first <= r.local_date <= today]
    skip_rows = await history.skipped_days(scope.user_id, since=since)
    skips = {s.local_date: s.reason for s in skip_rows}
    minutes, peg = await progress.outcome_data(uow, scope.user_id, since=since)
    known = [s.local_date for s in sessions] + [r.local_date for r in ratings] + list(skips) + list(minutes)
    first_known = min(known, default=today)
    start = today - timedelta(days=days - 1) if days else max(first_known, today - timedelta(days=MAX_DAYS - 1))
    if since is not None:
        start = min(max(start, since), today)
    paused = await progress.paused_days(uow, scope.user_id, today, since=start)
    report = progress.build_report(
        today, sessions, ratings, skips, days=(today - start).days + 1, minutes=minutes, peg=peg, paused=paused
    )
    in_period = [s for s in sessions if start <= s.local_date <= today]
    done = {s.local_date for s in sessions if s.status == "finished"}
    onboarded = (user.onboarded_at or user.created_at).astimezone(scope.zone).date()
    planned_from = max(start, min(onboarded, first_known))
    adherence = outcomes.adherence(
        {d for d in done if d >= planned_from}, planned_from, today, not_planned={d for d in paused if d <= today}
    )
    excused = {d for d, reason in skips.items() if reason and d not in done}
    weeks = []
    week_start = start
    while week_start <= today:
        week_end = min(week_start + timedelta(days=6), today)
        befores = [v for d, v in report.before.items() if week_start <= d <= week_end]
        afters = [v for d, v in report.after.items() if week_start <= d <= week_end]
        mins = [v for d, v in minutes.items() if week_start <= d <= week_end]
        weeks.append(
            WeekRow(
                week_start,
                outcomes.mean(befores) if befores else None,
                outcomes.mean(afters) if afters else None,
                outcomes.median(mins) if mins else None,
                sum(1 for d in done if week_start <= d <= week_end),
            )
        )
        week_start += timedelta(days=7)
    events = [e for e in await history.safety_events(scope.user_id) if start <= e.local_date <= today]
    current_streak = stats.current_streak(done, excused, today)
    plan = await prescriptions.plan_for(uow, scope.user_id)
    return ReportFacts(
        start=start,
        end=today,
        progress=report,
        weeks=tuple(weeks),
        adherence=adherence,
        paused_days=len([d for d in paused if start <= d <= today]),
        current_streak=current_streak,
        # The same rules as the current streak, which is itself a run: the longest is never shorter.
        longest_streak=max(
            current_streak,
            outcomes.longest_streak(
                {d for d in done if start <= d <= today}, {d for d in excused if start <= d <= today}
            ),
        ),
        skip_reasons=dict(
            Counter(reason or "" for d, reason in skips.items() if start <= d <= today and d not in done).most_common()
        ),
        sides=dict(Counter(s.tighter_side for s in in_period if s.tighter_side in stats.SIDES).most_common()),
        safety=dict(Counter(e.kind for e in events).most_common()),
        safety_dates=tuple((e.local_date, e.kind) for e in events if e.kind in ("red_flag", "warning")),
        gentle_sessions=sum(1 for s in in_period if s.gentle),
        sessions_started=len(in_period),
        routine_id=plan.routine_id if plan is not None else user.routine_id,
        prescription=plan.overrides if plan is not None else None,
    )
