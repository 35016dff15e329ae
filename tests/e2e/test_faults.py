"""Bot API faults injected by the stand-in: 429 with retry_after, 5xx, time-outs (also ones that went through) and
403. The bot waits out every 429, retries what failed with backoff, never stores anything twice, deactivates a
user who blocked it, and keeps answering everybody else meanwhile."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from bot.db.models import Rating, ReminderDelivery, ReminderSlot, RoutineSession, User
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from bot.telegram_io.aiohttp_request import AiohttpRequest
from tests.e2e.helpers import AnyApp, dispatcher_of, onboard, read_until, rows
from tests.e2e.test_reminders import UTC_0630, reminders_in

# PTB warns about its own retry_after type change whenever it reads a 429.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

ERROR_TEXT = "Sorry, something went wrong"


def short_read_timeout(app: AnyApp, seconds: float) -> None:
    """Telegram "stalls" in these tests for a second or two instead of the bot's real 10 s read timeout."""
    request = app.bot._request[1]  # every method but getUpdates
    assert isinstance(request, AiohttpRequest)
    request._read_timeout = seconds


def statuses(standin: BotApiStandIn, chat_id: int, method: str = "sendMessage") -> list[int]:
    return [r.status for r in standin.calls(method) if r.chat_id == chat_id]


@pytest.fixture
async def people(standin: BotApiStandIn, app: AnyApp) -> list[ChatUser]:
    """Three onboarded users (Berlin, 07:30), reminders due at UTC_0630."""
    users = [ChatUser(standin, uid, name) for uid, name in ((1001, "Alice"), (1002, "Bob"), (1003, "Carol"))]
    for person in users:
        await onboard(person)
    return users


async def answers_help(person: ChatUser, timeout: float = 3.0) -> None:  # noqa: ASYNC109
    person.skip_to_end()
    await person.send("/help")
    await person.wait_for(lambda e: "/progress" in str(e.message.get("text")), timeout)


async def test_429_is_waited_out_then_delivered_and_nothing_arrives_early(
    app: AnyApp, people: list[ChatUser], standin: BotApiStandIn, clock: FakeClock
) -> None:
    alice, bob, carol = people
    # Each 429 holds every sender for retry_after, then that reminder goes again. Bob: one 429, then delivered.
    # Alice: four in a row, more than the dispatcher retries at once (3), so hers waits for its lease and goes
    # out at the next tick (where the fourth 429 is waited out too).
    standin.faults.add("sendMessage", "retry_after", times=1, chat_id=bob.user_id, retry_after=1)
    standin.faults.add("sendMessage", "retry_after", times=4, chat_id=alice.user_id, retry_after=1)
    clock.set(UTC_0630)
    dispatcher = dispatcher_of(app)
    fan_out = asyncio.create_task(dispatcher.run_once())
    await read_until(carol, "How stiff")
    await answers_help(carol)  # others keep getting answers while the 429s are waited out
    assert await fan_out == 2
    assert statuses(standin, bob.user_id)[-2:] == [429, 200]
    assert statuses(standin, alice.user_id)[-4:] == [200, 429, 429, 429]  # her onboarding, then the reminder
    clock.advance(timedelta(seconds=31))
    assert await dispatcher.run_once() == 1
    assert statuses(standin, alice.user_id)[-2:] == [429, 200]
    assert standin.stats.early_requests == []
    assert [len(reminders_in(p)) for p in people] == [1, 1, 1]
    assert {d.status for d in await rows(app, ReminderDelivery)} == {"sent"}


async def test_5xx_is_retried_with_backoff_and_delivered_once(
    app: AnyApp, people: list[ChatUser], standin: BotApiStandIn, clock: FakeClock
) -> None:
    alice, bob, _ = people
    # Each send is tried three times at once (0.5 s, 1 s apart), then again after 30 s, then after 60 s more.
    standin.faults.add("sendMessage", "server_error", times=6, chat_id=alice.user_id)
    clock.set(UTC_0630)
    dispatcher = dispatcher_of(app)
    assert await dispatcher.run_once() == 2
    assert statuses(standin, alice.user_id)[-3:] == [502] * 3
    clock.advance(timedelta(seconds=31))
    assert await dispatcher.run_once() == 0
    clock.advance(timedelta(seconds=31))
    assert await dispatcher.run_once() == 0, "the second retry waits twice as long"
    clock.advance(timedelta(seconds=30))
    assert await dispatcher.run_once() == 1
    [delivery] = await rows(app, ReminderDelivery, user_id=alice.user_id)
    assert (delivery.status, delivery.attempts) == ("sent", 3)
    assert [len(reminders_in(p)) for p in people] == [1, 1, 1]
    # A handler's reply through a 502 is retried too: the user just gets the answer.
    standin.faults.add("sendMessage", "server_error", times=2, chat_id=bob.user_id)
    await answers_help(bob)


async def test_a_send_failing_longer_than_five_attempts_backs_off_to_the_ceiling_and_is_never_given_up(
    app: AnyApp, people: list[ChatUser], standin: BotApiStandIn, clock: FakeClock
) -> None:
    alice, _, _ = people
    # Six attempts of three requests each fail (the old cap turned the sixth claim into "failed"); the 7th goes out.
    standin.faults.add("sendMessage", "server_error", times=18, chat_id=alice.user_id)
    clock.set(UTC_0630)
    dispatcher = dispatcher_of(app)
    assert await dispatcher.run_once() == 2
    waits = []
    for _ in range(6):
        [delivery] = await rows(app, ReminderDelivery, user_id=alice.user_id)
        assert delivery.status == "pending"
        waits.append(round((delivery.lease_until - clock.now()).total_seconds()))
        clock.set(delivery.lease_until + timedelta(seconds=1))
        await dispatcher.run_once()
    assert waits == [30, 60, 120, 240, 300, 300], "doubling from SEND_RETRY_SECONDS up to SEND_RETRY_MAX_SECONDS"
    [delivery] = await rows(app, ReminderDelivery, user_id=alice.user_id)
    assert (delivery.status, delivery.attempts) == ("sent", 7)
    [reminder] = reminders_in(alice)
    assert "sorry it comes late" in (reminder.text or ""), "17 minutes late: it says so"


async def test_timeouts_are_retried_and_a_send_that_went_through_is_the_one_duplicate(
    app: AnyApp, people: list[ChatUser], standin: BotApiStandIn, clock: FakeClock
) -> None:
    alice, bob, carol = people
    short_read_timeout(app, 1.0)
    standin.faults.add("sendMessage", "timeout", chat_id=alice.user_id, delay=2.0)  # lost
    standin.faults.add("sendMessage", "timeout", chat_id=carol.user_id, delay=2.0, apply=True)  # went through
    clock.set(UTC_0630)
    dispatcher = dispatcher_of(app)
    fan_out = asyncio.create_task(dispatcher.run_once())
    await read_until(bob, "How stiff")
    await answers_help(bob, timeout=0.9)  # answered while two sends hang
    assert not fan_out.done()
    assert await fan_out == 1
    clock.advance(timedelta(seconds=31))
    assert await dispatcher.run_once() == 2
    # Alice's lost send was sent again; Carol's had reached her, so she has it twice: the documented duplicate.
    assert [len(reminders_in(p)) for p in people] == [1, 1, 2]
    assert {d.status for d in await rows(app, ReminderDelivery)} == {"sent"}


async def test_a_rating_tap_through_a_timed_out_send_that_went_through_is_stored_once(
    app: AnyApp, user: ChatUser, standin: BotApiStandIn
) -> None:
    await onboard(user)
    short_read_timeout(app, 0.5)
    await user.send("/stretch")
    ask = await read_until(user, "how stiff is your back right now")
    six = next(b.value for row in ask.buttons for b in row if b.text == "6")
    standin.faults.add("sendMessage", "timeout", chat_id=user.user_id, delay=1.0, apply=True)
    query = await user.tap_data(ask.message_id, six)
    await read_until(user, "Pigeon hip stretch")  # the intro went through, but the bot saw a time-out
    await user.answer_to(query)
    # The user taps the same button again (and again): nothing more is stored.
    for _ in range(2):
        again = await user.tap_data(ask.message_id, six)
        await user.answer_to(again)
    [session] = await rows(app, RoutineSession, user_id=user.user_id)
    assert [(r.kind, r.value) for r in await rows(app, Rating, user_id=user.user_id)] == [("before", 6.0)]
    # /stretch offers to resume the same session, which shows the live step again.
    await user.send("/stretch")
    await read_until(user, "You're in the middle of")
    await user.tap("Resume")
    await read_until(user, "1/6 · Get into pigeon pose")
    assert [s.id for s in await rows(app, RoutineSession, user_id=user.user_id)] == [session.id]


async def test_stretch_through_a_timed_out_send_that_went_through_starts_one_session(
    app: AnyApp, user: ChatUser, standin: BotApiStandIn
) -> None:
    await onboard(user)
    short_read_timeout(app, 0.5)
    standin.faults.add("sendMessage", "timeout", chat_id=user.user_id, delay=1.0, apply=True)
    await user.send("/stretch")
    await read_until(user, "how stiff is your back right now")
    await read_until(user, ERROR_TEXT)  # the bot could not know the question arrived
    await user.send("/stretch")
    await read_until(user, "You're in the middle of")
    sessions = await rows(app, RoutineSession, user_id=user.user_id)
    assert [s.status for s in sessions] == ["active"]


async def test_403_deactivates_the_user_without_retrying_and_others_carry_on(
    app: AnyApp, people: list[ChatUser], standin: BotApiStandIn, clock: FakeClock
) -> None:
    alice, bob, _ = people
    standin.faults.add("sendMessage", "blocked", times=5, chat_id=alice.user_id)
    before = len(statuses(standin, alice.user_id))
    await alice.send("6")
    await answers_help(bob)

    async def blocked() -> list[Any]:
        return [u for u in await rows(app, User, id=alice.user_id) if u.status == "blocked"]

    for _ in range(100):
        if await blocked():
            break
        await asyncio.sleep(0.02)
    assert await blocked()
    assert statuses(standin, alice.user_id)[before:] == [403], "one attempt, no retry, no apology"
    assert [r.value for r in await rows(app, Rating, user_id=alice.user_id)] == [6.0]  # stored before the reply
    [slot] = await rows(app, ReminderSlot, user_id=alice.user_id)
    assert slot.next_due_at is None
    clock.set(UTC_0630)
    assert await dispatcher_of(app).run_once() == 2
    assert reminders_in(alice) == []
    assert len(statuses(standin, alice.user_id)) == before + 1
