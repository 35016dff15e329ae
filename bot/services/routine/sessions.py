"""Reading and closing routine sessions, shared by starting and walking: every session is read `for_update`
(PostgreSQL row lock; SQLite serialises writers with BEGIN IMMEDIATE), so the check of `seq` and the write that
follows cannot interleave with another tap or a timer. Nothing here trusts callback data: the session must exist,
belong to the user and still be active."""

from __future__ import annotations

from datetime import datetime

from bot.content.loader import Content
from bot.db.models import RoutineSession
from bot.db.unit_of_work import UnitOfWork
from bot.domain.coaching import prescribed
from bot.domain.routine_effects import Phase
from bot.domain.routine_model import Routine
from bot.services.routine.outcome import Outcome, OutcomeKind


def outcome_of(kind: OutcomeKind, session: RoutineSession, chat_id: int, routine: Routine, **kw: object) -> Outcome:
    return Outcome(
        kind,
        session_id=session.id,
        user_id=session.user_id,
        chat_id=chat_id,
        routine=routine,
        live_message_id=session.live_message_id,
        cue_message_id=session.cue_message_id,
        **kw,  # type: ignore[arg-type]
    )


def clear_timer(session: RoutineSession) -> None:
    session.timer_due_at = None
    session.timer_kind = None


def close(session: RoutineSession, status: str, now: datetime) -> None:
    session.status = status
    session.finished_at = now
    clear_timer(session)


async def chat_of(uow: UnitOfWork, user_id: int) -> int:
    user = await uow.users.get(user_id)
    return user.chat_id if user is not None else user_id


async def open_session(
    uow: UnitOfWork, user_id: int, session_id: int
) -> tuple[RoutineSession | None, OutcomeKind | None]:
    """The user's session, locked; or why it cannot be used (not theirs / not found, or over)."""
    session = await uow.sessions.get(session_id, for_update=True)
    if session is None or session.user_id != user_id:
        return None, OutcomeKind.NOT_FOUND
    if session.status != "active":
        return session, OutcomeKind.OVER
    return session, None


def waits_to_begin(session: RoutineSession) -> bool:
    """The session has not begun its walkthrough (it waits for the before rating or the gentle answer)."""
    return isinstance(session.state, dict) and session.state.get("phase") == Phase.NEW.value


def routine_of(content: Content, session: RoutineSession) -> Routine:
    """The session's routine as it began: the content's, with the coach's prescription of that moment applied."""
    plan = session.prescription if isinstance(session.prescription, dict) else None
    return prescribed(content.routine(session.routine_id), plan)
