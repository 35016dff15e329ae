"""`stretchbot preview --as coach`: the preview user is a coach, and three made-up clients who agreed to share
(six weeks each: one steady, one whose stretching dropped off, one who reported pain) are planted once, so
/clients, a client's summary, chart and report, prescriptions and the digest have something to show."""

from __future__ import annotations

import random
from datetime import datetime, time, timedelta

from bot.context import AppContext
from bot.db.models import CoachLink, ReminderSlot, RoutineSession, SafetyEvent, User
from bot.domain.schedule import local_date_at
from bot.services.ratings import save_rating

ZONE = "Europe/Berlin"
DEMO_CLIENTS = ((900001, "Anna", "steady"), (900002, "Ben", "dropped"), (900003, "Cleo", "pain"))
DAYS = 42


def _done(kind: str, ago: int, rng: random.Random) -> bool:
    if kind == "dropped" and ago < 7:
        return ago == 5
    return rng.random() < 0.9


async def plant_demo_clients(ctx: AppContext, coach_id: int) -> None:
    """Plant the demo clients and their links to `coach_id` (once: nothing happens if they exist)."""
    now = ctx.clock.now()
    async with ctx.db.unit_of_work() as uow:
        if await uow.users.get(DEMO_CLIENTS[0][0]) is not None:
            return
        from zoneinfo import ZoneInfo

        today = local_date_at(now, ZoneInfo(ZONE))
        start = now - timedelta(days=DAYS)
        for user_id, name, kind in DEMO_CLIENTS:
            rng = random.Random(user_id)
            uow.session.add(
                User(id=user_id, chat_id=user_id, timezone=ZONE, onboarded_at=start, created_at=start, updated_at=start)
            )
            await uow.flush()
            uow.session.add(ReminderSlot(user_id=user_id, slot=1, local_time=time(7, 30), next_due_at=None))
            uow.session.add(
                CoachLink(coach_id=coach_id, client_id=user_id, client_name=name, status="active", share_history=True,
                          linked_at=start, linked_date=today - timedelta(days=DAYS))
            )  # fmt: skip
            for ago in range(DAYS, -1, -1):
                day = today - timedelta(days=ago)
                if not _done(kind, ago, rng):
                    continue
                begun = datetime.combine(day, time(6, 30), tzinfo=now.tzinfo)
                session = RoutineSession(user_id=user_id, routine_id="pigeon", status="finished", local_date=day,
                                         started_at=begun, finished_at=begun + timedelta(minutes=6))  # fmt: skip
                uow.session.add(session)
                await uow.flush()
                before = max(1.0, min(9.0, round(6.5 - 2.5 * (DAYS - ago) / DAYS + rng.uniform(-1, 1))))
                if kind == "pain" and ago < 2:
                    before = 8.0
                await save_rating(uow, user_id=user_id, value=before, kind="before", source="button", now=begun,
                                  default_timezone=ZONE, session_id=session.id)  # fmt: skip
                await save_rating(uow, user_id=user_id, value=max(0.0, before - 2), kind="after", source="button",
                                  now=begun, default_timezone=ZONE, session_id=session.id)  # fmt: skip
            if kind == "pain":
                uow.session.add(
                    SafetyEvent(user_id=user_id, kind="pain", context="hold", local_date=today, created_at=now)
                )
