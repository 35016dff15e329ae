"""Typed ratings wherever a rating is asked, through the real bot and the stand-in: on a reminder ("about a 6"
becomes the day's before rating and the routine does not ask again), wrong and ambiguous numbers on it, a second
number typed right after the first, and the before/after questions of the routine."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.db.models import Rating, ReminderDelivery, RoutineSession
from bot.domain.clock import FakeClock
from bot.standin import ChatUser
from tests.e2e.helpers import AnyApp, dispatcher_of, onboard, read_until, rows

UTC_0630 = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)  # 07:30 in Berlin


async def _reminder(app: AnyApp, user: ChatUser, clock: FakeClock) -> int:
    await onboard(user, "07:30", "Berlin")
    clock.set(UTC_0630)
    assert await dispatcher_of(app).run_once() == 1
    reminder = await read_until(user, "How stiff is your back right now")
    return reminder.message_id


@pytest.mark.parametrize(("typed", "value"), [("about a 6", 6.0), ("seven", 7.0), ("7/10", 7.0), ("6.5", 6.5)])
async def test_a_rating_typed_on_the_reminder_is_the_days_before_rating(
    app: AnyApp, user: ChatUser, clock: FakeClock, typed: str, value: float
) -> None:
    reminder_id = await _reminder(app, user, clock)
    await user.send(typed)
    noted = await read_until(user, "noted")
    assert f"Before: {value:g}/10" in (noted.text or "")
    await read_until(user, "1/6")
    reminder = next(m for m in user.messages if m.message_id == reminder_id)
    assert reminder.button_labels == []  # the reminder's buttons came off
    assert not any("Before we start" in (m.text or "") for m in user.messages)
    [session] = await rows(app, RoutineSession, user_id=1001)
    [delivery] = await rows(app, ReminderDelivery, user_id=1001)
    assert session.delivery_id == delivery.id
    [rating] = await rows(app, Rating, user_id=1001)
    assert (rating.kind, rating.value, rating.source, rating.session_id) == ("before", value, "text", session.id)
    # A number typed later in the walkthrough is not taken as the reminder's answer again.
    await user.send("5")
    await read_until(user, "Saved: 5/10")
    assert len(await rows(app, RoutineSession, user_id=1001)) == 1


@pytest.mark.parametrize(
    ("typed", "answer"),
    [("6-7", "more than one number"), ("11", "outside the scale"), ("6 or 7", "more than one number")],
)
async def test_wrong_or_ambiguous_ratings_on_the_reminder_change_nothing(
    app: AnyApp, user: ChatUser, clock: FakeClock, typed: str, answer: str
) -> None:
    reminder_id = await _reminder(app, user, clock)
    await user.send(typed)
    await read_until(user, answer)
    reminder = next(m for m in user.messages if m.message_id == reminder_id)
    assert "Start ▶" in reminder.button_labels
    assert await rows(app, Rating, user_id=1001) == []
    assert await rows(app, RoutineSession, user_id=1001) == []
    await user.send("6")  # then a clear one works
    await read_until(user, "1/6")


async def test_a_second_number_typed_right_after_the_first_is_kept_and_named(
    app: AnyApp, user: ChatUser, clock: FakeClock
) -> None:
    await onboard(user)
    await user.send("my back is a 6 today")
    await read_until(user, "Saved: 6/10")
    clock.advance(timedelta(minutes=2))
    await user.send("sorry, 7")
    again = await read_until(user, "Saved: 7/10")
    assert "You sent 6 a moment ago too" in (again.text or "")
    assert again.button_labels == ["Undo", "Change"]
    await user.tap("Undo", message=next(m for m in user.messages if "Saved: 6/10" in (m.text or "")))
    await read_until(user, "Removed: the 6/10")
    [rating] = await rows(app, Rating, user_id=1001)
    assert (rating.value, rating.source) == (7.0, "text")
    clock.advance(timedelta(minutes=30))
    await user.send("5")  # later: a rating of its own, nothing said about the earlier one
    later = await read_until(user, "Saved: 5/10")
    assert "moment ago" not in (later.text or "")
    assert sorted(r.value for r in await rows(app, Rating, user_id=1001)) == [5.0, 7.0]


async def test_typed_before_and_after_during_the_routine(app: AnyApp, user: ChatUser) -> None:
    await onboard(user)
    await user.send("/stretch")
    await read_until(user, "how stiff is your back right now")
    await user.send("12")
    await read_until(user, "0")  # a friendly refusal; the question stands
    await user.send("six")
    await read_until(user, "1/6")
    [before] = await rows(app, Rating, user_id=1001)
    assert (before.kind, before.value, before.source) == ("before", 6.0, "text")


async def test_a_photo_with_a_caption_is_read_as_text(app: AnyApp, user: ChatUser) -> None:
    await onboard(user)
    await user.send_photo(caption="my back is a 6")
    await read_until(user, "Saved: 6/10")
    await user.send_photo(caption="ouch, it hurts")
    await read_until(user, "sorry your back hurts")
    [rating] = await rows(app, Rating, user_id=1001)
    assert (rating.kind, rating.value) == ("adhoc", 6.0)
