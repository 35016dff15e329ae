"""One user typing faster than the bot handles one user's updates (in-process, a small burst): the first ones are
answered as usual, the rest get one "slow down" note (typed words like "help" and "stop" included, none of them
stored or acted on) - except a report of pain, which is never throttled away and gets its advice - a tap in the flood gets the note as a toast (no spinner hangs), and a moment
later the same user is served normally again. Another user is not slowed at all."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.app import build_application
from bot.config import Settings
from bot.db.models import SafetyEvent
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.harness import running
from tests.e2e.helpers import onboard, read_until, rows

SLOW_DOWN = "I skipped some of what you just sent"
FLOOD = ["7", "help", "stop", "my back hurts", "6", "/progress", "???", "8", "hello", "/help", "5", "thanks"]


@pytest.fixture
async def throttled_app(settings: Settings, clock: FakeClock) -> AsyncIterator[Any]:
    limited = settings.model_copy(update={"update_burst_per_user": 3, "update_rate_per_user": 5.0})
    application = build_application(limited, clock=clock)
    async with running(application):
        yield application


async def test_a_typed_flood_gets_one_note_then_the_user_is_served_again(
    throttled_app: Any, standin: BotApiStandIn
) -> None:
    alex = ChatUser(standin, 1001, "Alex")
    await onboard(alex)
    await asyncio.sleep(1)  # the onboarding's own updates are forgotten by the bucket
    alex.skip_to_end()
    for text in FLOOD:
        await alex.send(text)
    await asyncio.sleep(1.5)
    texts = [m.text or "" for m in alex.messages[-40:]]
    notes = sum(SLOW_DOWN in t for t in texts)
    assert notes == 1, texts
    ratings = [t for t in texts if "Saved:" in t]
    assert len(ratings) <= 1, "only what came within the burst was acted on"
    assert any("sorry your back hurts" in t for t in texts), "the pain report in the flood got its advice"
    assert [e.kind for e in await rows(throttled_app, SafetyEvent, user_id=1001)] == ["pain"]

    bob = ChatUser(standin, 1002, "Bob")  # another user, meanwhile: not slowed
    await bob.send("/help")
    await read_until(bob, "/progress")

    await asyncio.sleep(1)  # a moment later: served as usual
    alex.skip_to_end()
    await alex.send("/help")
    await read_until(alex, "/progress")


async def test_a_tap_in_a_flood_is_answered_with_the_note(throttled_app: Any, standin: BotApiStandIn) -> None:
    alex = ChatUser(standin, 1001, "Alex")
    await alex.send("/start")
    await read_until(alex, "What time")
    await asyncio.sleep(1)
    for text in ["a", "b", "c", "d"]:
        await alex.send(text)
    query = await alex.tap("07:30")
    answer = await alex.answer_to(query)
    assert answer.text is not None and SLOW_DOWN in answer.text
