"""A conversation that listens, through the real bot and the stand-in, typed (and tapped): every open question
takes a typed answer with the buttons' validation (second reminder time, snooze, pause, skip reason, delete, the
gentle offer, which side), the question survives a restart and expires; plain words ("help", "stop", "skip",
"later") do what they say in the moment; small talk gets a short friendly answer, not the rating hint."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest

from bot.config import Settings
from bot.db.models import PendingQuestion, ReminderDelivery, ReminderSlot, RoutineSession, SkippedDay, User
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from tests.e2e.helpers import AnyApp, dispatcher_of, onboard, read_until, rows
from tests.e2e.test_routine import bot, make_user, scaled, sessions_of

UTC_0630 = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)  # 07:30 in Berlin
HINT = "I didn't quite get that"


async def _menu(user: ChatUser, button: str) -> None:
    await user.send("/settings")
    await read_until(user, "Second reminder")
    await user.tap(button)


async def test_second_reminder_time_typed_wrong_then_right(app: AnyApp, user: ChatUser) -> None:
    await onboard(user)
    await _menu(user, "Second reminder")
    await read_until(user, "When should a second daily reminder come?")
    await user.send("25:00")
    await read_until(user, "25:00")  # a friendly "that's not a time", nothing changes
    assert [s.slot for s in await rows(app, ReminderSlot, user_id=1001)] == [1]
    await user.send("6pm")
    done = await read_until(user, "Second reminder at")
    assert "18:00" in (done.text or "")
    [morning, second] = sorted(await rows(app, ReminderSlot, user_id=1001), key=lambda s: s.slot)
    assert (morning.local_time.hour, second.local_time.hour) == (7, 18)
    assert await rows(app, PendingQuestion, user_id=1001) == []  # answered: no question open any more
    await user.send("18:30")  # no question open: not a time to set
    await read_until(user, HINT)


@pytest.mark.parametrize(("typed", "minutes"), [("10", 10), ("half an hour", 30), ("1 hour", 60)])
async def test_snooze_length_typed(app: AnyApp, user: ChatUser, typed: str, minutes: int) -> None:
    await onboard(user)
    await _menu(user, "Snooze length")
    await read_until(user, "How long should Snooze wait?")
    await user.send("7")  # not one of the offered lengths: the buttons' validation
    await read_until(user, "Please pick one of these: 5, 10, 15, 30, 60")
    await user.send(typed)
    await read_until(user, f"Snooze now waits {minutes} minutes")
    [row] = await rows(app, User, id=1001)
    assert row.snooze_minutes == minutes


@pytest.mark.parametrize(("typed", "days"), [("2 weeks", 14), ("three days", 3), ("a week", 7)])
async def test_pause_length_typed(app: AnyApp, user: ChatUser, typed: str, days: int) -> None:
    await onboard(user)
    await user.send("/pause")
    await read_until(user, "Pause reminders for how long?")
    await user.send("soon")
    await read_until(user, "up to 90 days")
    await user.send("1000 days")
    await read_until(user, "up to 90 days")
    [row] = await rows(app, User, id=1001)
    assert row.paused_until is None
    await user.send(typed)
    await read_until(user, "Paused until")
    [row] = await rows(app, User, id=1001)
    assert row.paused_until == date(2026, 3, 2) + timedelta(days=days)


async def test_skip_reason_typed_on_the_reminder(app: AnyApp, user: ChatUser, clock: FakeClock) -> None:
    await onboard(user)
    clock.set(UTC_0630)
    assert await dispatcher_of(app).run_once() == 1
    await read_until(user, "How stiff is your back right now")
    await user.send("skip")  # a plain word on the reminder: its Skip today
    await read_until(user, "What's the reason?")
    await user.send("I'm travelling this week")
    await read_until(user, "Noted (travelling)")
    [day] = await rows(app, SkippedDay, user_id=1001)
    assert day.reason == "travelling"
    [delivery] = await rows(app, ReminderDelivery, user_id=1001)
    assert delivery.status == "skipped"


async def test_later_on_the_reminder_snoozes_it(app: AnyApp, user: ChatUser, clock: FakeClock) -> None:
    await onboard(user)
    clock.set(UTC_0630)
    assert await dispatcher_of(app).run_once() == 1
    reminder = await read_until(user, "How stiff is your back right now")
    await user.send("later")
    snoozed = await read_until(user, "Snoozed")
    assert snoozed.message_id == reminder.message_id  # the reminder itself says so, its buttons gone
    [delivery] = await rows(app, ReminderDelivery, user_id=1001)
    assert (delivery.status, delivery.snoozes) == ("pending", 1)


@pytest.mark.parametrize(("typed", "kept"), [("no", True), ("cancel", True), ("yes", False)])
async def test_delete_confirmation_typed(app: AnyApp, user: ChatUser, typed: str, kept: bool) -> None:
    await onboard(user)
    await user.send("/delete")
    await read_until(user, "Delete all your data?")
    await user.send("hmm")
    await read_until(user, "Type yes to delete everything")
    assert await rows(app, User, id=1001) != []
    await user.send(typed)
    await read_until(user, "nothing was deleted" if kept else "everything is erased")
    assert (await rows(app, User, id=1001) != []) is kept


async def test_delete_question_expires(app: AnyApp, user: ChatUser, clock: FakeClock) -> None:
    await onboard(user)
    await user.send("/delete")
    await read_until(user, "Delete all your data?")
    clock.advance(timedelta(minutes=11))
    await user.send("yes")
    await read_until(user, "👍")  # the question expired: "yes" is only a friendly word now
    assert await rows(app, User, id=1001) != []


async def test_an_open_question_survives_a_restart(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    user = ChatUser(standin, 1001)
    async with bot(settings, clock) as app:
        await onboard(user)
        await _menu(user, "Second reminder")
        await read_until(user, "When should a second daily reminder come?")
    async with bot(settings, clock) as app:
        await user.send("18:30")
        await read_until(user, "Second reminder at")
        assert len(await rows(app, ReminderSlot, user_id=1001)) == 2


async def test_gentle_offer_and_which_side_typed(standin: BotApiStandIn, settings: Settings, clock: FakeClock) -> None:
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=1000.0), clock) as app:
        await make_user(app, chat=user)
        await user.send("/stretch")
        await read_until(user, "how stiff is your back right now")
        await user.send("9")
        await read_until(user, "gentler")
        await user.send("hmm")
        await read_until(user, "Type gentle for the gentler version")
        await user.send("the gentle one please")
        await read_until(user, "1/6")
        (session,) = await sessions_of(app)
        assert session.gentle
        await user.send("skip")  # plain words act on the walkthrough like its buttons
        await read_until(user, "2/6")
        for _ in range(20):  # skip through, "next" at the switch of sides
            (session,) = await sessions_of(app)
            if session.state["phase"] == "ask_after_rating":
                break
            await user.send("next" if session.state["phase"] == "switch_sides" else "skip")
            for _ in range(100):
                if (await sessions_of(app))[0].seq != session.seq:
                    break
                await asyncio.sleep(0.02)
        await read_until(user, "How stiff is your back now")
        await user.send("4")
        await read_until(user, "Which side felt tighter?")
        await user.send("left or right")
        await read_until(user, "type left, right or same")
        await user.send("the right one")
        await read_until(user, "All done")
        (session,) = await sessions_of(app)
        assert (session.status, session.tighter_side) == ("finished", "right")


async def test_plain_words_during_a_hold(standin: BotApiStandIn, settings: Settings, clock: FakeClock) -> None:
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=1.0), clock) as app:
        await make_user(app, chat=user)
        await user.send("/stretch")
        await read_until(user, "how stiff is your back right now")
        await user.send("skip")  # no rating today
        await read_until(user, "1/6")
        await user.send("done")
        await read_until(user, "2/6")
        await user.send("start")
        await read_until(user, "Hold – rep 1/3")
        await user.send("pause")
        await read_until(user, "Paused – rep 1/3")
        await user.send("thanks!")
        await read_until(user, "carry on whenever you're ready")
        await user.send("resume")
        await read_until(user, "Hold – rep 1/3")
        await user.send("help")
        await read_until(user, "/stretch")
        await user.send("stop")
        await read_until(user, "Stopped.")
        (session,) = await sessions_of(app)
        assert session.status == "stopped"
        [row] = await rows(app, User, id=1001)
        assert row.status == "active"  # "stop" mid-routine stopped the routine, not the reminders


@pytest.mark.parametrize(
    ("typed", "answer"),
    [("help", "/stretch"), ("settings", "Reminder"), ("thanks!", "You're welcome"), ("👍", "👍"),
     ("Good morning!", "Type stretch to start"), ("progress", "No ratings yet")],
)  # fmt: skip
async def test_plain_words_and_small_talk_at_rest(app: AnyApp, user: ChatUser, typed: str, answer: str) -> None:
    await onboard(user)
    user.skip_to_end()
    await user.send(typed)
    message = await user.next_message()
    assert answer in (message.text or message.caption or "")
    assert HINT not in (message.text or "")


async def test_stop_and_start_typed(app: AnyApp, user: ChatUser) -> None:
    await onboard(user)
    await user.send("stop")
    await read_until(user, "Reminders are off")
    [row] = await rows(app, User, id=1001)
    assert row.status == "stopped"
    await user.send("resume")
    await read_until(user, "Reminders are back on")
    assert await rows(app, RoutineSession, user_id=1001) == []
    await user.send("/stop")
    stopped = await read_until(user, "Reminders are off")
    assert "/start to turn them back on" in (stopped.text or "")
    await user.send("/start")
    await read_until(user, "Your reminders are on again")
    [row] = await rows(app, User, id=1001)
    assert row.status == "active"


async def test_the_greeting_follows_the_users_local_time(app: AnyApp, user: ChatUser, clock: FakeClock) -> None:
    await onboard(user, "19:30", "Berlin")
    clock.set(datetime(2026, 3, 2, 18, 30, tzinfo=UTC))  # 19:30 in Berlin
    assert await dispatcher_of(app).run_once() == 1
    reminder = await read_until(user, "How stiff is your back right now")
    assert (reminder.text or "").startswith("Good evening!")
    assert "Good morning" not in (reminder.text or "")


async def test_a_skipped_hold_says_so_and_counts_read_naturally(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=1.0), clock) as app:
        await make_user(app, chat=user)
        await user.send("/stretch")
        await read_until(user, "how stiff is your back right now")
        await user.send("5")
        await read_until(user, "1/6")
        await user.send("done")
        await read_until(user, "2/6")
        await user.send("start")
        live = await read_until(user, "Hold – rep 1/3")
        await user.send("skip")
        await read_until(user, "3/6")
        skipped = next(m for m in user.messages if m.message_id == live.message_id)
        assert "Skipped" in (skipped.text or "")
        assert "s left" not in (skipped.text or "")  # no longer frozen at "30 s left"
        assert skipped.button_labels == []


def test_one_anchor_wording_for_the_scale(app: AnyApp) -> None:
    """Every message that explains the 0-10 scale anchors it with the same words (the scale measures change)."""
    from bot.content.catalog import SAMPLE_VALUES, TEXT_CATALOG
    from bot.context import app_context_of

    texts = app_context_of(app).content.texts
    anchor = "0 = no stiffness, 10 = worst imaginable"
    keys = ["reminder.morning", "reminder.second", "routine.ask_before", "routine.ask_after", "ratings.ask_change",
            "ratings.out_of_range"]  # fmt: skip
    for key in TEXT_CATALOG:
        rendered = texts.render(key, **{name: SAMPLE_VALUES.get(name, name) for name in TEXT_CATALOG[key]})
        if key in keys:
            assert anchor in rendered, key
        elif "10 =" in rendered or "(worst)" in rendered or "not stiff" in rendered:
            raise AssertionError(f"{key} anchors the scale differently: {rendered}")
