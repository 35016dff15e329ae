"""Daily reminders through the real bot, the stand-in and an injected clock: local time, DST, restarts,
catch-up and missed, no duplicates, snooze, skip, pause/resume/stop, blocked users, a second reminder."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy.exc import IntegrityError

from bot.app import build_application
from bot.config import Settings
from bot.db.models import ReminderDelivery, ReminderSlot, SkippedDay, User
from bot.domain.clock import FakeClock
from bot.reminders.queue import claim_ready
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.harness import running
from tests.e2e.helpers import AnyApp, ctx_of, dispatcher_of, onboard, read_until, rows

UTC_0630 = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)  # 07:30 in Berlin on Monday 2 March 2026


def reminders_in(user: ChatUser) -> list[Any]:
    return [m for m in user.messages if "How stiff is your back right now" in (m.text or "")]


async def test_reminder_arrives_at_local_time_once(app: AnyApp, user: ChatUser, clock: FakeClock) -> None:
    await onboard(user, "07:30", "Berlin")
    dispatcher = dispatcher_of(app)
    clock.set(UTC_0630 - timedelta(seconds=1))
    assert await dispatcher.run_once() == 0
    clock.set(UTC_0630)
    assert await dispatcher.run_once() == 1
    reminder = await read_until(user, "How stiff is your back right now")
    assert "Good morning" in (reminder.text or "")
    assert reminder.button_labels == [*(str(v) for v in range(11)), "Start ▶", "Snooze 15 min", "Skip today"]
    # Another tick, later the same day: nothing more.
    clock.advance(timedelta(minutes=30))
    assert await dispatcher.run_once() == 0
    assert len(reminders_in(user)) == 1
    [slot] = await rows(app, ReminderSlot, user_id=1001)
    assert slot.next_due_at == UTC_0630 + timedelta(days=1)
    [delivery] = await rows(app, ReminderDelivery, user_id=1001)
    assert (delivery.status, delivery.local_date, delivery.message_id) == (
        "sent",
        date(2026, 3, 2),
        reminder.message_id,
    )


async def test_the_same_local_date_can_never_get_two_deliveries(app: AnyApp, user: ChatUser, clock: FakeClock) -> None:
    await onboard(user)
    clock.set(UTC_0630)
    await dispatcher_of(app).run_once()
    async with ctx_of(app).db.unit_of_work() as uow:
        uow.session.add(
            ReminderDelivery(
                user_id=1001,
                slot=1,
                local_date=date(2026, 3, 2),
                due_at=UTC_0630,
                send_after=UTC_0630,
                status="pending",
            )
        )
        with pytest.raises(IntegrityError):
            await uow.flush()
        await uow.session.rollback()


@pytest.mark.parametrize(
    ("zone", "label", "local", "expected_utc"),
    [
        # Spring forward: 02:30 does not exist on 29 March 2026 in Berlin; it fires once at 03:30 CEST.
        (
            "Europe/Berlin",
            "Berlin",
            "02:30",
            [
                datetime(2026, 3, 28, 1, 30, tzinfo=UTC),
                datetime(2026, 3, 29, 1, 30, tzinfo=UTC),
                datetime(2026, 3, 30, 0, 30, tzinfo=UTC),
            ],
        ),
        # Fall back: 02:30 happens twice on 25 October 2026; it fires once, at the first (CEST) one.
        (
            "Europe/Berlin",
            "Berlin",
            "02:30",
            [
                datetime(2026, 10, 24, 0, 30, tzinfo=UTC),
                datetime(2026, 10, 25, 0, 30, tzinfo=UTC),
                datetime(2026, 10, 26, 1, 30, tzinfo=UTC),
            ],
        ),
        # New York: 02:15 does not exist on 8 March 2026 (fires 03:15 EDT); 01:30 repeats on 1 November 2026.
        (
            "America/New_York",
            "New York",
            "02:15",
            [
                datetime(2026, 3, 7, 7, 15, tzinfo=UTC),
                datetime(2026, 3, 8, 7, 15, tzinfo=UTC),
                datetime(2026, 3, 9, 6, 15, tzinfo=UTC),
            ],
        ),
        (
            "America/New_York",
            "New York",
            "01:30",
            [
                datetime(2026, 10, 31, 5, 30, tzinfo=UTC),
                datetime(2026, 11, 1, 5, 30, tzinfo=UTC),
                datetime(2026, 11, 2, 6, 30, tzinfo=UTC),
            ],
        ),
        # Lord Howe shifts by 30 minutes: 02:15 is skipped on 4 October 2026 (fires 02:45), 01:45 repeats on 5 April 2026.
        (
            "Australia/Lord_Howe",
            "Lord Howe",
            "02:15",
            [
                datetime(2026, 10, 2, 15, 45, tzinfo=UTC),
                datetime(2026, 10, 3, 15, 45, tzinfo=UTC),
                datetime(2026, 10, 4, 15, 15, tzinfo=UTC),
            ],
        ),
        (
            "Australia/Lord_Howe",
            "Lord Howe",
            "01:45",
            [
                datetime(2026, 4, 3, 14, 45, tzinfo=UTC),
                datetime(2026, 4, 4, 14, 45, tzinfo=UTC),
                datetime(2026, 4, 5, 15, 15, tzinfo=UTC),
            ],
        ),
    ],
)
async def test_dst_transitions_fire_exactly_once_per_day(
    app: AnyApp, user: ChatUser, clock: FakeClock, zone: str, label: str, local: str, expected_utc: list[datetime]
) -> None:
    clock.set(expected_utc[0] - timedelta(hours=20))
    await onboard(user, local, zone)
    dispatcher = dispatcher_of(app)
    fired: list[datetime] = []
    # Tick every 15 minutes across three days, as the scheduler would (coarser than real, same logic).
    moment = clock.now()
    while moment <= expected_utc[-1] + timedelta(hours=2):
        clock.set(moment)
        if await dispatcher.run_once():
            fired.append(moment)
        moment += timedelta(minutes=15)
    assert fired == expected_utc
    deliveries = await rows(app, ReminderDelivery, user_id=1001)
    assert len({d.local_date for d in deliveries}) == len(deliveries) == 3


async def _restart(settings: Settings, clock: FakeClock) -> Any:
    return running(build_application(settings, clock=clock))


async def test_restart_sends_late_reminder_within_catch_up(
    settings: Settings, standin: BotApiStandIn, clock: FakeClock
) -> None:
    user = ChatUser(standin, 1001, "Alex")
    async with running(build_application(settings, clock=clock)):
        await onboard(user)
    # The bot is down from 07:00 to 08:45 Berlin time; the 07:30 reminder is 75 minutes late.
    clock.set(UTC_0630 + timedelta(minutes=75))
    async with running(build_application(settings, clock=clock)) as app:
        assert await dispatcher_of(app).run_once() == 1
        late = await read_until(user, "How stiff")
        assert "This was due at 07:30 – sorry it comes late." in (late.text or "")
        assert await dispatcher_of(app).run_once() == 0


async def test_restart_after_catch_up_window_records_missed(
    settings: Settings, standin: BotApiStandIn, clock: FakeClock
) -> None:
    user = ChatUser(standin, 1001, "Alex")
    async with running(build_application(settings, clock=clock)):
        await onboard(user)
    clock.set(UTC_0630 + timedelta(hours=2, minutes=1))  # just past the 2-hour window
    async with running(build_application(settings, clock=clock)) as app:
        assert await dispatcher_of(app).run_once() == 0
        assert reminders_in(user) == []
        [delivery] = await rows(app, ReminderDelivery, user_id=1001)
        assert delivery.status == "missed"
        [slot] = await rows(app, ReminderSlot, user_id=1001)
        assert slot.next_due_at == UTC_0630 + timedelta(days=1)


async def test_days_of_downtime_record_each_missed_day_and_resume(
    settings: Settings, standin: BotApiStandIn, clock: FakeClock
) -> None:
    user = ChatUser(standin, 1001, "Alex")
    async with running(build_application(settings, clock=clock)):
        await onboard(user)
    clock.set(UTC_0630 + timedelta(days=3, minutes=10))  # down for three days, back 10 minutes after the 4th
    async with running(build_application(settings, clock=clock)) as app:
        assert await dispatcher_of(app).run_once() == 1
        deliveries = sorted(await rows(app, ReminderDelivery, user_id=1001), key=lambda d: d.local_date)
        assert [d.status for d in deliveries] == ["missed", "missed", "missed", "sent"]


async def test_restart_in_the_middle_of_sending_does_not_duplicate(
    settings: Settings, standin: BotApiStandIn, clock: FakeClock
) -> None:
    users = [ChatUser(standin, 2000 + i, f"User{i}") for i in range(6)]
    async with running(build_application(settings, clock=clock)) as app:
        for user in users:
            await onboard(user)
        clock.set(UTC_0630)
        # A process claims every due reminder, then dies before sending (its lease is left behind).
        ctx = ctx_of(app)
        from bot.reminders.queue import materialize_due

        async with ctx.db.unit_of_work() as uow:
            await materialize_due(uow.session, clock.now(), catch_up=timedelta(hours=2), default_timezone="UTC")
        async with ctx.db.unit_of_work() as uow:
            claimed = await claim_ready(
                uow.session, clock.now(), lease=timedelta(minutes=2), catch_up=timedelta(hours=2), limit=100
            )
        assert len(claimed) == 6
    clock.advance(timedelta(minutes=1))
    async with running(build_application(settings, clock=clock)) as app:
        assert await dispatcher_of(app).run_once() == 0  # still leased to the dead process
        clock.advance(timedelta(minutes=2))
        assert await dispatcher_of(app).run_once() == 6
        clock.advance(timedelta(minutes=5))
        assert await dispatcher_of(app).run_once() == 0
    clock.advance(timedelta(minutes=1))
    async with running(build_application(settings, clock=clock)) as app:
        assert await dispatcher_of(app).run_once() == 0
    for user in users:
        assert len(reminders_in(user)) == 1


async def test_snooze_resends_later_and_is_limited(app: AnyApp, user: ChatUser, clock: FakeClock) -> None:
    await onboard(user)
    clock.set(UTC_0630)
    dispatcher = dispatcher_of(app)
    await dispatcher.run_once()
    await read_until(user, "How stiff")
    for round_ in range(3):
        query = await user.tap("Snooze 15 min")
        answer = await user.answer_to(query)
        assert "remind you again at" in (answer.text or "")
        await read_until(user, "Snoozed")
        clock.advance(timedelta(minutes=14))
        assert await dispatcher.run_once() == 0
        clock.advance(timedelta(minutes=1))
        assert await dispatcher.run_once() == 1, f"snooze {round_ + 1}"
        await read_until(user, "How stiff")
    query = await user.tap("Snooze 15 min")
    answer = await user.answer_to(query)
    assert answer.show_alert and "snoozed this one 3 times" in (answer.text or "")
    [delivery] = await rows(app, ReminderDelivery, user_id=1001)
    assert (delivery.status, delivery.snoozes) == ("sent", 3)


async def test_skip_today_with_reason_is_stored(app: AnyApp, user: ChatUser, clock: FakeClock) -> None:
    await onboard(user)
    clock.set(UTC_0630)
    await dispatcher_of(app).run_once()
    await read_until(user, "How stiff")
    await user.tap("Skip today")
    ask = await read_until(user, "What's the reason")
    assert ask.button_labels == ["Flare-up", "Travelling", "Ill", "No time", "Other", "No reason"]
    await user.tap("Travelling")
    done = await read_until(user, "Noted")
    assert "won't break your streak" in (done.text or "") and "tomorrow at 07:30" in (done.text or "")
    [skip] = await rows(app, SkippedDay, user_id=1001)
    assert (skip.local_date, skip.reason) == (date(2026, 3, 2), "travelling")
    [delivery] = await rows(app, ReminderDelivery, user_id=1001)
    assert delivery.status == "skipped"
    # A second tap on the (now replaced) reason buttons, as a slow double tap would send: nothing changes.
    query = await user.tap_data(ask.message_id, f"1|rw|{delivery.id}|ill")
    assert "already taken care of" in ((await user.answer_to(query)).text or "")
    [skip] = await rows(app, SkippedDay, user_id=1001)
    assert skip.reason == "travelling"


async def test_pause_resume_and_stop(app: AnyApp, user: ChatUser, clock: FakeClock) -> None:
    await onboard(user)
    dispatcher = dispatcher_of(app)
    await user.send("/pause 3")
    paused = await read_until(user, "Paused until")
    assert "Thu 5 Mar" in (paused.text or "") and "Thu 5 Mar at 07:30" in (paused.text or "")
    clock.set(UTC_0630 + timedelta(days=1))
    assert await dispatcher.run_once() == 0
    await user.send("/resume")
    resumed = await read_until(user, "back on")
    assert "tomorrow at 07:30" in (resumed.text or "")
    # Pause until /resume with the buttons.
    await user.send("/pause")
    await read_until(user, "how long")
    await user.tap("Until I resume")
    await read_until(user, "paused until you type /resume")
    clock.advance(timedelta(days=1))
    assert await dispatcher.run_once() == 0
    [slot] = await rows(app, ReminderSlot, user_id=1001)
    assert slot.next_due_at is None
    await user.send("/resume")
    await read_until(user, "back on")
    await user.send("/stop")
    stopped = await read_until(user, "Reminders are off")
    assert "/start" in (stopped.text or "")
    clock.advance(timedelta(days=1))
    assert await dispatcher.run_once() == 0
    await user.send("/start")
    await read_until(user, "Welcome back")
    [db_user] = await rows(app, User, id=1001)
    assert db_user.status == "active"
    clock.advance(timedelta(days=1))
    assert await dispatcher.run_once() == 1


async def test_bad_pause_input(app: AnyApp, user: ChatUser) -> None:
    await onboard(user)
    for bad in ("/pause forever", "/pause 0", "/pause 500", "/pause 1 2"):
        await user.send(bad)
        assert "To pause" in ((await user.next_message()).text or "")
    [db_user] = await rows(app, User, id=1001)
    assert db_user.paused_until is None


async def eventually(app: AnyApp, status: str) -> None:
    """The my_chat_member update is handled asynchronously: wait (briefly) until the user has `status`."""
    for _ in range(200):
        [db_user] = await rows(app, User, id=1001)
        if db_user.status == status:
            return
        await asyncio.sleep(0.005)
    raise AssertionError(f"user never became {status}")


async def test_blocked_user_is_deactivated_and_comes_back(
    app: AnyApp, user: ChatUser, standin: BotApiStandIn, clock: FakeClock
) -> None:
    await onboard(user)
    await user.block()
    dispatcher = dispatcher_of(app)
    clock.set(UTC_0630)
    await eventually(app, "blocked")
    assert await dispatcher.run_once() == 0
    await user.unblock()
    await eventually(app, "active")
    clock.advance(timedelta(days=1))
    assert await dispatcher.run_once() == 1


async def test_403_during_fan_out_marks_user_inactive_and_never_retries(
    app: AnyApp, standin: BotApiStandIn, clock: FakeClock
) -> None:
    alice, bob = ChatUser(standin, 3001, "Alice"), ChatUser(standin, 3002, "Bob")
    await onboard(alice)
    await onboard(bob)
    standin.faults.add("sendMessage", "blocked", times=1, chat_id=3001)
    clock.set(UTC_0630)
    assert await dispatcher_of(app).run_once() == 1
    assert reminders_in(bob) and not reminders_in(alice)
    [db_alice] = await rows(app, User, id=3001)
    assert db_alice.status == "blocked"
    sends_to_alice = [r for r in standin.requests if r.method.lower() == "sendmessage" and r.chat_id == 3001]
    clock.advance(timedelta(days=1))
    assert await dispatcher_of(app).run_once() == 1
    assert [r for r in standin.requests if r.method.lower() == "sendmessage" and r.chat_id == 3001] == sends_to_alice


async def test_second_reminder(app: AnyApp, user: ChatUser, clock: FakeClock) -> None:
    await onboard(user)
    await user.send("/settings")
    await read_until(user, "Your settings")
    await user.tap("Second reminder")
    await read_until(user, "second daily reminder")
    await user.tap("18:00")
    await read_until(user, "Second reminder at 18:00")
    dispatcher = dispatcher_of(app)
    clock.set(UTC_0630)
    assert await dispatcher.run_once() == 1
    clock.set(datetime(2026, 3, 2, 17, 0, tzinfo=UTC))  # 18:00 in Berlin
    assert await dispatcher.run_once() == 1
    second = await read_until(user, "second stretch of the day")
    assert "Start ▶" in second.button_labels
    await user.send("/settings")
    await read_until(user, "Second reminder: 18:00")


async def test_snooze_length_setting(app: AnyApp, user: ChatUser) -> None:
    await onboard(user)
    await user.send("/settings")
    await read_until(user, "Snooze: 15 minutes")
    await user.tap("Snooze length")
    await read_until(user, "How long should Snooze wait")
    await user.tap("30 min")
    confirmed = await read_until(user, "Snooze now waits 30 minutes")
    assert "Next reminder: today at 07:30" in (confirmed.text or "")
    [db_user] = await rows(app, User, id=1001)
    assert db_user.snooze_minutes == 30


async def test_start_and_rating_buttons_begin_the_routine_and_old_reminders_are_stale(
    app: AnyApp, user: ChatUser, clock: FakeClock
) -> None:
    await onboard(user)
    clock.set(UTC_0630)
    dispatcher = dispatcher_of(app)
    await dispatcher.run_once()
    first = await read_until(user, "How stiff")
    clock.advance(timedelta(days=1))
    await dispatcher.run_once()
    await read_until(user, "How stiff")
    # Yesterday's reminder: its buttons no longer act.
    query = await user.tap("Start ▶", message=first)
    assert "earlier day" in ((await user.answer_to(query)).text or "")
    query = await user.tap("4", message=first)
    assert "earlier day" in ((await user.answer_to(query)).text or "")
    # Today's: Start begins the routine.
    await user.tap("Start ▶")
    await read_until(user, "pigeon")


async def test_waiting_in_a_long_fan_out_is_not_called_late(app: AnyApp, user: ChatUser, clock: FakeClock) -> None:
    """Found on time but sent 40 minutes later (100,000 reminders at 29/s take about an hour): no "offline" note."""
    from bot.reminders.queue import materialize_due

    await onboard(user)
    clock.set(UTC_0630)
    async with ctx_of(app).db.unit_of_work() as uow:
        assert await materialize_due(uow.session, clock.now(), catch_up=timedelta(hours=2), default_timezone="UTC") == 1
    clock.advance(timedelta(minutes=40))
    assert await dispatcher_of(app).run_once() == 1
    reminder = await read_until(user, "How stiff")
    assert "offline" not in (reminder.text or "")
