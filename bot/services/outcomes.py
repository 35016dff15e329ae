"""The outcome questions' answers: morning-stiffness minutes (daily) and the weekly PEG check-in, and the weekly
summary that follows a check-in. The open question is recorded through `bot.services.questions` (the one open
question per user): `QuestionKind.STIFFNESS` (ref: the local date's ordinal) or `QuestionKind.PEG` (ref: the
check-in id; the item asked is the row's first unanswered one: 0-2, pain, enjoyment, activity).

Every answer is checked against the database: a button or text that no longer fits returns `NotExpected` and
changes nothing. A question is only given the typed-answer slot if nothing else is waiting for one.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.db.models import MorningStiffness, User, WeeklyCheckin
from bot.db.repositories.history import UserHistory
from bot.db.unit_of_work import UnitOfWork
from bot.domain import outcomes
from bot.services import questions
from bot.services.outcome_schedule import schedule_prompts
from bot.services.questions import OpenQuestion, QuestionKind
from bot.services.user_scope import UserScope

PEG_ITEMS = ("pain", "enjoyment", "activity")
ANSWER_DAYS = 2  # a stiffness answer may be for today or up to this many days back (a late tap)


@dataclass(frozen=True, slots=True)
class NotExpected:
    """The answer does not fit a question that is open now: nothing changed."""


@dataclass(frozen=True, slots=True)
class StiffnessSaved:
    local_date: date
    minutes: int
    replaced: bool


@dataclass(frozen=True, slots=True)
class WeeklySummary:
    days: int  # days planned in the week the summary covers (fewer in a first week, or with paused days)
    done: int
    stiffness_now: float | None  # median minutes, this week
    stiffness_first: float | None  # median minutes, the first week with answers (the baseline)
    first_is_now: bool  # this week is the first week: nothing to compare with yet
    change: float | None  # mean after - before this week
    change_sessions: int
    peg: float | None
    peg_first: float | None

    @property
    def adherence(self) -> outcomes.Adherence:
        return outcomes.Adherence(self.done, self.days)


@dataclass(frozen=True, slots=True)
class PegStep:
    checkin_id: int
    next_item: int | None  # the next item to ask, or None when done
    summary: WeeklySummary | None  # when done


@dataclass(frozen=True, slots=True)
class Awaiting:
    kind: str  # "stiffness" | "peg"
    local_date: date | None = None
    checkin_id: int = 0
    item: int = 0


async def awaiting(uow: UnitOfWork, user_id: int, question: OpenQuestion) -> Awaiting | None:
    """What the open question (one of this flow's kinds) waits for, or None if it no longer fits."""
    if question.kind == QuestionKind.STIFFNESS and question.ref is not None:
        return Awaiting("stiffness", local_date=date.fromordinal(question.ref))
    if question.kind == QuestionKind.PEG and question.ref is not None:
        row = await uow.outcomes.checkin(question.ref, user_id)
        item = _next_item(row) if row is not None and row.status == "asked" else None
        return Awaiting("peg", checkin_id=question.ref, item=item) if item is not None else None
    return None


async def waiting_for(uow: UnitOfWork, user_id: int, now: datetime) -> Awaiting | None:
    """This flow's open question for the user, if one is open now."""
    question = await questions.is_open(uow, user_id, now, *questions.DECLINABLE)
    return await awaiting(uow, user_id, question) if question is not None else None


async def _may_take_slot(uow: UnitOfWork, user_id: int, now: datetime) -> bool:
    """Nothing else waits for a typed answer (another flow's question, the running routine's)."""
    question = await questions.open_question(uow, user_id, now)
    return question is None or question.kind in questions.DECLINABLE


async def ask_stiffness(uow: UnitOfWork, user_id: int, local_date: date, now: datetime) -> bool:
    """The question for `local_date` goes out: typed answers go to it (if no other question waits); False if the
    user already answered for that date (nothing to ask)."""
    user = await uow.users.get(user_id, for_update=True)
    if user is None or await uow.outcomes.stiffness_on(user_id, local_date) is not None:
        return False
    if await _may_take_slot(uow, user_id, now):
        await questions.ask(uow, user_id, QuestionKind.STIFFNESS, now, ref=local_date.toordinal())
    return True


async def save_stiffness(
    uow: UnitOfWork, scope: UserScope, local_date: date, minutes: int, source: str
) -> StiffnessSaved | NotExpected:
    """Store (or replace) the minutes for `local_date` (today or shortly before)."""
    user = await uow.users.get(scope.user_id, for_update=True)
    if user is None or user.onboarding_step is not None:
        return NotExpected()
    if not scope.today - timedelta(days=ANSWER_DAYS) <= local_date <= scope.today:
        return NotExpected()
    minutes = outcomes.capped_minutes(minutes)
    row = await uow.outcomes.stiffness_on(scope.user_id, local_date)
    replaced = row is not None
    if row is None:
        uow.session.add(
            MorningStiffness(
                user_id=scope.user_id,
                local_date=local_date,
                minutes=minutes,
                source=source,
                created_at=scope.now,
                updated_at=scope.now,
            )
        )
    else:
        row.minutes, row.source, row.updated_at = minutes, source, scope.now
    await questions.clear(uow, scope.user_id, QuestionKind.STIFFNESS)
    return StiffnessSaved(local_date, minutes, replaced)


async def decline(uow: UnitOfWork, scope: UserScope) -> Awaiting | None:
    """Skip / not now to the open question: stop waiting for it (a check-in is marked declined)."""
    waiting = await waiting_for(uow, scope.user_id, scope.now)
    await questions.clear(uow, scope.user_id, *questions.DECLINABLE)
    if waiting is None:
        return None
    if waiting.kind == "peg":
        await decline_checkin(uow, scope, waiting.checkin_id)
    return waiting


async def open_checkin(uow: UnitOfWork, user_id: int, local_date: date, now: datetime) -> WeeklyCheckin | None:
    """The week's check-in row (asked), with typed answers going to its first item; None if already answered."""
    user = await uow.users.get(user_id, for_update=True)
    if user is None:
        return None
    row = await uow.outcomes.checkin_on(user_id, local_date)
    if row is not None and row.status != "asked":
        return None
    if row is None:
        row = WeeklyCheckin(user_id=user_id, local_date=local_date, status="asked", created_at=now)
        uow.session.add(row)
        await uow.flush()
    if await _may_take_slot(uow, user_id, now):
        await questions.ask(uow, user_id, QuestionKind.PEG, now, ref=row.id)
    return row


def _next_item(row: WeeklyCheckin) -> int | None:
    for index, name in enumerate(PEG_ITEMS):
        if getattr(row, name) is None:
            return index
    return None


async def answer_peg(
    uow: UnitOfWork, scope: UserScope, checkin_id: int, item: int, value: int
) -> PegStep | NotExpected:
    """One PEG item answered (the one asked now); the next item to ask, or the weekly summary when done."""
    user = await uow.users.get(scope.user_id, for_update=True)
    row = await uow.outcomes.checkin(checkin_id, scope.user_id)
    if user is None or row is None or row.status != "asked" or not 0 <= value <= 10 or _next_item(row) != item:
        return NotExpected()
    setattr(row, PEG_ITEMS[item], value)
    following = _next_item(row)
    if following is not None:
        if await _may_take_slot(uow, scope.user_id, scope.now):  # typed answers go to the next item
            await questions.ask(uow, scope.user_id, QuestionKind.PEG, scope.now, ref=row.id)
        return PegStep(row.id, following, None)
    row.status, row.completed_at = "done", scope.now
    await questions.clear(uow, scope.user_id, QuestionKind.PEG)
    await uow.flush()
    return PegStep(row.id, None, await weekly_summary(uow, scope, user))


async def decline_checkin(uow: UnitOfWork, scope: UserScope, checkin_id: int) -> bool:
    row = await uow.outcomes.checkin(checkin_id, scope.user_id)
    if row is None or row.status != "asked":
        return False
    row.status = "declined"
    await questions.clear(uow, scope.user_id, QuestionKind.PEG)
    return True


def _median(values: list[float]) -> float | None:
    return float(statistics.median(values)) if values else None


async def weekly_summary(uow: UnitOfWork, scope: UserScope, user: User) -> WeeklySummary:
    """The last 7 days against the first week: sessions done, stiffness minutes, before/after, PEG."""
    today = scope.today
    first_day = today - timedelta(days=6)
    start = (user.onboarded_at or user.created_at).astimezone(scope.zone).date()
    first_planned = max(first_day, start)
    paused = set()
    for period in await uow.outcomes.pauses_of(scope.user_id):  # paused days are not planned
        day = max(period.first_date, first_planned)
        while day <= today and (period.until_date is None or day < period.until_date):
            paused.add(day)
            day += timedelta(days=1)
    days = (today - first_planned).days + 1 - len(paused)
    history = UserHistory(uow.session)
    sessions = await history.sessions(scope.user_id, since=first_day)
    done = len({s.local_date for s in sessions if s.status == "finished" and s.local_date <= today})
    ratings = await uow.ratings.of_user(scope.user_id, since=first_day)
    by_session: dict[int, dict[str, float]] = {}
    for rating in ratings:
        if rating.session_id is not None and rating.kind in ("before", "after"):
            by_session.setdefault(rating.session_id, {})[rating.kind] = rating.value
    changes = [v["after"] - v["before"] for v in by_session.values() if "before" in v and "after" in v]
    minutes = await uow.outcomes.stiffness_of(scope.user_id)
    baseline_rows = minutes[: outcomes.BASELINE_DAYS]
    this_week = [float(m.minutes) for m in minutes if first_day <= m.local_date <= today]
    # Until the first week's answers are all older than this week, there is nothing else to compare with.
    first_is_now = not baseline_rows or baseline_rows[-1].local_date >= first_day
    checkins = [c for c in await uow.outcomes.checkins_of(scope.user_id) if c.status == "done"]
    scores = [
        outcomes.peg_score(c.pain, c.enjoyment, c.activity)
        for c in checkins
        if c.pain is not None and c.enjoyment is not None and c.activity is not None
    ]
    return WeeklySummary(
        days=max(days, 1),
        done=done,
        stiffness_now=_median(this_week),
        stiffness_first=_median([float(m.minutes) for m in baseline_rows]),
        first_is_now=first_is_now,
        change=statistics.fmean(changes) if changes else None,
        change_sessions=len(changes),
        peg=scores[-1] if scores else None,
        peg_first=scores[0] if len(scores) > 1 else None,
    )


async def set_switch(uow: UnitOfWork, scope: UserScope, what: str, on: bool) -> bool | None:
    """Turn the stiffness question ("stiffness") or the weekly check-in ("weekly") on or off; None if not set up."""
    user = await uow.users.get(scope.user_id, for_update=True)
    if user is None or user.onboarding_step is not None or what not in ("stiffness", "weekly"):
        return None
    if what == "stiffness":
        user.ask_stiffness = on
    else:
        user.weekly_checkin = on
    if not on:
        await questions.clear(uow, scope.user_id, QuestionKind.STIFFNESS if what == "stiffness" else QuestionKind.PEG)
    user.updated_at = scope.now
    await schedule_prompts(uow, user, scope.now, scope.default_timezone)
    return on
