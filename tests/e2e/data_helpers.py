"""Helpers for the ratings, progress and data tests: an onboarded user and history rows written directly.

Routine sessions are inserted as rows (the routine flow is built separately); ratings go through the service.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Any

from sqlalchemy import select
from telegram.ext import Application

from bot.context import AppContext, app_context_of
from bot.db.models import Rating, ReminderSlot, RoutineSession, SkippedDay, User
from bot.services.ratings import save_rating
from bot.standin import ChatUser

App = Application[Any, Any, Any, Any, Any, Any]


def ctx_of(app: App) -> AppContext:
    return app_context_of(app)


async def onboard(app: App, user_id: int = 1001, timezone: str = "Europe/Berlin") -> None:
    now = ctx_of(app).clock.now()
    async with ctx_of(app).db.unit_of_work() as uow:
        uow.session.add(
            User(id=user_id, chat_id=user_id, timezone=timezone, onboarded_at=now, created_at=now, updated_at=now)
        )
        await uow.flush()
        uow.session.add(
            ReminderSlot(
                user_id=user_id, slot=1, local_time=time(7, 30), next_due_at=datetime(2026, 3, 3, 6, 30, tzinfo=UTC)
            )
        )


async def add_day(
    app: App,
    day: date,
    before: float | None,
    after: float | None,
    *,
    user_id: int = 1001,
    status: str = "finished",
    side: str | None = None,
    gentle: bool = False,
) -> int:
    """A routine session on local date `day` (started 07:00 UTC) with its before/after ratings."""
    started = datetime.combine(day, time(7, 0), tzinfo=UTC)
    async with ctx_of(app).db.unit_of_work() as uow:
        row = RoutineSession(
            user_id=user_id,
            routine_id="pigeon",
            status=status,
            local_date=day,
            started_at=started,
            finished_at=started.replace(minute=6) if status == "finished" else None,
            tighter_side=side,
            gentle=gentle,
        )
        uow.session.add(row)
        await uow.flush()
        for kind, value in (("before", before), ("after", after)):
            if value is not None:
                await save_rating(
                    uow,
                    user_id=user_id,
                    value=value,
                    kind=kind,
                    source="button",
                    now=started,
                    default_timezone="Europe/London",
                    session_id=row.id,  # type: ignore[arg-type]
                )
        return row.id


async def add_skip(app: App, day: date, reason: str | None, *, user_id: int = 1001) -> None:
    async with ctx_of(app).db.unit_of_work() as uow:
        uow.session.add(
            SkippedDay(
                user_id=user_id, local_date=day, reason=reason, created_at=datetime.combine(day, time(8), tzinfo=UTC)
            )
        )


async def ratings_of(app: App, user_id: int = 1001) -> list[Rating]:
    async with ctx_of(app).db.unit_of_work(read_only=True) as uow:
        statement = select(Rating).where(Rating.user_id == user_id).order_by(Rating.id)
        return list((await uow.session.execute(statement)).scalars())


def text_of(message: Any) -> str:
    return str(message.text or message.caption or "")


async def reply_to(user: ChatUser, text: str) -> Any:
    await user.send(text)
    return await user.next_message()
