"""The coach's digest: daily or weekly, at their own local time (their zone from their user row, or the default),
who needs attention and why. `coaches.digest_due_at` is the schedule; `claim_due` takes the due ones, moves each on
to its next time in the same unit of work and gathers its roster (each client listed is an access event)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, tzinfo

from bot.content.loader import Content
from bot.db.unit_of_work import UnitOfWork
from bot.domain.coaching import DIGEST_KINDS, next_digest
from bot.domain.local_time import user_zone
from bot.services.coaching import coaches, roster
from bot.services.coaching.roster import RosterLine


@dataclass(frozen=True, slots=True)
class DigestSetting:
    kind: str  # off | daily | weekly
    at: time | None
    next_due: datetime | None


async def _zone_of(uow: UnitOfWork, coach_id: int, default_timezone: str) -> tzinfo:
    user = await uow.users.get(coach_id)
    return user_zone(user.timezone if user is not None else None, default_timezone)


async def current(uow: UnitOfWork, admins: frozenset[int], coach_id: int) -> DigestSetting | None:
    if not await coaches.is_coach(uow, admins, coach_id):
        return None
    row = await uow.coaching.coach(coach_id)
    if row is None:
        return DigestSetting("off", None, None)
    return DigestSetting(row.digest, row.digest_time, row.digest_due_at)


async def choose(
    uow: UnitOfWork, admins: frozenset[int], coach_id: int, kind: str, at: time | None, now: datetime,
    default_timezone: str,
) -> DigestSetting | None:  # fmt: skip
    """Set the coach's digest (`at` needed unless off); None if they are no coach or the choice is invalid."""
    if kind not in DIGEST_KINDS or (kind != "off" and at is None):
        return None
    row = await coaches.ensure(uow, admins, coach_id, None, now)
    if row is None:
        return None
    zone = await _zone_of(uow, coach_id, default_timezone)
    row.digest = kind
    row.digest_time = at if kind != "off" else row.digest_time
    row.digest_due_at = next_digest(kind, at, zone, now) if at is not None else None
    return DigestSetting(row.digest, row.digest_time, row.digest_due_at)


@dataclass(frozen=True, slots=True)
class Digest:
    coach_id: int
    lines: tuple[RosterLine, ...]  # all clients, attention first
    stale: bool  # due too long ago to be worth sending


async def any_due(uow: UnitOfWork, now: datetime) -> bool:
    return bool(await uow.coaching.digests_due(now, limit=1))


STALE_AFTER_HOURS = 6


async def claim_due(
    uow: UnitOfWork, admins: frozenset[int], content: Content, now: datetime, default_timezone: str
) -> list[Digest]:
    """The digests due at `now`, each moved on to its next time (sent at most once)."""
    digests = []
    for row in await uow.coaching.digests_due(now):
        zone = await _zone_of(uow, row.user_id, default_timezone)
        due = row.digest_due_at
        assert due is not None and row.digest_time is not None
        row.digest_due_at = next_digest(row.digest, row.digest_time, zone, now)
        stale = (now - due).total_seconds() > STALE_AFTER_HOURS * 3600
        lines = [] if stale else await roster.roster(uow, admins, row.user_id, content, now, default_timezone, "digest")
        digests.append(Digest(row.user_id, tuple(lines or []), stale))
    return digests
