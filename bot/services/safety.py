"""A reported pain or warning sign: where the user was when they reported it (a hold, the routine, a rating
question, a reminder, the chat), the safety event stored for it (kind, context, date; never their words), and the
answers to the buttons that follow the advice (the gentler version, or rest today).

The routine itself is paused by the caller through the routine runtime (`bot.services.routine.walking` with a
`Pause` event), so the hold's timer stops with the same lock and unit of work as a tapped Pause.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Literal

from sqlalchemy import func, select

from bot.db.models import ReminderDelivery, RoutineSession, SafetyEvent
from bot.db.unit_of_work import UnitOfWork
from bot.domain.local_time import local_today
from bot.domain.pain_text import SafetyKind
from bot.domain.routine_effects import Phase
from bot.domain.routine_machine import RoutineState
from bot.services.reminders import open_reminder
from bot.services.routine.outcome import Outcome, OutcomeKind, RoutineEnv
from bot.services.routine.sessions import chat_of, close, open_session, outcome_of
from bot.services.routine.starting import begin_gentle
from bot.services.skips import mark_reminder_skipped, record_skip
from bot.services.user_scope import UserScope

SafetyContext = Literal["hold", "routine", "rating", "reminder", "chat"]
_TIMED = (Phase.HOLDING.value, Phase.RESTING.value)
_RATING = (Phase.NEW.value, Phase.ASK_AFTER_RATING.value)


@dataclass(frozen=True, slots=True)
class SafetyReport:
    kind: SafetyKind
    context: SafetyContext
    recorded: bool  # False for a user the bot does not know (nothing to store it with)
    session_id: int | None = None  # the active routine session
    pause_seq: int | None = None  # the seq to pause a running hold or rest with
    delivery_id: int | None = None  # today's reminder that is still open


@dataclass(frozen=True, slots=True)
class SafetySummary:
    """What /progress and /history say about reported pain: how many days, the most serious kind, the last day."""

    days: int
    red_flags: int
    warnings: int
    last: date | None


def _counts_down(state: dict[str, object]) -> bool:
    try:
        return RoutineState.from_dict(state).counts_down
    except ValueError:
        return False


def _where(session: RoutineSession | None) -> tuple[SafetyContext, int | None]:
    """The context of a report made with `session` active, and the seq to pause it with (if it runs a timer)."""
    if session is None or not isinstance(session.state, dict):
        return "chat", None
    phase = session.state.get("phase")
    if phase in _TIMED:
        return "hold", session.seq
    if _counts_down(session.state):  # a hands-free "get ready" or switch of sides: paused too
        return "routine", session.seq
    if phase == Phase.PAUSED.value:
        return "hold", None
    if phase in _RATING:
        return "rating", None
    return "routine", None


async def report(uow: UnitOfWork, scope: UserScope, kind: SafetyKind) -> SafetyReport:
    """Store a safety event for what the user reported, with where they were; nothing for an unknown user."""
    user = await uow.users.get(scope.user_id)
    if user is None:
        return SafetyReport(kind, "chat", recorded=False)
    session = await uow.sessions.active_of(scope.user_id)
    context, pause_seq = _where(session)
    delivery_id = None
    if session is None:
        reminder = await open_reminder(uow, scope)
        if reminder is not None:
            context, delivery_id = "reminder", reminder.delivery_id
    uow.session.add(
        SafetyEvent(
            user_id=scope.user_id,
            kind=kind.value,
            context=context,
            session_id=session.id if session is not None else None,
            local_date=scope.today,
            created_at=scope.now,
        )
    )
    return SafetyReport(
        kind,
        context,
        recorded=True,
        session_id=session.id if session is not None else None,
        pause_seq=pause_seq,
        delivery_id=delivery_id if delivery_id is not None else (session.delivery_id if session else None),
    )


async def choice_applies(uow: UnitOfWork, scope: UserScope, *, session_id: int, delivery_id: int) -> bool:
    """Whether a button under the safety advice still applies: the user reported something today, and what the
    button names (0: nothing) is theirs (the session one of today's reports was made in, today's reminder)."""
    statement = select(SafetyEvent).where(SafetyEvent.user_id == scope.user_id, SafetyEvent.local_date == scope.today)
    events = list((await uow.session.execute(statement)).scalars())
    if not events:
        return False
    if session_id and session_id not in {event.session_id for event in events}:
        return False
    if delivery_id:
        delivery = await uow.session.get(ReminderDelivery, delivery_id)
        if delivery is None or delivery.user_id != scope.user_id or delivery.local_date != scope.today:
            return False
    return True


async def rest_today(
    uow: UnitOfWork, env: RoutineEnv, *, user_id: int, session_id: int | None, delivery_id: int | None
) -> Outcome:
    """Stop for today after reporting pain: the routine (if any) is stopped and the day is skipped for a flare-up,
    which does not break the streak."""
    user = await uow.users.get(user_id, for_update=True)
    if user is None:
        return Outcome(OutcomeKind.NOT_STARTED, user_id=user_id, chat_id=user_id)
    outcome = Outcome(OutcomeKind.SKIPPED_TODAY, user_id=user_id, chat_id=user.chat_id)
    if session_id is not None:
        session, problem = await open_session(uow, user_id, session_id)
        if session is not None and problem is None:
            close(session, "stopped", env.now)
            routine = env.content.routine(session.routine_id)
            outcome = outcome_of(OutcomeKind.SKIPPED_TODAY, session, user.chat_id, routine, cancel_timers=True)
            delivery_id = delivery_id or session.delivery_id
    today = local_today(user.timezone, env.default_timezone, env.now)
    await record_skip(uow, user_id, today, "flare_up", env.now)
    await mark_reminder_skipped(uow, delivery_id)
    return outcome


async def go_gentler(uow: UnitOfWork, env: RoutineEnv, *, user_id: int, session_id: int) -> Outcome:
    """Carry on with the gentler version: the walkthrough starts again, gentler (the before rating is kept)."""
    session, problem = await open_session(uow, user_id, session_id)
    if session is None or problem is not None:
        return Outcome(problem or OutcomeKind.NOT_FOUND, session_id=session_id, user_id=user_id)
    chat_id = await chat_of(uow, user_id)
    phase = session.state.get("phase") if isinstance(session.state, dict) else None
    if session.gentle and phase not in (Phase.PAUSED.value, Phase.NEW.value):
        return Outcome(OutcomeKind.IGNORED, session_id=session_id, user_id=user_id, chat_id=chat_id)  # a double tap
    return await begin_gentle(uow, env, session, chat_id)


async def summary(uow: UnitOfWork, user_id: int) -> SafetySummary:
    """The user's reported pain and warning signs, for /progress and /history."""
    statement = select(
        func.count(func.distinct(SafetyEvent.local_date)),
        func.count().filter(SafetyEvent.kind == SafetyKind.RED_FLAG.value),
        func.count().filter(SafetyEvent.kind == SafetyKind.WARNING.value),
        func.max(SafetyEvent.local_date),
    ).where(SafetyEvent.user_id == user_id)
    days, red, warn, last = (await uow.session.execute(statement)).one()
    return SafetySummary(int(days or 0), int(red or 0), int(warn or 0), last)
