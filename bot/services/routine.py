"""The guided routine over the database: starting a session, the before rating and the gentle offer, and feeding
taps and timers to the walkthrough machine (`bot.domain.routine_machine`).

Every function runs inside the caller's unit of work and returns an `Outcome` (what happened, the machine's
effects, the timer to arm) for the caller to render and act on after the commit. Sessions are read with
`for_update` (PostgreSQL row lock; SQLite serialises writers with BEGIN IMMEDIATE), so the check of `seq` and the
write that follows cannot interleave with another tap or a timer. Nothing here trusts callback data: the session
must exist, belong to the user and still be active.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Literal

from sqlalchemy.exc import IntegrityError

from bot.content.loader import Content
from bot.db.models import RoutineSession, User
from bot.db.unit_of_work import UnitOfWork
from bot.domain.routine_effects import (
    Effect,
    Finished,
    Ignored,
    Phase,
    ScheduleTimer,
    Stale,
    Stopped,
)
from bot.domain.routine_events import (
    AfterRating,
    Begin,
    Event,
    Restore,
    Skip,
    TighterSide,
    TimerKind,
)
from bot.domain.routine_machine import RoutineState, initial_state, transition
from bot.domain.routine_model import Routine
from bot.domain.schedule import local_date_at
from bot.domain.timezones import resolve_zone
from bot.services.ratings import RatingSource, needs_gentle_option, save_rating
from bot.services.skips import mark_reminder_skipped, record_skip

log = logging.getLogger(__name__)

ABANDON_AFTER = timedelta(hours=12)
_TIMED = (Phase.HOLDING, Phase.RESTING)


class OutcomeKind(StrEnum):
    APPLIED = "applied"  # the machine moved (or Restore re-emitted the view): render `effects`
    ASK_BEFORE = "ask_before"  # a session waits for the before rating
    ASK_GENTLE = "ask_gentle"  # a high before rating: offer the gentler version first
    EXISTING = "existing"  # a session is already running: offer Resume / Start over
    SKIPPED_TODAY = "skipped_today"  # the user chose to skip today at the gentle offer
    INTERRUPTED = "interrupted"  # the stored state cannot be continued: ask to start over or stop
    STOPPED = "stopped"  # stopped from the "interrupted" question
    STALE = "stale"  # an old seq (double tap, old button, old timer): nothing changed
    IGNORED = "ignored"  # the event made no sense now: nothing changed
    OVER = "over"  # the session is finished, stopped or abandoned: nothing changed
    NOT_FOUND = "not_found"  # no such session for this user (or forged data): nothing changed
    NOT_STARTED = "not_started"  # the user never used /start


@dataclass(frozen=True, slots=True)
class TimerPlan:
    session_id: int
    user_id: int
    chat_id: int
    timer_seq: int
    kind: TimerKind
    due_at: datetime
    delay_seconds: float  # real seconds (already divided by the time scale)


@dataclass
class Outcome:
    kind: OutcomeKind
    session_id: int | None = None
    user_id: int | None = None
    chat_id: int | None = None
    routine: Routine | None = None
    state: RoutineState | None = None
    effects: list[Effect] = field(default_factory=list)
    live_message_id: int | None = None
    before: float | None = None
    after: float | None = None
    timer: TimerPlan | None = None
    cancel_timers: bool = False
    fresh: bool = False  # render the view anew (resume), rather than editing an old live message
    began: bool = False  # the walkthrough has just begun (show the routine's introduction first)
    # EXISTING: what the new start carried, for "Start over".
    delivery_id: int | None = None
    carried_before: float | None = None


@dataclass(frozen=True, slots=True)
class Pacing:
    """How fast the walkthrough runs: the live message's tick and the time scale (tests run timers faster)."""

    tick_seconds: int
    time_scale: float = 1.0


def _local_date(user: User, now: datetime, default_timezone: str) -> date:
    try:
        zone = resolve_zone(user.timezone or default_timezone)
    except Exception:  # an unknown stored zone never blocks a stretch
        zone = resolve_zone("UTC")
    return local_date_at(now, zone)


def _outcome(kind: OutcomeKind, session: RoutineSession, chat_id: int, routine: Routine, **kw: object) -> Outcome:
    return Outcome(
        kind,
        session_id=session.id,
        user_id=session.user_id,
        chat_id=chat_id,
        routine=routine,
        live_message_id=session.live_message_id,
        **kw,  # type: ignore[arg-type]
    )


def _clear_timer(session: RoutineSession) -> None:
    session.timer_due_at = None
    session.timer_kind = None


def _close(session: RoutineSession, status: str, now: datetime) -> None:
    session.status = status
    session.finished_at = now
    _clear_timer(session)


async def _chat_id(uow: UnitOfWork, user_id: int) -> int:
    user = await uow.users.get(user_id)
    return user.chat_id if user is not None else user_id


# --- starting ---------------------------------------------------------------------------------------


async def start(
    uow: UnitOfWork,
    content: Content,
    *,
    user_id: int,
    delivery_id: int | None,
    before: float | None,
    update_id: int | None,
    now: datetime,
    pacing: Pacing,
    default_timezone: str,
    source: RatingSource = "button",
) -> Outcome:
    """Begin a routine: offer Resume/Start over if one is running (one left for `ABANDON_AFTER` is abandoned
    instead); else create the session and ask the before rating, or take the one given."""
    user = await uow.users.get(user_id, for_update=True)
    if user is None:
        return Outcome(OutcomeKind.NOT_STARTED, user_id=user_id, chat_id=user_id)
    routine = content.routine(user.routine_id)
    active = await uow.sessions.active_of(user_id, for_update=True)
    if active is not None and now - active.started_at > ABANDON_AFTER:
        _close(active, "abandoned", now)
        await uow.flush()
        active = None
    if active is not None:
        return _existing(active, user.chat_id, content, delivery_id, before)
    session = RoutineSession(
        user_id=user_id,
        routine_id=routine.id,
        status="active",
        local_date=_local_date(user, now, default_timezone),
        started_at=now,
        state=initial_state(routine, tick_seconds=pacing.tick_seconds).to_dict(),
        seq=0,
        delivery_id=delivery_id,
        gentle=False,
    )
    try:
        async with uow.session.begin_nested():
            uow.session.add(session)
    except IntegrityError:  # another start won the race for the one active session
        active = await uow.sessions.active_of(user_id)
        if active is None:
            raise
        return _existing(active, user.chat_id, content, delivery_id, before)
    if before is None:
        return _outcome(OutcomeKind.ASK_BEFORE, session, user.chat_id, routine, fresh=True)
    return await _take_before(uow, content, session, user.chat_id, before, source, now, update_id, pacing)


def _existing(
    session: RoutineSession, chat_id: int, content: Content, delivery_id: int | None, before: float | None
) -> Outcome:
    routine = content.routine(session.routine_id)
    return _outcome(OutcomeKind.EXISTING, session, chat_id, routine, delivery_id=delivery_id, carried_before=before)


async def _take_before(
    uow: UnitOfWork,
    content: Content,
    session: RoutineSession,
    chat_id: int,
    value: float | None,
    source: RatingSource,
    now: datetime,
    update_id: int | None,
    pacing: Pacing,
) -> Outcome:
    routine = content.routine(session.routine_id)
    if value is None:
        return await _begin(uow, content, session, chat_id, gentle=False, now=now, pacing=pacing)
    gentle = await needs_gentle_option(uow, session.user_id, value, now, content.coach.safety)
    await save_rating(
        uow,
        user_id=session.user_id,
        value=value,
        kind="before",
        source=source,
        now=now,
        session_id=session.id,
        update_id=update_id,
    )
    if gentle:
        return _outcome(OutcomeKind.ASK_GENTLE, session, chat_id, routine, before=value, fresh=True)
    return await _begin(uow, content, session, chat_id, gentle=False, now=now, pacing=pacing, before=value)


async def _begin(
    uow: UnitOfWork,
    content: Content,
    session: RoutineSession,
    chat_id: int,
    *,
    gentle: bool,
    now: datetime,
    pacing: Pacing,
    before: float | None = None,
) -> Outcome:
    routine = content.routine(session.routine_id)
    state = initial_state(routine, gentle, tick_seconds=pacing.tick_seconds)
    session.gentle = gentle
    new, effects = transition(routine, state, Begin())
    outcome = _outcome(OutcomeKind.APPLIED, session, chat_id, routine, fresh=True, before=before, began=True)
    return _store(session, outcome, new, effects, now, pacing)


async def _open_session(
    uow: UnitOfWork, user_id: int, session_id: int
) -> tuple[RoutineSession | None, OutcomeKind | None]:
    session = await uow.sessions.get(session_id, for_update=True)
    if session is None or session.user_id != user_id:
        return None, OutcomeKind.NOT_FOUND
    if session.status != "active":
        return session, OutcomeKind.OVER
    return session, None


def _new_phase(session: RoutineSession) -> bool:
    return isinstance(session.state, dict) and session.state.get("phase") == Phase.NEW.value


async def answer_before(
    uow: UnitOfWork,
    content: Content,
    *,
    user_id: int,
    session_id: int,
    value: float | None,
    source: RatingSource,
    now: datetime,
    update_id: int | None,
    pacing: Pacing,
) -> Outcome:
    """The before rating (None: skipped) of a session that asked for it."""
    session, problem = await _open_session(uow, user_id, session_id)
    if session is None or problem is not None:
        return Outcome(problem or OutcomeKind.NOT_FOUND, session_id=session_id, user_id=user_id)
    chat_id = await _chat_id(uow, user_id)
    if not _new_phase(session) or await uow.ratings.of_session(session.id, "before") is not None:
        return Outcome(OutcomeKind.IGNORED, session_id=session_id, user_id=user_id, chat_id=chat_id)
    return await _take_before(uow, content, session, chat_id, value, source, now, update_id, pacing)


async def answer_gentle(
    uow: UnitOfWork,
    content: Content,
    *,
    user_id: int,
    session_id: int,
    choice: Literal["gentle", "normal", "skip"],
    now: datetime,
    pacing: Pacing,
) -> Outcome:
    session, problem = await _open_session(uow, user_id, session_id)
    if session is None or problem is not None:
        return Outcome(problem or OutcomeKind.NOT_FOUND, session_id=session_id, user_id=user_id)
    chat_id = await _chat_id(uow, user_id)
    before = await uow.ratings.of_session(session.id, "before")
    if not _new_phase(session) or before is None:
        return Outcome(OutcomeKind.IGNORED, session_id=session_id, user_id=user_id, chat_id=chat_id)
    routine = content.routine(session.routine_id)
    if choice == "skip":
        # Too stiff today: a day skipped for a flare-up, which does not break the streak.
        _close(session, "stopped", now)
        await record_skip(uow, user_id, session.local_date, "flare_up", now)
        await mark_reminder_skipped(uow, session.delivery_id)
        return _outcome(OutcomeKind.SKIPPED_TODAY, session, chat_id, routine)
    return await _begin(
        uow, content, session, chat_id, gentle=choice == "gentle", now=now, pacing=pacing, before=before.value
    )


async def answer_existing(
    uow: UnitOfWork,
    content: Content,
    *,
    user_id: int,
    session_id: int,
    choice: Literal["resume", "over", "stop"],
    delivery_id: int | None,
    before: float | None,
    now: datetime,
    pacing: Pacing,
    default_timezone: str,
) -> Outcome:
    """Resume the running session (its view is shown anew), start over, or stop it."""
    session, problem = await _open_session(uow, user_id, session_id)
    if session is None or problem is not None:
        return Outcome(problem or OutcomeKind.NOT_FOUND, session_id=session_id, user_id=user_id)
    chat_id = await _chat_id(uow, user_id)
    routine = content.routine(session.routine_id)
    if choice == "stop":
        _close(session, "stopped", now)
        return _outcome(OutcomeKind.STOPPED, session, chat_id, routine, cancel_timers=True)
    if choice == "over":
        _close(session, "stopped", now)
        await uow.flush()
        outcome = await start(
            uow,
            content,
            user_id=user_id,
            delivery_id=delivery_id,
            before=before,
            update_id=None,
            now=now,
            pacing=pacing,
            default_timezone=default_timezone,
        )
        outcome.cancel_timers = True
        outcome.fresh = True
        return outcome
    return await _resume(uow, session, chat_id, routine, now, pacing)


async def _resume(
    uow: UnitOfWork, session: RoutineSession, chat_id: int, routine: Routine, now: datetime, pacing: Pacing
) -> Outcome:
    if _new_phase(session):
        before = await uow.ratings.of_session(session.id, "before")
        if before is None:
            return _outcome(OutcomeKind.ASK_BEFORE, session, chat_id, routine, fresh=True)
        return _outcome(OutcomeKind.ASK_GENTLE, session, chat_id, routine, before=before.value, fresh=True)
    try:
        state = RoutineState.from_dict(session.state or {})
        new, effects = transition(routine, state, Restore())
    except ValueError:
        return _outcome(OutcomeKind.INTERRUPTED, session, chat_id, routine, fresh=True)
    outcome = _outcome(OutcomeKind.APPLIED, session, chat_id, routine, fresh=True, cancel_timers=True)
    return _store(session, outcome, new, effects, now, pacing)


# --- the walkthrough ---------------------------------------------------------------------------------


async def apply_event(
    uow: UnitOfWork,
    content: Content,
    *,
    user_id: int,
    session_id: int,
    event: Event,
    now: datetime,
    pacing: Pacing,
    source: RatingSource = "button",
    update_id: int | None = None,
) -> Outcome:
    """Feed a tap (or a typed answer, or a fired timer) to the machine of the user's session."""
    session, problem = await _open_session(uow, user_id, session_id)
    if session is None or problem is not None:
        return Outcome(problem or OutcomeKind.NOT_FOUND, session_id=session_id, user_id=user_id)
    chat_id = await _chat_id(uow, user_id)
    routine = content.routine(session.routine_id)
    try:
        state = RoutineState.from_dict(session.state or {})
        new, effects = transition(routine, state, event)
    except ValueError:
        log.warning("routine session %s cannot be continued (state or content changed)", session.id)
        return _outcome(OutcomeKind.INTERRUPTED, session, chat_id, routine, fresh=True)
    if effects and isinstance(effects[0], Stale):
        return _outcome(OutcomeKind.STALE, session, chat_id, routine, state=state)
    if effects and isinstance(effects[0], Ignored):
        return _outcome(OutcomeKind.IGNORED, session, chat_id, routine, state=state)
    before = await uow.ratings.of_session(session.id, "before")
    outcome = _outcome(
        OutcomeKind.APPLIED, session, chat_id, routine, before=before.value if before is not None else None
    )
    if isinstance(event, AfterRating) and new.after_rating is not None:
        await save_rating(
            uow,
            user_id=user_id,
            value=new.after_rating,
            kind="after",
            source=source,
            now=now,
            session_id=session.id,
            update_id=update_id,
        )
    if isinstance(event, TighterSide | Skip) and new.phase == Phase.FINISHED:
        session.tighter_side = new.tighter_side
    return _store(session, outcome, new, effects, now, pacing)


def _store(
    session: RoutineSession,
    outcome: Outcome,
    new: RoutineState,
    effects: list[Effect],
    now: datetime,
    pacing: Pacing,
) -> Outcome:
    """Save the new state and its pending timer on the session; fill the outcome."""
    session.state = new.to_dict()
    session.seq = new.seq
    outcome.state = new
    outcome.effects = effects
    outcome.after = new.after_rating
    timer = next((effect for effect in effects if isinstance(effect, ScheduleTimer)), None)
    if timer is not None:
        delay = timer.after_seconds / pacing.time_scale
        due = now + timedelta(seconds=delay)
        session.timer_due_at = due
        session.timer_kind = timer.kind.value
        outcome.timer = TimerPlan(
            session.id, session.user_id, outcome.chat_id or session.user_id, timer.timer_seq, timer.kind, due, delay
        )
    elif new.phase not in _TIMED:
        _clear_timer(session)
    if any(isinstance(effect, Finished) for effect in effects):
        stopped = any(isinstance(effect, Stopped) for effect in effects)
        _close(session, "stopped" if stopped else "finished", now)
        outcome.cancel_timers = True
    return outcome


async def waiting_for_rating(uow: UnitOfWork, user_id: int) -> tuple[str, int, int] | None:
    """("before" | "after", session id, seq) when the user's active session waits for a rating, else None."""
    session = await uow.sessions.active_of(user_id)
    if session is None or not isinstance(session.state, dict):
        return None
    phase = session.state.get("phase")
    if phase == Phase.NEW.value:
        if await uow.ratings.of_session(session.id, "before") is None:
            return "before", session.id, session.seq
        return None
    if phase == Phase.ASK_AFTER_RATING.value:
        return "after", session.id, session.seq
    return None


async def set_live_message(uow: UnitOfWork, session_id: int, message_id: int) -> None:
    session = await uow.sessions.get(session_id, for_update=True)
    if session is not None:
        session.live_message_id = message_id


@dataclass(frozen=True, slots=True)
class PendingTimer:
    """An active session's pending timer at start-up; `plan` is None when the session cannot be continued."""

    session_id: int
    user_id: int
    chat_id: int
    routine_title: str
    plan: TimerPlan | None


async def pending_timers(uow: UnitOfWork, content: Content, now: datetime) -> list[PendingTimer]:
    """Every active session's pending timer, re-armed from `timer_due_at` (an overdue one fires at once)."""
    found = []
    for session in await uow.sessions.active_with_timers():
        chat_id = await _chat_id(uow, session.user_id)
        routine = content.routine(session.routine_id)
        due = session.timer_due_at
        assert due is not None
        plan: TimerPlan | None = None
        try:
            state = RoutineState.from_dict(session.state or {})
            transition(routine, state, Restore())  # raises if the content no longer fits the state
            kind = TimerKind(session.timer_kind or "")
            if state.phase in _TIMED:
                delay = max(0.0, (due - now).total_seconds())
                plan = TimerPlan(session.id, session.user_id, chat_id, state.timer_seq, kind, due, delay)
        except ValueError:
            plan = None
        found.append(PendingTimer(session.id, session.user_id, chat_id, routine.title, plan))
    return found
