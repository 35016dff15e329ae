"""When a user's outcome questions come (`outcome_prompts`: the database is the schedule), and claiming them.

* The morning-stiffness question is for each local date the morning reminder is for; `next_due_at` is that
  reminder's time, and the prompter sends the question `stiffness_delay` later (content: coach.yaml).
* The weekly check-in comes every 7 days at the reminder's time: a week after set-up, then a week after the last
  one (a pause moves it on by whole weeks).

Nothing is scheduled for a user who is paused (until the pause ends), stopped, blocked, or switched it off, and a
question the prompter could not send in time (`STALE_AFTER`) is dropped: a morning question is not asked at night.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo

from sqlalchemy import select

from bot.db.models import OutcomePrompt, ReminderSlot, User
from bot.db.unit_of_work import UnitOfWork
from bot.domain.local_time import user_zone
from bot.domain.schedule import local_date_at, next_occurrence_respecting_pause, occurrence_on

STIFFNESS = "stiffness"
WEEKLY = "weekly"
KINDS = (STIFFNESS, WEEKLY)
WEEK = 7
LOOK_BACK = timedelta(hours=12)  # a question of today whose time passed is still scheduled (the delay may be ahead)
STALE_AFTER = timedelta(hours=4)  # a question this late after its send time is dropped, not sent


def _paused_on(user: User, day: date) -> bool:
    return user.paused_until is not None and day < user.paused_until


def _wanted(user: User, kind: str) -> bool:
    if user.status != "active" or user.onboarding_step is not None or user.timezone is None:
        return False
    return user.ask_stiffness if kind == STIFFNESS else user.weekly_checkin


def origin_date(user: User, zone: tzinfo) -> date:
    """The local date the weekly cycle counts from: the day set-up finished."""
    start = user.onboarded_at or user.created_at
    return local_date_at(start, zone)


def next_stiffness(user: User, morning: time, zone: tzinfo, after: datetime, last: date | None) -> datetime:
    candidate = next_occurrence_respecting_pause(morning, zone, after, user.paused_until)
    while last is not None and local_date_at(candidate, zone) <= last:
        candidate = next_occurrence_respecting_pause(morning, zone, candidate, user.paused_until)
    return candidate


def next_weekly(user: User, morning: time, zone: tzinfo, after: datetime, last: date | None) -> datetime:
    origin = last if last is not None else origin_date(user, zone)
    start = local_date_at(after, zone)
    weeks = max(1, -(-(start - origin).days // WEEK))
    day = origin + timedelta(days=WEEK * weeks)
    while _paused_on(user, day) or occurrence_on(day, morning, zone) <= after:
        day += timedelta(days=WEEK)
    return occurrence_on(day, morning, zone)


async def _morning(uow: UnitOfWork, user_id: int) -> time | None:
    statement = select(ReminderSlot).where(ReminderSlot.user_id == user_id, ReminderSlot.slot == 1)
    slot = (await uow.session.execute(statement)).scalar_one_or_none()
    return slot.local_time if slot is not None and slot.enabled else None


def _next(user: User, kind: str, morning: time, zone: tzinfo, after: datetime, last: date | None) -> datetime:
    if kind == STIFFNESS:
        return next_stiffness(user, morning, zone, after, last)
    return next_weekly(user, morning, zone, after, last)


async def schedule_prompts(uow: UnitOfWork, user: User, now: datetime, default_timezone: str) -> None:
    """Recompute when the user's outcome questions come next (after any change of settings or pause)."""
    morning = await _morning(uow, user.id)
    zone = user_zone(user.timezone, default_timezone)
    for kind in KINDS:
        row = await uow.outcomes.prompt(user.id, kind)
        if morning is None or not _wanted(user, kind) or user.paused_until == date(9999, 12, 31):
            row.next_due_at = None
            continue
        row.next_due_at = _next(user, kind, morning, zone, now - LOOK_BACK, row.last_local_date)
    await uow.flush()


async def any_due(uow: UnitOfWork, kind: str, due_before: datetime) -> bool:
    """Whether any prompt of `kind` is due (a read: a tick with nothing due writes nothing)."""
    statement = (
        select(OutcomePrompt.id).where(OutcomePrompt.kind == kind, OutcomePrompt.next_due_at <= due_before).limit(1)
    )
    return (await uow.session.execute(statement)).first() is not None


@dataclass(frozen=True, slots=True)
class DuePrompt:
    """A question to send now (already moved on in the schedule): whom, which kind, for which local date."""

    user_id: int
    chat_id: int
    kind: str
    local_date: date
    stale: bool
    language: str = "en"  # the user's language (asked in it)


async def claim_due(
    uow: UnitOfWork, kind: str, now: datetime, delay: timedelta, default_timezone: str, limit: int = 200
) -> list[DuePrompt]:
    """The prompts of `kind` whose time (plus `delay`) has come, each moved on to its next time in this unit of
    work (so a crash after the commit sends it at most once)."""
    claimed: list[DuePrompt] = []
    for row in await uow.outcomes.due(kind, now - delay, limit):
        user = await uow.users.get(row.user_id, for_update=True)
        assert row.next_due_at is not None
        due = row.next_due_at
        if user is None:
            row.next_due_at = None
            continue
        zone = user_zone(user.timezone, default_timezone)
        day = local_date_at(due, zone)
        morning = await _morning(uow, user.id)
        row.last_local_date = day
        if morning is None or not _wanted(user, kind) or _paused_on(user, day):
            await schedule_prompts(uow, user, now, default_timezone)
            continue
        row.next_due_at = _next(user, kind, morning, zone, max(due, now - LOOK_BACK), day)
        claimed.append(
            DuePrompt(user.id, user.chat_id, kind, day, stale=now - (due + delay) > STALE_AFTER, language=user.language)
        )
    return claimed
