"""Who is a coach: the operator's `ADMIN_USER_IDS` (always), and the coaches an admin added from the chat (rows in
`coaches`). A coach's row also holds the name clients see and the digest choice; an admin gets one on first use."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.db.models import Coach
from bot.db.unit_of_work import UnitOfWork

NAME_MAX = 64


@dataclass(frozen=True, slots=True)
class CoachEntry:
    user_id: int
    name: str | None
    admin: bool


async def is_coach(uow: UnitOfWork, admins: frozenset[int], user_id: int) -> bool:
    return user_id in admins or await uow.coaching.coach(user_id) is not None


async def ensure(
    uow: UnitOfWork, admins: frozenset[int], user_id: int, name: str | None, now: datetime
) -> Coach | None:
    """The coach's row (made for an admin on first use, the name kept fresh); None if `user_id` is no coach."""
    row = await uow.coaching.coach(user_id, for_update=True)
    if row is None:
        if user_id not in admins:
            return None
        row = Coach(user_id=user_id, name=None, added_by=None, digest="off", created_at=now)
        uow.session.add(row)
    if name:
        row.name = name[:NAME_MAX]
    await uow.flush()
    return row


async def add(uow: UnitOfWork, admins: frozenset[int], by: int, user_id: int, now: datetime) -> bool | None:
    """An admin names a coach; False if they already are one; None if `by` is no admin."""
    if by not in admins:
        return None
    if await is_coach(uow, admins, user_id):
        return False
    uow.session.add(Coach(user_id=user_id, name=None, added_by=by, digest="off", created_at=now))
    await uow.flush()
    return True


async def remove(uow: UnitOfWork, admins: frozenset[int], by: int, user_id: int, now: datetime) -> list[int] | None:
    """An admin removes a coach: their links end (the clients are told); the ids of those clients. None if `by` is
    no admin or `user_id` no removable coach (an admin of the operator's settings stays a coach)."""
    if by not in admins or user_id in admins or await uow.coaching.coach(user_id) is None:
        return None
    clients = []
    for link in await uow.coaching.links_of_coach(user_id):
        link.status, link.ended_at, link.ended_by = "ended", now, "removed"
        clients.append(link.client_id)
        await uow.coaching.drop_prescription(link.client_id, user_id)
    await uow.coaching.remove_coach(user_id)
    return clients


async def listing(uow: UnitOfWork, admins: frozenset[int]) -> list[CoachEntry]:
    rows = {c.user_id: c for c in await uow.coaching.coaches()}
    ids = sorted(set(rows) | set(admins))
    return [CoachEntry(i, rows[i].name if i in rows else None, i in admins) for i in ids]


async def name_of(uow: UnitOfWork, coach_id: int) -> str | None:
    row = await uow.coaching.coach(coach_id)
    return row.name if row is not None else None
