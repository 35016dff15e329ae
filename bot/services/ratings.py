"""Saving stiffness ratings and the gentle check.

A minimal stand-in with the agreed API, written by the routine flow until the ratings flow's version is merged
into main (then this file is replaced by theirs): a plain insert, or a replace of the (session, kind) rating.
"""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select

from bot.content.schema import SafetyFile
from bot.db.models import Rating
from bot.db.unit_of_work import UnitOfWork
from bot.domain.schedule import local_date_at
from bot.domain.timezones import resolve_zone

RatingKindName = Literal["before", "after", "adhoc"]
RatingSource = Literal["button", "text"]


@dataclass(frozen=True, slots=True)
class RatingSaved:
    rating_id: int
    value: float
    kind: str
    replaced: bool
    duplicate: bool


async def save_rating(
    uow: UnitOfWork,
    *,
    user_id: int,
    value: float,
    kind: RatingKindName,
    source: RatingSource,
    now: datetime,
    session_id: int | None = None,
    update_id: int | None = None,
) -> RatingSaved:
    """Store a 0-10 rating. A re-sent update (same `update_id`) is a duplicate; a second before/after rating
    of the same session replaces the first."""
    if not 0 <= value <= 10:
        raise ValueError("a rating is 0-10")
    session = uow.session
    if update_id is not None:
        statement = select(Rating).where(Rating.user_id == user_id, Rating.update_id == update_id)
        known = (await session.execute(statement)).scalar_one_or_none()
        if known is not None:
            return RatingSaved(known.id, known.value, known.kind, replaced=False, duplicate=True)
    if session_id is not None and kind != "adhoc":
        existing = await uow.ratings.of_session(session_id, kind)
        if existing is not None:
            existing.value = value
            existing.source = source
            existing.updated_at = now
            return RatingSaved(existing.id, value, kind, replaced=True, duplicate=False)
    user = await uow.users.get(user_id)
    zone = resolve_zone(user.timezone if user is not None and user.timezone else "UTC")
    rating = Rating(
        user_id=user_id,
        session_id=session_id,
        kind=kind,
        value=value,
        source=source,
        local_date=local_date_at(now, zone),
        created_at=now,
        updated_at=now,
        update_id=update_id,
    )
    session.add(rating)
    await session.flush()
    return RatingSaved(rating.id, value, kind, replaced=False, duplicate=False)


async def needs_gentle_option(uow: UnitOfWork, user_id: int, value: float, now: datetime, safety: SafetyFile) -> bool:
    """True when `value` is at `safety.absolute` or above, or `safety.above_median` above the median of the
    user's ratings of the last `median_days` days (once there are `min_history` of them)."""
    if value >= safety.absolute:
        return True
    since = now - timedelta(days=safety.median_days)
    statement = select(Rating.value).where(Rating.user_id == user_id, Rating.created_at >= since)
    history = list((await uow.session.execute(statement)).scalars())
    if len(history) < max(1, safety.min_history):
        return False
    return value - statistics.median(history) >= safety.above_median
