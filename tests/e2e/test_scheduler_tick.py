"""The real scheduler tick (PTB JobQueue on APScheduler) sends a due reminder by itself, at start and repeatedly."""

from __future__ import annotations

from datetime import timedelta

from bot.app import build_application
from bot.config import Settings
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.harness import running
from tests.e2e.helpers import onboard, read_until
from tests.e2e.test_reminders import UTC_0630


async def test_the_scheduled_tick_sends_due_reminders(
    settings: Settings, standin: BotApiStandIn, clock: FakeClock
) -> None:
    user = ChatUser(standin, 1001, "Alex")
    async with running(build_application(settings, clock=clock)):
        await onboard(user)
    # Restart with a fast tick: the first tick after start catches up; a later one sends the next day's.
    clock.set(UTC_0630 + timedelta(minutes=1))
    fast = settings.model_copy(update={"scheduler_tick_seconds": 0.05, "scheduler_first_tick_seconds": 0.0})
    async with running(build_application(fast, clock=clock)):
        await read_until(user, "How stiff is your back right now")
        clock.advance(timedelta(days=1))
        await read_until(user, "How stiff is your back right now")
    assert sum("How stiff" in (m.text or "") for m in user.messages) == 2
