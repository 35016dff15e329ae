"""Prescriptions: per client, the coach chooses the routine (of those in content/routines/), a hold time and
repetitions for its timed steps (within `coaching` bounds in content/coach.yaml), and one or two daily reminders.
The client is told what changed and by whom; a session that begins reads the prescription (`plan_for`), so it
applies from the next session on. Only the coach of an active link prescribes, and only while the link lasts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from bot.content.loader import Content
from bot.db.models import CoachPrescription
from bot.db.unit_of_work import UnitOfWork
from bot.domain.coaching import clamp
from bot.services import settings
from bot.services.coaching.coaches import is_coach, name_of
from bot.services.user_scope import load_scope


@dataclass(frozen=True, slots=True)
class RxView:
    link_id: int
    client_id: int
    client_name: str
    coach_name: str | None
    routine_id: str
    hold_seconds: int | None
    reps: int | None
    reminders: int | None
    changed: tuple[str, ...] = ()  # what this change touched: routine, hold, reps, rem, clear


@dataclass(frozen=True, slots=True)
class Plan:
    routine_id: str
    overrides: dict[str, Any] | None


async def plan_for(uow: UnitOfWork, user_id: int) -> Plan | None:
    """The prescription a session beginning now follows (None: the user's own routine, as written)."""
    rx = await uow.coaching.prescription(user_id)
    if rx is None or await uow.coaching.active_link(rx.coach_id, user_id) is None:
        return None
    overrides = {k: v for k, v in (("hold_seconds", rx.hold_seconds), ("reps", rx.reps)) if v is not None}
    return Plan(rx.routine_id, overrides or None)


async def _view(uow: UnitOfWork, link_id: int, client_id: int, name: str, coach_id: int, rx: CoachPrescription | None,
                routine_id: str, changed: tuple[str, ...] = ()) -> RxView:  # fmt: skip
    return RxView(
        link_id, client_id, name, await name_of(uow, coach_id),
        rx.routine_id if rx is not None else routine_id,
        rx.hold_seconds if rx is not None else None,
        rx.reps if rx is not None else None,
        rx.reminders if rx is not None else None,
        changed,
    )  # fmt: skip


async def show(uow: UnitOfWork, admins: frozenset[int], coach_id: int, link_id: int, now: datetime) -> RxView | None:
    """The client's prescription for their coach (None if not this coach's active client)."""
    link = await uow.coaching.link(link_id)
    if (
        link is None
        or link.coach_id != coach_id
        or link.status != "active"
        or not await is_coach(uow, admins, coach_id)
    ):
        return None
    user = await uow.users.get(link.client_id)
    if user is None:
        return None
    uow.coaching.record_access(coach_id, [link.client_id], "prescription", now)
    rx = await uow.coaching.prescription(link.client_id)
    if rx is not None and rx.coach_id != coach_id:
        rx = None  # another coach's prescription is not this coach's to see
    return await _view(
        uow, link.id, link.client_id, link.client_name or str(link.client_id), coach_id, rx, user.routine_id
    )


async def change(
    uow: UnitOfWork, admins: frozenset[int], coach_id: int, link_id: int, what: str, value: str, content: Content,
    now: datetime, default_timezone: str,
) -> RxView | None:  # fmt: skip
    """Change one thing of the prescription; None if refused (not this coach's client, a value out of bounds)."""
    link = await uow.coaching.link(link_id)
    if (
        link is None
        or link.coach_id != coach_id
        or link.status != "active"
        or not await is_coach(uow, admins, coach_id)
    ):
        return None
    user = await uow.users.get(link.client_id)
    if user is None:
        return None
    bounds = content.coach.coaching
    rx = await uow.coaching.prescription(link.client_id, for_update=True)
    if what == "clear":
        await uow.coaching.drop_prescription(link.client_id)
        return await _view(
            uow, link.id, link.client_id, link.client_name or "", coach_id, None, user.routine_id, ("clear",)
        )
    if rx is None or rx.coach_id != coach_id:
        await uow.coaching.drop_prescription(link.client_id)
        await uow.flush()
        rx = CoachPrescription(client_id=link.client_id, coach_id=coach_id, routine_id=user.routine_id, updated_at=now)
        uow.session.add(rx)
    if what == "routine":
        if value not in content.routines:
            return None
        rx.routine_id = value
    elif what in ("hold", "reps", "rem"):
        if not value.isdigit():
            return None
        number = int(value)
        if what == "hold":
            rx.hold_seconds = clamp(number, bounds.hold_seconds.min, bounds.hold_seconds.max)
        elif what == "reps":
            rx.reps = clamp(number, bounds.reps.min, bounds.reps.max)
        else:
            if not 1 <= number <= bounds.reminders_max:
                return None
            rx.reminders = number
            scope = await load_scope(uow, user_id=link.client_id, chat_id=user.chat_id, content=content, now=now,
                                     default_timezone=default_timezone)  # fmt: skip
            hour, minute = (int(part) for part in bounds.second_reminder.split(":"))
            second = await uow.reminders.slot(link.client_id, 2)
            keep = second.local_time if second is not None else time(hour, minute)
            await settings.set_second_reminder(uow, scope, keep if number == 2 else None)
    else:
        return None
    rx.updated_at = now
    uow.coaching.record_access(coach_id, [link.client_id], "prescription", now)
    await uow.flush()
    return await _view(uow, link.id, link.client_id, link.client_name or "", coach_id, rx, user.routine_id, (what,))


async def prescribed_routine(uow: UnitOfWork, user_id: int) -> tuple[str | None, str] | None:
    """(the coach's name, the routine they prescribed) while a prescription applies, for /routine to defer to."""
    plan = await plan_for(uow, user_id)
    if plan is None:
        return None
    rx = await uow.coaching.prescription(user_id)
    assert rx is not None
    return await name_of(uow, rx.coach_id), plan.routine_id
