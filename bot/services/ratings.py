"""Stiffness ratings: saving them (from buttons, typed text, the routine), correcting them, and the gentle check.

Decisions:

* **Halves are kept.** A rating is a number from 0 to 10 in steps of 0.5 (typed ``7.5`` or ``7 and a half`` is
  stored as 7.5; `bot.domain.rating_text` rounds other decimals to the nearest half). Anything else is a
  `ValueError` here: the handlers only pass values that parsed.
* **Local date.** A rating belongs to the date in the user's timezone when it was given (the settings' default
  zone if the user has none yet); a before/after rating of a session belongs to the session's local date, so an
  after-rating given just past midnight still sits beside its before-rating.
* **One before and one after per session.** A second save for the same (session, kind) replaces the value in the
  same row (`replaced=True`).
* **Re-sent updates.** A save carrying the `update_id` that created a rating returns that rating with
  `duplicate=True` and changes nothing. The row keeps the update id that *created* it, so when Telegram re-sends
  a run of updates in order, the first is a no-op and the later ones replay their corrections in order.
* **Concurrency.** The user's row is locked first (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's
  ``BEGIN IMMEDIATE`` already serialises writers), and the insert runs in a savepoint: if a concurrent save won
  the race anyway, the unique constraint fires, the savepoint rolls back and the save becomes a replace (or a
  duplicate). Two concurrent saves never surface an IntegrityError.
* **Correction window.** Undo and Change work on the user's own ad hoc rating for
  ``coach.yaml: rating_correction_minutes`` after it was first saved; later, or for somebody else's rating, they
  report `CorrectionRefused` and change nothing.

No value is ever logged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal

from sqlalchemy.exc import IntegrityError

from bot.content.schema import SafetyFile
from bot.db.models import Rating
from bot.db.unit_of_work import UnitOfWork
from bot.domain.local_time import local_today
from bot.domain.rating_text import MAX_RATING, MIN_RATING
from bot.domain.safety import SafetyThresholds, needs_gentle_check

RatingKind = Literal["before", "after", "adhoc"]
RatingSource = Literal["button", "text"]
KINDS: tuple[str, ...] = ("before", "after", "adhoc")
SOURCES: tuple[str, ...] = ("button", "text")


@dataclass(frozen=True, slots=True)
class RatingSaved:
    rating_id: int
    value: float
    kind: str
    replaced: bool
    duplicate: bool
    local_date: date | None = None


@dataclass(frozen=True, slots=True)
class RatingUndone:
    rating_id: int
    value: float
    local_date: date


@dataclass(frozen=True, slots=True)
class CorrectionRefused:
    """Undo/Change could not apply: the rating is gone, not the user's, or the window has closed."""

    reason: Literal["missing", "expired"]


def validate_value(value: float) -> float:
    """`value` as a float on the 0-10 half-point grid; ValueError otherwise."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError("a rating must be a number")
    number = float(value)
    if not math.isfinite(number) or not MIN_RATING <= number <= MAX_RATING or (number * 2) != int(number * 2):
        raise ValueError("a rating must be between 0 and 10 in steps of 0.5")
    return number


async def save_rating(
    uow: UnitOfWork,
    *,
    user_id: int,
    value: float,
    kind: Literal["before", "after", "adhoc"],
    source: Literal["button", "text"],
    now: datetime,
    default_timezone: str,
    session_id: int | None = None,
    update_id: int | None = None,
) -> RatingSaved:
    """Store a rating (see the module docstring). ValueError for a bad value, kind, source, user or session."""
    number = validate_value(value)
    if kind not in KINDS:
        raise ValueError(f"unknown rating kind {kind!r}")
    if source not in SOURCES:
        raise ValueError(f"unknown rating source {source!r}")
    user = await uow.users.get(user_id, for_update=True)  # serialises this user's rating writes
    if user is None:
        raise ValueError("unknown user")
    local_date = local_today(user.timezone, default_timezone, now)
    if session_id is not None:
        routine_session = await uow.sessions.get(session_id)
        if routine_session is None or routine_session.user_id != user_id:
            raise ValueError("unknown session")
        local_date = routine_session.local_date

    for _attempt in range(2):
        if update_id is not None:
            earlier = await uow.ratings.of_update(user_id, update_id)
            if earlier is not None:
                return _saved(earlier, replaced=False, duplicate=True)
        if session_id is not None:
            existing = await uow.ratings.of_session_for_update(session_id, kind)
            if existing is not None:
                existing.value = number
                existing.source = source
                existing.updated_at = now
                await uow.flush()
                return _saved(existing, replaced=True, duplicate=False)
        try:
            async with uow.session.begin_nested():
                rating_id = await uow.ratings.insert(
                    user_id=user_id,
                    session_id=session_id,
                    kind=kind,
                    value=number,
                    source=source,
                    local_date=local_date,
                    now=now,
                    update_id=update_id,
                )
        except IntegrityError:
            # A concurrent save of the same update or (session, kind) committed first: look again.
            continue
        return RatingSaved(
            rating_id=rating_id, value=number, kind=kind, replaced=False, duplicate=False, local_date=local_date
        )
    raise RuntimeError("rating could not be saved after a conflict")  # pragma: no cover - needs a third writer


def _saved(rating: Rating, *, replaced: bool, duplicate: bool) -> RatingSaved:
    return RatingSaved(
        rating_id=rating.id,
        value=rating.value,
        kind=rating.kind,
        replaced=replaced,
        duplicate=duplicate,
        local_date=rating.local_date,
    )


async def _correctable(
    uow: UnitOfWork, user_id: int, rating_id: int, now: datetime, window_minutes: int
) -> Rating | CorrectionRefused:
    rating = await uow.ratings.get(rating_id, for_update=True)
    if rating is None or rating.user_id != user_id or rating.kind != "adhoc":
        return CorrectionRefused("missing")
    if now - rating.created_at > timedelta(minutes=window_minutes):
        return CorrectionRefused("expired")
    return rating


async def undo_rating(
    uow: UnitOfWork, *, user_id: int, rating_id: int, now: datetime, window_minutes: int
) -> RatingUndone | CorrectionRefused:
    """Delete the user's own ad hoc rating within the correction window."""
    found = await _correctable(uow, user_id, rating_id, now, window_minutes)
    if isinstance(found, CorrectionRefused):
        return found
    undone = RatingUndone(rating_id=found.id, value=found.value, local_date=found.local_date)
    await uow.ratings.delete(found)
    return undone


async def can_change(
    uow: UnitOfWork, *, user_id: int, rating_id: int, now: datetime, window_minutes: int
) -> RatingSaved | CorrectionRefused:
    """Whether the Change button may show the scale for this rating (nothing is modified)."""
    found = await _correctable(uow, user_id, rating_id, now, window_minutes)
    if isinstance(found, CorrectionRefused):
        return found
    return _saved(found, replaced=False, duplicate=False)


async def change_rating(
    uow: UnitOfWork,
    *,
    user_id: int,
    rating_id: int,
    value: float,
    now: datetime,
    window_minutes: int,
    source: RatingSource = "button",
) -> RatingSaved | CorrectionRefused:
    """Replace the value of the user's own ad hoc rating (same row) within the correction window."""
    number = validate_value(value)
    found = await _correctable(uow, user_id, rating_id, now, window_minutes)
    if isinstance(found, CorrectionRefused):
        return found
    found.value = number
    found.source = source
    found.updated_at = now
    await uow.flush()
    return _saved(found, replaced=True, duplicate=False)


REPLACE_WITHIN = timedelta(minutes=10)


async def just_typed(uow: UnitOfWork, user_id: int, today: date, now: datetime) -> Rating | None:
    """The user's ad hoc rating of today typed within `REPLACE_WITHIN` (a second number typed now corrects it)."""
    typed = [
        r
        for r in await uow.ratings.of_user(user_id, since=today, kind="adhoc")
        if r.source == "text" and now - r.created_at <= REPLACE_WITHIN
    ]
    return typed[-1] if typed else None


async def recent_before_values(uow: UnitOfWork, user_id: int, today: date, days: int) -> list[float]:
    """Before-ratings of the `days` local days before `today` (today itself is left out: it is being judged)."""
    first = today - timedelta(days=days)
    return [r.value for r in await uow.ratings.of_user(user_id, since=first, kind="before") if r.local_date < today]


async def needs_gentle_option(
    uow: UnitOfWork,
    user_id: int,
    value: float,
    now: datetime,
    safety: SafetyFile,
    default_timezone: str,
) -> bool:
    """Whether a before-rating of `value` should first offer the gentle variant / a check-in.

    True if `value` is at least `safety.absolute`, or at least `safety.above_median` above the median of the
    user's before-ratings of the previous `safety.median_days` days, once there are `safety.min_history` of them.
    """
    number = validate_value(value)
    user = await uow.users.get(user_id)
    history: list[float] = []
    if user is not None:
        history = await recent_before_values(
            uow, user_id, local_today(user.timezone, default_timezone, now), safety.median_days
        )
    thresholds = SafetyThresholds(
        above_median=safety.above_median, absolute=safety.absolute, min_history=safety.min_history
    )
    return needs_gentle_check(number, history, thresholds)
