"""Feeding taps, typed answers and fired timers to the walkthrough machine (`bot.domain.routine_machine`), saving
its state and pending timer on the session, and reading what the runtime needs at start (pending timers) and for
typed text (whether a rating is asked)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.db.models import RoutineSession
from bot.db.unit_of_work import UnitOfWork
from bot.domain.routine_effects import Effect, Finished, Ignored, LiveUpdate, Phase, ScheduleTimer, Stale, Stopped
from bot.domain.routine_events import AfterRating, Event, Pause, Restore, Skip, TighterSide, TimerKind
from bot.domain.routine_machine import RoutineState, transition
from bot.services.ratings import RatingSource, save_rating
from bot.services.routine.outcome import Outcome, OutcomeKind, PendingTimer, RoutineEnv, TimerPlan
from bot.services.routine.sessions import chat_of, clear_timer, close, open_session, outcome_of, routine_of

log = logging.getLogger(__name__)


async def apply_event(
    uow: UnitOfWork,
    env: RoutineEnv,
    *,
    user_id: int,
    session_id: int,
    event: Event,
    source: RatingSource = "button",
    update_id: int | None = None,
) -> Outcome:
    """Feed a tap (or a typed answer, or a fired timer) to the machine of the user's session."""
    session, problem = await open_session(uow, user_id, session_id)
    if session is None or problem is not None:
        return Outcome(problem or OutcomeKind.NOT_FOUND, session_id=session_id, user_id=user_id)
    chat_id = await chat_of(uow, user_id)
    routine = routine_of(env.content, session)
    try:
        state = RoutineState.from_dict(session.state or {})
        new, effects = transition(routine, state, event)
    except ValueError:
        log.warning("routine session %s cannot be continued (state or content changed)", session.id)
        return outcome_of(OutcomeKind.INTERRUPTED, session, chat_id, routine, fresh=True)
    if effects and isinstance(effects[0], Stale):
        return outcome_of(OutcomeKind.STALE, session, chat_id, routine, state=state)
    if effects and isinstance(effects[0], Ignored):
        return outcome_of(OutcomeKind.IGNORED, session, chat_id, routine, state=state)
    before = await uow.ratings.of_session(session.id, "before")
    outcome = outcome_of(
        OutcomeKind.APPLIED, session, chat_id, routine, before=before.value if before is not None else None
    )
    if isinstance(event, AfterRating) and new.after_rating is not None:
        await save_rating(
            uow,
            user_id=user_id,
            value=new.after_rating,
            kind="after",
            source=source,
            now=env.now,
            default_timezone=env.default_timezone,
            session_id=session.id,
            update_id=update_id,
        )
    if isinstance(event, TighterSide | Skip) and new.phase == Phase.FINISHED:
        session.tighter_side = new.tighter_side
    return store(session, outcome, new, effects, env)


def store(
    session: RoutineSession, outcome: Outcome, new: RoutineState, effects: list[Effect], env: RoutineEnv
) -> Outcome:
    """Save the new state and its pending timer on the session; fill the outcome."""
    session.state = new.to_dict()
    session.seq = new.seq
    outcome.state = new
    outcome.effects = effects
    outcome.after = new.after_rating
    timer = next((effect for effect in effects if isinstance(effect, ScheduleTimer)), None)
    if timer is not None:
        delay = timer.after_seconds / env.pacing.time_scale
        due = env.now + timedelta(seconds=delay)
        session.timer_due_at = due
        session.timer_kind = timer.kind.value
        outcome.timer = TimerPlan(
            session.id, session.user_id, outcome.chat_id or session.user_id, timer.timer_seq, timer.kind, due, delay
        )
    elif not new.counts_down:
        clear_timer(session)
    if any(isinstance(effect, Finished) for effect in effects):
        stopped = any(isinstance(effect, Stopped) for effect in effects)
        close(session, "stopped" if stopped else "finished", env.now)
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


async def active_walk(uow: UnitOfWork, user_id: int) -> tuple[int, int] | None:
    """(session id, seq) when the user is walking through a routine (past its start, not in its questions), so a
    typed "pause" or "stop" can steer it; else None."""
    session = await uow.sessions.active_of(user_id)
    if session is None or not isinstance(session.state, dict):
        return None
    if session.state.get("phase") in (Phase.NEW.value, Phase.ASK_AFTER_RATING.value, Phase.ASK_TIGHTER_SIDE.value):
        return None
    return session.id, session.seq


async def pause_active(uow: UnitOfWork, env: RoutineEnv, *, user_id: int) -> Outcome:
    """Pause whatever of the user's routine counts down now (a hold, a rest, a hands-free "get ready" or switch of
    sides): the one entry point, for a typed "pause" as for a pain report mid-routine. IGNORED when no routine
    runs or nothing counts down (nothing changed)."""
    walk = await active_walk(uow, user_id)
    if walk is None:
        return Outcome(OutcomeKind.IGNORED, user_id=user_id)
    session_id, seq = walk
    return await apply_event(uow, env, user_id=user_id, session_id=session_id, event=Pause(seq))


@dataclass(frozen=True, slots=True)
class Position:
    """Where the user's running routine is, for words typed instead of its buttons ("skip", "stop")."""

    session_id: int
    seq: int
    phase: Phase
    counts_down: bool  # a hold, a rest, or a hands-free "get ready" or switch of sides runs its timer


async def position(uow: UnitOfWork, user_id: int) -> Position | None:
    """The user's active session's phase and seq, or None if no routine is running."""
    session = await uow.sessions.active_of(user_id)
    if session is None or not isinstance(session.state, dict):
        return None
    try:
        phase = Phase(str(session.state.get("phase")))
    except ValueError:
        return None
    try:
        counts_down = RoutineState.from_dict(session.state).counts_down
    except ValueError:
        counts_down = False
    return Position(session.id, session.seq, phase, counts_down)


async def set_live_message(uow: UnitOfWork, session_id: int, message_id: int) -> None:
    session = await uow.sessions.get(session_id, for_update=True)
    if session is not None:
        session.live_message_id = message_id


async def set_messages(uow: UnitOfWork, session_id: int, *, live: int | None, cue: int | None) -> None:
    """Remember the session's live message and its last sound cue (None: no cue showing)."""
    session = await uow.sessions.get(session_id, for_update=True)
    if session is not None:
        if live is not None:
            session.live_message_id = live
        session.cue_message_id = cue


async def sound_cues(uow: UnitOfWork, user_id: int) -> bool:
    """Whether the user wants sound cues (hands-free mode); on unless they turned them off in /settings."""
    user = await uow.users.get(user_id)
    return user is None or user.sound_cues


async def refreshed_view(uow: UnitOfWork, env: RoutineEnv, session_id: int) -> Outcome | None:
    """After a restart: the live message of a running hold or rest with the seconds truly left now (from the
    pending timer's due time), to show at once rather than at the next checkpoint. None when there is nothing to
    refresh. Changes nothing."""
    session = await uow.sessions.get(session_id)
    if session is None or session.status != "active" or session.timer_due_at is None:
        return None
    if session.timer_due_at <= env.now:  # overdue: the timer fires at once and shows it
        return None
    routine = routine_of(env.content, session)
    try:
        state = RoutineState.from_dict(session.state or {})
        _, effects = transition(routine, state, Restore())
    except ValueError:
        return None
    live = next((effect for effect in effects if isinstance(effect, LiveUpdate)), None)
    timer = next((effect for effect in effects if isinstance(effect, ScheduleTimer)), None)
    if live is None or timer is None or state.phase not in (Phase.HOLDING, Phase.RESTING):
        return None
    until_due = max(0.0, (session.timer_due_at - env.now).total_seconds()) * env.pacing.time_scale
    left = max(0, min(live.seconds_left, round(live.seconds_left - timer.after_seconds + until_due)))
    chat_id = await chat_of(uow, session.user_id)
    outcome = outcome_of(OutcomeKind.APPLIED, session, chat_id, routine, state=state)
    outcome.effects = [replace(live, seconds_left=left)]
    return outcome


async def pending_timers(uow: UnitOfWork, env: RoutineEnv, *, due_before: datetime | None = None) -> list[PendingTimer]:
    """Every active session's pending timer, re-armed from `timer_due_at` (an overdue one fires at once); with
    `due_before`, only the timers that should have fired before then."""
    found = []
    for session in await uow.sessions.active_with_timers(due_before=due_before):
        chat_id = await chat_of(uow, session.user_id)
        language = await uow.users.language_of(session.user_id) or env.content.language
        routine = routine_of(env.content, session)
        due = session.timer_due_at
        assert due is not None
        plan: TimerPlan | None = None
        try:
            state = RoutineState.from_dict(session.state or {})
            transition(routine, state, Restore())  # raises if the content no longer fits the state
            kind = TimerKind(session.timer_kind or "")
            if state.counts_down:
                delay = max(0.0, (due - env.now).total_seconds())
                plan = TimerPlan(session.id, session.user_id, chat_id, state.timer_seq, kind, due, delay)
        except ValueError:
            plan = None
        found.append(PendingTimer(session.id, session.user_id, chat_id, plan, language))
    return found
