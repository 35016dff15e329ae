"""The coach's side in storage: coaches, invites, consent links, prescriptions, access events and coach media."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import delete, select

from bot.db.models import Coach, CoachAccess, CoachInvite, CoachLink, CoachMedia, CoachPrescription
from bot.db.session import AsyncSession


class CoachingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self.session = session

    # coaches
    async def coach(self, user_id: int, *, for_update: bool = False) -> Coach | None:
        return await self.session.get(Coach, user_id, with_for_update=for_update)

    async def coaches(self) -> list[Coach]:
        return list((await self.session.execute(select(Coach).order_by(Coach.user_id))).scalars())

    async def remove_coach(self, user_id: int) -> None:
        await self.session.execute(delete(Coach).where(Coach.user_id == user_id))

    async def digests_due(self, now: datetime, limit: int = 100) -> list[Coach]:
        statement = (
            select(Coach)
            .where(Coach.digest_due_at.is_not(None), Coach.digest_due_at <= now, Coach.digest != "off")
            .order_by(Coach.digest_due_at)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list((await self.session.execute(statement)).scalars())

    # invites
    async def invite(self, invite_id: int, *, for_update: bool = False) -> CoachInvite | None:
        return await self.session.get(CoachInvite, invite_id, with_for_update=for_update)

    async def invite_by_hash(self, token_hash: str) -> CoachInvite | None:
        statement = select(CoachInvite).where(CoachInvite.token_hash == token_hash).with_for_update()
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def open_invites(self, coach_id: int, now: datetime) -> list[CoachInvite]:
        statement = (
            select(CoachInvite)
            .where(
                CoachInvite.coach_id == coach_id,
                CoachInvite.status.in_(("open", "opened")),
                CoachInvite.expires_at > now,
            )
            .order_by(CoachInvite.id)
        )
        return list((await self.session.execute(statement)).scalars())

    async def opened_by(self, user_id: int, since: datetime) -> CoachInvite | None:
        """The invite `user_id` opened last (after `since`) and has not answered yet."""
        statement = (
            select(CoachInvite)
            .where(CoachInvite.opened_by == user_id, CoachInvite.status == "opened", CoachInvite.opened_at >= since)
            .order_by(CoachInvite.opened_at.desc())
            .limit(1)
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    # links
    async def link(self, link_id: int, *, for_update: bool = False) -> CoachLink | None:
        return await self.session.get(CoachLink, link_id, with_for_update=for_update)

    async def active_link(self, coach_id: int, client_id: int) -> CoachLink | None:
        statement = select(CoachLink).where(
            CoachLink.coach_id == coach_id, CoachLink.client_id == client_id, CoachLink.status == "active"
        )
        return (await self.session.execute(statement)).scalar_one_or_none()

    async def links_of_client(self, client_id: int, *, active: bool = True) -> list[CoachLink]:
        statement = select(CoachLink).where(CoachLink.client_id == client_id)
        if active:
            statement = statement.where(CoachLink.status == "active")
        return list((await self.session.execute(statement.order_by(CoachLink.id))).scalars())

    async def links_of_coach(self, coach_id: int) -> list[CoachLink]:
        statement = (
            select(CoachLink).where(CoachLink.coach_id == coach_id, CoachLink.status == "active").order_by(CoachLink.id)
        )
        return list((await self.session.execute(statement)).scalars())

    # prescriptions
    async def prescription(self, client_id: int, *, for_update: bool = False) -> CoachPrescription | None:
        return await self.session.get(CoachPrescription, client_id, with_for_update=for_update)

    async def drop_prescription(self, client_id: int, coach_id: int | None = None) -> None:
        statement = delete(CoachPrescription).where(CoachPrescription.client_id == client_id)
        if coach_id is not None:
            statement = statement.where(CoachPrescription.coach_id == coach_id)
        await self.session.execute(statement)

    # access events
    def record_access(self, coach_id: int, client_ids: Iterable[int], what: str, now: datetime) -> None:
        for client_id in client_ids:
            self.session.add(CoachAccess(coach_id=coach_id, client_id=client_id, what=what, created_at=now))

    async def access_of(self, client_id: int, limit: int | None = None) -> list[CoachAccess]:
        statement = (
            select(CoachAccess)
            .where(CoachAccess.client_id == client_id)
            .order_by(CoachAccess.created_at.desc(), CoachAccess.id.desc())
        )
        if limit is not None:
            statement = statement.limit(limit)
        return list((await self.session.execute(statement)).scalars())

    # media
    async def media(self, media_id: int, *, for_update: bool = False) -> CoachMedia | None:
        return await self.session.get(CoachMedia, media_id, with_for_update=for_update)

    async def attached_media(self, coach_id: int, routine_id: str) -> list[CoachMedia]:
        statement = (
            select(CoachMedia)
            .where(
                CoachMedia.coach_id == coach_id,
                CoachMedia.routine_id == routine_id,
                CoachMedia.step_id.is_not(None),
            )
            .order_by(CoachMedia.id)
        )
        return list((await self.session.execute(statement)).scalars())

    # erasing
    async def delete_client(self, client_id: int) -> None:
        """Every coaching row about `client_id` (links, prescription, access events; invites they opened)."""
        for model, column in (
            (CoachAccess, CoachAccess.client_id),
            (CoachPrescription, CoachPrescription.client_id),
            (CoachLink, CoachLink.client_id),
        ):
            await self.session.execute(delete(model).where(column == client_id))
        await self.session.execute(delete(CoachInvite).where(CoachInvite.opened_by == client_id))

    async def delete_coach(self, coach_id: int) -> None:
        """Every row of `coach_id` as a coach: invites, links (and the prescriptions they made), media, digest. The
        access events stay: they are the clients' record of who saw their data."""
        await self.session.execute(delete(CoachPrescription).where(CoachPrescription.coach_id == coach_id))
        await self.session.execute(delete(CoachLink).where(CoachLink.coach_id == coach_id))
        await self.session.execute(delete(CoachInvite).where(CoachInvite.coach_id == coach_id))
        await self.session.execute(delete(CoachMedia).where(CoachMedia.coach_id == coach_id))
        await self.session.execute(delete(Coach).where(Coach.user_id == coach_id))
