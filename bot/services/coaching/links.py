"""The client's side of coaching (/coach): their links, stopping one (the coach loses access at once), whether
history from before the link is shared, the log of what each coach looked at, and ending every link (/delete)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.db.models import CoachLink
from bot.db.unit_of_work import UnitOfWork
from bot.services.coaching.coaches import name_of

ACCESS_SHOWN = 10


@dataclass(frozen=True, slots=True)
class LinkLine:
    link_id: int
    coach_id: int
    coach_name: str | None
    since: date
    share_history: bool


@dataclass(frozen=True, slots=True)
class AccessLine:
    coach_name: str | None
    at: datetime
    what: str


@dataclass(frozen=True, slots=True)
class PlanLine:
    """The prescription the client follows now (None values: as the routine says / their own choice)."""

    coach_name: str | None
    routine_id: str
    hold_seconds: int | None
    reps: int | None
    reminders: int | None


@dataclass(frozen=True, slots=True)
class ClientLinks:
    links: tuple[LinkLine, ...]
    access: tuple[AccessLine, ...]  # newest first, at most ACCESS_SHOWN
    access_total: int
    plan: PlanLine | None = None


async def _line(uow: UnitOfWork, link: CoachLink) -> LinkLine:
    return LinkLine(link.id, link.coach_id, await name_of(uow, link.coach_id), link.linked_date, link.share_history)


async def overview(uow: UnitOfWork, user_id: int) -> ClientLinks:
    links = [await _line(uow, link) for link in await uow.coaching.links_of_client(user_id)]
    events = await uow.coaching.access_of(user_id)
    names: dict[int, str | None] = {}
    access = []
    for event in events[:ACCESS_SHOWN]:
        if event.coach_id not in names:
            names[event.coach_id] = await name_of(uow, event.coach_id)
        access.append(AccessLine(names[event.coach_id], event.created_at, event.what))
    rx = await uow.coaching.prescription(user_id)
    plan = None
    if rx is not None and any(link.coach_id == rx.coach_id for link in links):
        plan = PlanLine(await name_of(uow, rx.coach_id), rx.routine_id, rx.hold_seconds, rx.reps, rx.reminders)
    return ClientLinks(tuple(links), tuple(access), len(events), plan)


async def _own_active(uow: UnitOfWork, user_id: int, link_id: int) -> CoachLink | None:
    link = await uow.coaching.link(link_id, for_update=True)
    if link is None or link.client_id != user_id or link.status != "active":
        return None
    return link


@dataclass(frozen=True, slots=True)
class Stopped:
    coach_id: int
    coach_name: str | None
    client_label: str


async def stop(uow: UnitOfWork, user_id: int, link_id: int, now: datetime) -> Stopped | None:
    """The client stops sharing with one coach: the link ends now, the coach's prescription goes; None if stale."""
    link = await _own_active(uow, user_id, link_id)
    if link is None:
        return None
    link.status, link.ended_at, link.ended_by = "ended", now, "client"
    await uow.coaching.drop_prescription(user_id, link.coach_id)
    return Stopped(link.coach_id, await name_of(uow, link.coach_id), link.client_name or str(user_id))


async def set_history(uow: UnitOfWork, user_id: int, link_id: int, share: bool) -> LinkLine | None:
    link = await _own_active(uow, user_id, link_id)
    if link is None:
        return None
    link.share_history = share
    return await _line(uow, link)


async def end_all(uow: UnitOfWork, user_id: int, now: datetime) -> list[Stopped]:
    """Every active link of the client ends (before /delete erases them): who to tell."""
    ended = []
    for link in await uow.coaching.links_of_client(user_id):
        link.status, link.ended_at, link.ended_by = "ended", now, "delete"
        ended.append(Stopped(link.coach_id, await name_of(uow, link.coach_id), link.client_name or str(user_id)))
    return ended
