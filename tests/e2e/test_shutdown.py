"""Stopping in the middle of a reminder fan-out: quick, nothing left half-claimed, the next start finishes."""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta

from bot.app import build_application
from bot.config import Settings
from bot.db.models import ReminderDelivery
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.harness import running
from tests.e2e.helpers import dispatcher_of, onboard, rows
from tests.e2e.test_reminders import UTC_0630


async def test_stop_mid_fan_out_releases_claims_and_next_start_finishes(
    settings: Settings, standin: BotApiStandIn, clock: FakeClock
) -> None:
    slow = settings.model_copy(update={"broadcast_per_second": 20.0, "send_concurrency": 2})
    users = [ChatUser(standin, 4000 + i, f"U{i}") for i in range(30)]
    async with running(build_application(slow, clock=clock)) as app:
        for user in users:
            await onboard(user)
        clock.set(UTC_0630)
        fan_out = asyncio.create_task(dispatcher_of(app).run_once())
        # Wait (bounded) until the fan-out is under way: five reminders have reached the users.
        for _ in range(1000):
            if sum(1 for u in users if any("How stiff" in (m.text or "") for m in u.messages)) >= 5:
                break
            await asyncio.sleep(0.01)
        began = time.monotonic()
    # Leaving `running` stopped the application: the fan-out ended early instead of finishing all 30.
    assert time.monotonic() - began < 5
    sent_first = await fan_out
    assert 5 <= sent_first < 30
    async with running(build_application(settings, clock=clock)) as app:
        deliveries = await rows(app, ReminderDelivery)
        pending = [d for d in deliveries if d.status == "pending"]
        assert len(pending) == 30 - sent_first
        assert all(d.lease_until is None for d in pending), "nothing is left half-claimed"
        clock.advance(timedelta(seconds=1))
        assert await dispatcher_of(app).run_once() == 30 - sent_first
    for user in users:
        assert sum("How stiff" in (m.text or "") for m in user.messages) == 1
