"""A coach's own photos and videos: received in the chat (kept by Telegram file id, no file hosting), attached to a
routine's step or its intro with a button, and sent in that step to the coach's clients from their next session
(`plan_for`: what a session beginning now shows)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.content.loader import Content
from bot.db.models import CoachMedia
from bot.db.unit_of_work import UnitOfWork
from bot.domain.coaching import INTRO
from bot.services.coaching.coaches import is_coach


@dataclass(frozen=True, slots=True)
class Received:
    media_id: int
    kind: str


async def receive(
    uow: UnitOfWork, admins: frozenset[int], coach_id: int, kind: str, file_id: str, now: datetime
) -> Received | None:
    """A coach sent a photo or video: kept until they choose where it goes; None if they are no coach."""
    if kind not in ("photo", "video") or not file_id or len(file_id) > 255:
        return None
    if not await is_coach(uow, admins, coach_id):
        return None
    row = CoachMedia(coach_id=coach_id, kind=kind, file_id=file_id, created_at=now)
    uow.session.add(row)
    await uow.flush()
    return Received(row.id, kind)


@dataclass(frozen=True, slots=True)
class Attached:
    routine_id: str
    step_id: str  # a step's id, or INTRO
    kind: str


async def attach(
    uow: UnitOfWork, admins: frozenset[int], coach_id: int, media_id: int, routine_id: str, step_id: str,
    content: Content,
) -> Attached | None:  # fmt: skip
    """Attach the coach's media to a routine's step (or intro); None if stale, another's, or no such step."""
    row = await uow.coaching.media(media_id, for_update=True)
    routine = content.routines.get(routine_id)
    if row is None or row.coach_id != coach_id or routine is None or not await is_coach(uow, admins, coach_id):
        return None
    if step_id != INTRO and step_id not in {s.id for s in routine.steps}:
        return None
    if row.step_id is not None:
        return None  # attached already: send it again to attach it elsewhere
    row.routine_id, row.step_id = routine_id, step_id
    return Attached(routine_id, step_id, row.kind)


async def plan_for(uow: UnitOfWork, user_id: int, routine_id: str) -> dict[str, list[str]]:
    """The coach media a session of `routine_id` beginning now shows: the newest per step, from the user's coach
    (the one who prescribed, or the latest link)."""
    links = await uow.coaching.links_of_client(user_id)
    if not links:
        return {}
    rx = await uow.coaching.prescription(user_id)
    coach_ids = [rx.coach_id] if rx is not None and any(link.coach_id == rx.coach_id for link in links) else []
    coach_ids.append(links[-1].coach_id)
    found: dict[str, list[str]] = {}
    for row in await uow.coaching.attached_media(coach_ids[0], routine_id):
        assert row.step_id is not None
        found[row.step_id] = [row.kind, row.file_id]  # newest last
    return found
