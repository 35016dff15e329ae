"""The one open question: what the bot last asked a user, so that a typed message is read as its answer.

A flow that asks something calls `ask(uow, user_id, kind, now, ref=...)`; the text handler calls
`open_question(uow, user_id, now)` and hands the text to the parser registered for that kind
(`bot.handlers.prompts_typed.ANSWERS`). Asking replaces the previous question (one per user), answering (or a
button that answers it) calls `clear`. Stored questions live in `pending_questions` (they survive a restart) and
expire after `TTL[kind]`; an expired one is no question at all.

Some questions are not stored because the database already says they are open: the set-up steps
(`users.onboarding_step`), and the running routine's before rating, gentle offer, after rating and "which side
felt tighter?" (its session state). `users.awaiting_input` values from before `pending_questions` existed are
read too (`LEGACY_AWAITING`); other values of that column belong to flows that read it themselves.

Which wins when several are open: set-up first; then a stored question asked after the running routine began;
then the routine's own question; then a stored question asked before it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import delete

from bot.db.models import PendingQuestion, RoutineSession
from bot.db.unit_of_work import UnitOfWork
from bot.domain.routine_effects import Phase


class QuestionKind(StrEnum):
    # stored (pending_questions)
    TIME = "time"  # the morning reminder's time (settings; during set-up: users.onboarding_step)
    SECOND_TIME = "second_time"  # the second daily reminder's time
    TIMEZONE = "timezone"
    SNOOZE = "snooze"  # the snooze length
    PAUSE = "pause"  # how long to pause
    SKIP_REASON = "skip_reason"  # why today is skipped (ref: the reminder delivery)
    DELETE = "delete"  # erase everything? (yes / no)
    # derived from the running routine's state (never stored)
    BEFORE = "before"
    GENTLE = "gentle"  # gentler, normal, or skip today (after a high before rating)
    AFTER = "after"
    SIDE = "side"  # which side felt tighter


DEFAULT_TTL = timedelta(minutes=30)
TTL: dict[QuestionKind, timedelta] = {
    QuestionKind.DELETE: timedelta(minutes=10),
    QuestionKind.SKIP_REASON: timedelta(hours=12),
}
_KINDS = frozenset(kind.value for kind in QuestionKind)
ROUTINE_KINDS = frozenset({QuestionKind.BEFORE, QuestionKind.GENTLE, QuestionKind.AFTER, QuestionKind.SIDE})
# users.awaiting_input values written before pending_questions existed.
LEGACY_AWAITING = {"time:1": QuestionKind.TIME, "time:2": QuestionKind.SECOND_TIME, "timezone": QuestionKind.TIMEZONE}


@dataclass(frozen=True, slots=True)
class OpenQuestion:
    kind: QuestionKind
    ref: int | None = None  # what it is about (a reminder delivery, a routine session)
    asked_at: datetime | None = None
    session_seq: int | None = None  # routine questions: the seq the answer is for


async def ask(uow: UnitOfWork, user_id: int, kind: QuestionKind, now: datetime, *, ref: int | None = None) -> None:
    """Remember that the next typed message answers `kind` (replacing any earlier question)."""
    if kind in ROUTINE_KINDS:
        raise ValueError(f"{kind} is read from the routine's state, not stored")
    row = await uow.session.get(PendingQuestion, user_id, with_for_update=True)
    expires = now + TTL.get(kind, DEFAULT_TTL)
    if row is None:
        uow.session.add(PendingQuestion(user_id=user_id, kind=kind.value, ref=ref, asked_at=now, expires_at=expires))
    else:
        row.kind, row.ref, row.asked_at, row.expires_at = kind.value, ref, now, expires
    user = await uow.users.get(user_id, for_update=True)
    if user is not None and user.awaiting_input in LEGACY_AWAITING:
        user.awaiting_input = None
    await uow.flush()


async def clear(uow: UnitOfWork, user_id: int, *kinds: QuestionKind) -> None:
    """The question is answered (or no longer asked): forget it; with `kinds`, only if it is one of them."""
    statement = delete(PendingQuestion).where(PendingQuestion.user_id == user_id)
    if kinds:
        statement = statement.where(PendingQuestion.kind.in_([k.value for k in kinds]))
    await uow.session.execute(statement)
    user = await uow.users.get(user_id)
    legacy = LEGACY_AWAITING.get(user.awaiting_input or "") if user is not None else None
    if user is not None and legacy is not None and (not kinds or legacy in kinds):
        user.awaiting_input = None


async def _routine_question(uow: UnitOfWork, session: RoutineSession) -> OpenQuestion | None:
    state = session.state if isinstance(session.state, dict) else {}
    phase = state.get("phase")
    if phase == Phase.NEW.value:
        before = await uow.ratings.of_session(session.id, "before")
        kind = QuestionKind.BEFORE if before is None else QuestionKind.GENTLE
        return OpenQuestion(kind, session.id, session.started_at, session.seq)
    if phase == Phase.ASK_AFTER_RATING.value:
        return OpenQuestion(QuestionKind.AFTER, session.id, session.started_at, session.seq)
    if phase == Phase.ASK_TIGHTER_SIDE.value:
        return OpenQuestion(QuestionKind.SIDE, session.id, session.started_at, session.seq)
    return None


async def open_question(uow: UnitOfWork, user_id: int, now: datetime) -> OpenQuestion | None:
    """What a typed message from the user answers now (see the module docstring for the order), or None."""
    user = await uow.users.get(user_id)
    if user is None:
        return None
    if user.onboarding_step == "time":
        return OpenQuestion(QuestionKind.TIME)
    if user.onboarding_step == "timezone":
        return OpenQuestion(QuestionKind.TIMEZONE)
    stored: OpenQuestion | None = None
    row = await uow.session.get(PendingQuestion, user_id)
    if row is not None and row.expires_at > now and row.kind in _KINDS:
        stored = OpenQuestion(QuestionKind(row.kind), row.ref, row.asked_at)
    elif user.awaiting_input in LEGACY_AWAITING:
        stored = OpenQuestion(LEGACY_AWAITING[user.awaiting_input], None, user.updated_at)
    session = await uow.sessions.active_of(user_id)
    routine = await _routine_question(uow, session) if session is not None else None
    if stored is not None and session is not None and stored.asked_at is not None:
        if stored.asked_at >= session.started_at:
            return stored
        return routine or stored
    return stored or routine


async def is_open(uow: UnitOfWork, user_id: int, now: datetime, *kinds: QuestionKind) -> OpenQuestion | None:
    """The open question if it is one of `kinds`, else None."""
    question = await open_question(uow, user_id, now)
    return question if question is not None and question.kind in kinds else None
