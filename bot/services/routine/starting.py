"""Starting a routine: the session, the before rating and the gentle offer, and the answers to "a session is
already running" (resume, start over, stop)."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from typing import Literal

from sqlalchemy.exc import IntegrityError

from bot.db.models import RoutineSession
from bot.db.unit_of_work import UnitOfWork
from bot.domain.coaching import prescribed
from bot.domain.local_time import local_today
from bot.domain.routine_events import Begin, Restore
from bot.domain.routine_machine import RoutineState, initial_state, transition
from bot.domain.routine_model import Routine
from bot.services.coaching import media as coach_media
from bot.services.coaching import prescriptions
from bot.services.ratings import RatingSource, needs_gentle_option, save_rating
from bot.services.routine.outcome import Outcome, OutcomeKind, RoutineEnv
from bot.services.routine.sessions import chat_of, close, open_session, outcome_of, routine_of, waits_to_begin
from bot.services.routine.walking import store
from bot.services.skips import mark_reminder_skipped, record_skip

ABANDON_AFTER = timedelta(hours=12)


async def start(
    uow: UnitOfWork,
    env: RoutineEnv,
    *,
    user_id: int,
    delivery_id: int | None,
    before: float | None,
    update_id: int | None,
    source: RatingSource = "button",
) -> Outcome:
    """Begin a routine: offer Resume/Start over if one is running (one left for `ABANDON_AFTER` is abandoned
    instead); else create the session and ask the before rating, or take the one given."""
    user = await uow.users.get(user_id, for_update=True)
    if user is None:
        return Outcome(OutcomeKind.NOT_STARTED, user_id=user_id, chat_id=user_id)
    plan = await prescriptions.plan_for(uow, user_id)  # the coach's prescription, if any, from this session on
    routine_id = plan.routine_id if plan is not None else user.routine_id
    overrides = dict(plan.overrides or {}) if plan is not None else {}
    media = await coach_media.plan_for(uow, user_id, env.content.routine(routine_id).id)
    if media:
        overrides["media"] = media
    routine = prescribed(env.content.routine(routine_id), overrides)
    active = await uow.sessions.active_of(user_id, for_update=True)
    if active is not None and env.now - active.started_at > ABANDON_AFTER:
        close(active, "abandoned", env.now)
        await uow.flush()
        active = None
    if active is not None:
        return _existing(active, user.chat_id, env, delivery_id, before)
    session = RoutineSession(
        user_id=user_id,
        routine_id=routine.id,
        status="active",
        local_date=local_today(user.timezone, env.default_timezone, env.now),
        started_at=env.now,
        state=initial_state(
            routine, tick_seconds=env.pacing.tick_seconds, hands_free=user.routine_mode != "taps"
        ).to_dict(),
        seq=0,
        delivery_id=delivery_id,
        gentle=False,
        prescription=overrides or None,
    )
    try:
        async with uow.session.begin_nested():
            uow.session.add(session)
    except IntegrityError:  # another start won the race for the one active session
        active = await uow.sessions.active_of(user_id)
        if active is None:
            raise
        return _existing(active, user.chat_id, env, delivery_id, before)
    if before is None:
        return outcome_of(OutcomeKind.ASK_BEFORE, session, user.chat_id, routine, fresh=True)
    return await _take_before(uow, env, session, user.chat_id, before, source, update_id)


def _existing(
    session: RoutineSession, chat_id: int, env: RoutineEnv, delivery_id: int | None, before: float | None
) -> Outcome:
    routine = routine_of(env.content, session)
    return outcome_of(OutcomeKind.EXISTING, session, chat_id, routine, delivery_id=delivery_id, carried_before=before)


async def _take_before(
    uow: UnitOfWork,
    env: RoutineEnv,
    session: RoutineSession,
    chat_id: int,
    value: float | None,
    source: RatingSource,
    update_id: int | None,
) -> Outcome:
    routine = routine_of(env.content, session)
    if value is None:
        return _begin(env, session, chat_id, gentle=False)
    safety = env.content.coach.safety
    gentle = await needs_gentle_option(uow, session.user_id, value, env.now, safety, env.default_timezone)
    await save_rating(
        uow,
        user_id=session.user_id,
        value=value,
        kind="before",
        source=source,
        now=env.now,
        default_timezone=env.default_timezone,
        session_id=session.id,
        update_id=update_id,
    )
    if gentle:
        return outcome_of(OutcomeKind.ASK_GENTLE, session, chat_id, routine, before=value, fresh=True)
    return _begin(env, session, chat_id, gentle=False, before=value)


def _begin(
    env: RoutineEnv,
    session: RoutineSession,
    chat_id: int,
    *,
    gentle: bool,
    before: float | None = None,
    after: RoutineState | None = None,
) -> Outcome:
    """Begin the walkthrough; `after`: the state it replaces (its seqs go on, so its old buttons stay stale)."""
    routine = routine_of(env.content, session)
    hands_free = isinstance(session.state, dict) and session.state.get("hands_free") is True  # the user's mode at start
    state = initial_state(routine, gentle, tick_seconds=env.pacing.tick_seconds, hands_free=hands_free)
    if after is not None:
        state = replace(state, seq=after.seq + 1, timer_seq=after.timer_seq + 1)
    session.gentle = gentle
    new, effects = transition(routine, state, Begin())
    outcome = outcome_of(OutcomeKind.APPLIED, session, chat_id, routine, fresh=True, before=before, began=True)
    return store(session, outcome, new, effects, env)


async def answer_before(
    uow: UnitOfWork,
    env: RoutineEnv,
    *,
    user_id: int,
    session_id: int,
    value: float | None,
    source: RatingSource,
    update_id: int | None,
) -> Outcome:
    """The before rating (None: skipped) of a session that asked for it."""
    session, problem = await open_session(uow, user_id, session_id)
    if session is None or problem is not None:
        return Outcome(problem or OutcomeKind.NOT_FOUND, session_id=session_id, user_id=user_id)
    chat_id = await chat_of(uow, user_id)
    if not waits_to_begin(session) or await uow.ratings.of_session(session.id, "before") is not None:
        return Outcome(OutcomeKind.IGNORED, session_id=session_id, user_id=user_id, chat_id=chat_id)
    return await _take_before(uow, env, session, chat_id, value, source, update_id)


async def answer_gentle(
    uow: UnitOfWork,
    env: RoutineEnv,
    *,
    user_id: int,
    session_id: int,
    choice: Literal["gentle", "normal", "skip"],
) -> Outcome:
    """The answer to the gentle offer: the gentler version, the normal one, or skip today (a flare-up)."""
    session, problem = await open_session(uow, user_id, session_id)
    if session is None or problem is not None:
        return Outcome(problem or OutcomeKind.NOT_FOUND, session_id=session_id, user_id=user_id)
    chat_id = await chat_of(uow, user_id)
    before = await uow.ratings.of_session(session.id, "before")
    if not waits_to_begin(session) or before is None:
        return Outcome(OutcomeKind.IGNORED, session_id=session_id, user_id=user_id, chat_id=chat_id)
    routine = routine_of(env.content, session)
    if choice == "skip":
        # Too stiff today: a day skipped for a flare-up, which does not break the streak.
        close(session, "stopped", env.now)
        await record_skip(uow, user_id, session.local_date, "flare_up", env.now)
        await mark_reminder_skipped(uow, session.delivery_id)
        return outcome_of(OutcomeKind.SKIPPED_TODAY, session, chat_id, routine)
    return _begin(env, session, chat_id, gentle=choice == "gentle", before=before.value)


async def begin_gentle(uow: UnitOfWork, env: RoutineEnv, session: RoutineSession, chat_id: int) -> Outcome:
    """Start the walkthrough of an active session again, gentler (after a report of pain); the before rating stays."""
    before = await uow.ratings.of_session(session.id, "before")
    try:
        old = RoutineState.from_dict(session.state or {})
    except ValueError:
        old = None
    outcome = _begin(env, session, chat_id, gentle=True, before=before.value if before else None, after=old)
    outcome.cancel_timers = True
    return outcome


async def answer_existing(
    uow: UnitOfWork,
    env: RoutineEnv,
    *,
    user_id: int,
    session_id: int,
    choice: Literal["resume", "over", "stop"],
    delivery_id: int | None,
    before: float | None,
) -> Outcome:
    """Resume the running session (its view is shown anew), start over, or stop it."""
    session, problem = await open_session(uow, user_id, session_id)
    if session is None or problem is not None:
        return Outcome(problem or OutcomeKind.NOT_FOUND, session_id=session_id, user_id=user_id)
    chat_id = await chat_of(uow, user_id)
    routine = routine_of(env.content, session)
    if choice == "stop":
        close(session, "stopped", env.now)
        return outcome_of(OutcomeKind.STOPPED, session, chat_id, routine, cancel_timers=True)
    if choice == "over":
        close(session, "stopped", env.now)
        await uow.flush()
        outcome = await start(uow, env, user_id=user_id, delivery_id=delivery_id, before=before, update_id=None)
        outcome.cancel_timers = True
        outcome.fresh = True
        return outcome
    return await _resume(uow, env, session, chat_id, routine)


async def _resume(uow: UnitOfWork, env: RoutineEnv, session: RoutineSession, chat_id: int, routine: Routine) -> Outcome:
    if waits_to_begin(session):
        before = await uow.ratings.of_session(session.id, "before")
        if before is None:
            return outcome_of(OutcomeKind.ASK_BEFORE, session, chat_id, routine, fresh=True)
        return outcome_of(OutcomeKind.ASK_GENTLE, session, chat_id, routine, before=before.value, fresh=True)
    try:
        state = RoutineState.from_dict(session.state or {})
        new, effects = transition(routine, state, Restore())
    except ValueError:
        return outcome_of(OutcomeKind.INTERRUPTED, session, chat_id, routine, fresh=True)
    outcome = outcome_of(OutcomeKind.APPLIED, session, chat_id, routine, fresh=True, cancel_timers=True)
    return store(session, outcome, new, effects, env)
