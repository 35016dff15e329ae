"""The outcome measures (issue 18): morning-stiffness minutes, weekly PEG check-ins and their schedule."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select

from bot.db.models import MorningStiffness, OutcomePrompt, PausePeriod, WeeklyCheckin
from bot.db.session import AsyncSession


class OutcomeRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    async def prompts_of(self, user_id: int) -> dict[str, OutcomePrompt]:
        statement = select(OutcomePrompt).where(OutcomePrompt.user_id == user_id)
        return {row.kind: row for row in (await self.session.execute(statement)).scalars()}

    async def prompt(self, user_id: int, kind: str) -> OutcomePrompt:
        """The user's prompt row of `kind`, created (not yet due) if missing."""
        row = (await self.prompts_of(user_id)).get(kind)
        if row is None:
            row = OutcomePrompt(user_id=user_id, kind=kind)
            self.session.add(row)
            await self.session.flush()
        return row

    async def due(self, kind: str, due_before: datetime, limit: int) -> list[OutcomePrompt]:
        """Prompts of `kind` due before `due_before`, oldest first, row-locked (others skip them on PostgreSQL)."""
        statement = (
            select(OutcomePrompt)
            .where(OutcomePrompt.kind == kind, OutcomePrompt.next_due_at <= due_before)
            .order_by(OutcomePrompt.next_due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list((await self.session.execute(statement)).scalars())

    async def stiffness_on(self, user_id: int, local_date: date) -> MorningStiffness | None:
        statement = select(MorningStiffness).where(
            MorningStiffness.user_id == user_id, MorningStiffness.local_date == local_date
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def stiffness_of(self, user_id: int) -> list[MorningStiffness]:
        statement = (
            select(MorningStiffness).where(MorningStiffness.user_id == user_id).order_by(MorningStiffness.local_date)
        )
        return list((await self.session.execute(statement)).scalars())

    async def checkin(self, checkin_id: int, user_id: int) -> WeeklyCheckin | None:
        statement = select(WeeklyCheckin).where(WeeklyCheckin.id == checkin_id, WeeklyCheckin.user_id == user_id)
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def checkin_on(self, user_id: int, local_date: date) -> WeeklyCheckin | None:
        statement = select(WeeklyCheckin).where(
            WeeklyCheckin.user_id == user_id, WeeklyCheckin.local_date == local_date
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def checkins_of(self, user_id: int) -> list[WeeklyCheckin]:
        statement = select(WeeklyCheckin).where(WeeklyCheckin.user_id == user_id).order_by(WeeklyCheckin.local_date)
        return list((await self.session.execute(statement)).scalars())

    async def pauses_of(self, user_id: int) -> list[PausePeriod]:
        statement = select(PausePeriod).where(PausePeriod.user_id == user_id).order_by(PausePeriod.first_date)
        return list((await self.session.execute(statement)).scalars())

    async def begin_pause(self, user_id: int, first: date, until: date | None, now: datetime) -> None:
        """Record a pause from `first` (closing any open one there), until `until` (None: until /resume)."""
        await self.end_pauses(user_id, first)
        self.session.add(PausePeriod(user_id=user_id, first_date=first, until_date=until, created_at=now))

    async def end_pauses(self, user_id: int, today: date) -> None:
        """The user resumed (or paused anew) today: pauses still running end today."""
        for period in await self.pauses_of(user_id):
            if period.until_date is None or period.until_date > today:
                period.until_date = today
