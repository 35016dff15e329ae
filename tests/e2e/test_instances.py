"""Two bot instances on one database, in one process (the multi-process version is tests/e2e/test_multi_instance.py):
every due reminder is sent exactly once, also when claims outlast a short lease and are handed back."""

from __future__ import annotations

import asyncio
import logging
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import time as time_of_day
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import insert

from bot.app import build_application
from bot.config import Settings
from bot.db.models import ReminderSlot, User
from bot.domain.clock import FakeClock
from bot.reminders.dispatcher import lease_margin
from bot.standin import BotApiStandIn
from bot.standin.updates import make_user
from tests.e2e.helpers import AnyApp, ctx_of, dispatcher_of

USERS = 60


@pytest.fixture
async def instances(settings: Settings, clock: FakeClock) -> AsyncIterator[list[AnyApp]]:
    """Two applications (own engine, own Bot, own dispatcher) that are initialised but do not poll."""
    apps = [build_application(settings, clock=clock, start_components=False) for _ in range(2)]
    for application in apps:
        await application.initialize()
        assert application.post_init is not None
        await application.post_init(application)
    yield apps
    for application in apps:
        assert application.post_shutdown is not None
        await application.post_shutdown(application)
        await application.shutdown()


async def _seed(app: AnyApp, standin: BotApiStandIn, clock: FakeClock) -> list[int]:
    now = clock.now()
    ids = list(range(20_000, 20_000 + USERS))
    for user_id in ids:
        standin.state.ensure_chat(make_user(user_id))
    async with ctx_of(app).db.unit_of_work() as uow:
        common: dict[str, Any] = {"timezone": "UTC", "status": "active", "created_at": now, "updated_at": now}
        await uow.session.execute(insert(User), [{"id": i, "chat_id": i, "onboarded_at": now, **common} for i in ids])
        due = time_of_day(now.hour, now.minute)
        await uow.session.execute(
            insert(ReminderSlot),
            [{"user_id": i, "slot": 1, "local_time": due, "enabled": True, "next_due_at": now} for i in ids],
        )
    return ids


def _reminders_per_chat(standin: BotApiStandIn) -> Counter[int]:
    return Counter(
        r.chat_id
        for r in standin.requests
        if r.method.lower() == "sendmessage" and r.status == 200 and r.chat_id is not None
    )


async def test_two_instances_send_each_reminder_once(
    instances: list[AnyApp], standin: BotApiStandIn, clock: FakeClock
) -> None:
    ids = await _seed(instances[0], standin, clock)
    sent = await asyncio.gather(*(dispatcher_of(a).run_once() for a in instances))
    assert sum(sent) == USERS
    per_chat = _reminders_per_chat(standin)
    assert {i: per_chat[i] for i in ids} == dict.fromkeys(ids, 1)


async def test_claims_are_handed_back_before_their_lease_runs_out(
    settings: Settings, standin: BotApiStandIn, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """A lease of 1 s at 40 messages/s: no instance gets through a claim of 60 before its lease gets short, so
    each stops sending in time and gives the rest back; they are claimed again and everyone gets one reminder."""
    caplog.set_level(logging.INFO, logger="bot.reminders.dispatcher")
    assert lease_margin(timedelta(seconds=1)) == timedelta(seconds=0.25)
    slow = settings.model_copy(update={"reminder_lease_seconds": 1.0, "broadcast_per_second": 40.0})
    apps = [build_application(slow, clock=clock, start_components=False) for _ in range(2)]
    for application in apps:
        await application.initialize()
        assert application.post_init is not None
        await application.post_init(application)
    try:
        ids = await _seed(apps[0], standin, clock)
        began = time.monotonic()
        sent = await asyncio.gather(*(dispatcher_of(a).run_once() for a in apps))
        took = time.monotonic() - began
    finally:
        for application in apps:
            assert application.post_shutdown is not None
            await application.post_shutdown(application)
            await application.shutdown()
    assert sum(sent) == USERS
    per_chat = _reminders_per_chat(standin)
    assert {i: per_chat[i] for i in ids} == dict.fromkeys(ids, 1)
    assert any("released for the next claim" in r.getMessage() for r in caplog.records), "no claim was handed back"
    assert took < 10
