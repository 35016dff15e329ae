"""Onboarding through the real bot and the stand-in: /start, time, timezone, coming back, and bad input."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Any

import pytest
from sqlalchemy import select
from telegram.ext import Application

from bot.context import AppContext, app_context_of
from bot.db.models import ReminderSlot, User
from bot.standin import BotApiStandIn, ChatUser


def ctx_of(app: Application[Any, Any, Any, Any, Any, Any]) -> AppContext:
    return app_context_of(app)


async def stored(
    app: Application[Any, Any, Any, Any, Any, Any], user_id: int
) -> tuple[User | None, list[ReminderSlot]]:
    async with ctx_of(app).db.unit_of_work(read_only=True) as uow:
        user = await uow.users.get(user_id)
        slots = list((await uow.session.execute(select(ReminderSlot).where(ReminderSlot.user_id == user_id))).scalars())
    return user, slots


async def texts_until(user: ChatUser, fragment: str) -> list[str]:
    """Read the bot's messages until one contains `fragment`; all texts read."""
    seen = []
    while True:
        message = await user.next_message()
        seen.append(message.text or message.caption or "")
        if fragment in seen[-1]:
            return seen


async def test_new_user_completes_onboarding_with_buttons(user: ChatUser, app: Any) -> None:
    await user.send("/start")
    texts = await texts_until(user, "What time should I remind you")
    assert "Hi Alex" in texts[0]
    assert "not medical advice" in texts[1] and "down a leg" in texts[1]
    assert user.last_message.button_labels[:3] == ["06:30", "07:00", "07:30"]

    await user.tap("07:30")
    ask_zone = await user.next_message()
    assert "Reminder at 07:30." in (ask_zone.text or "")
    assert "Berlin" in ask_zone.button_labels

    await user.tap("Berlin")
    done = await user.next_message()
    assert "All set" in (done.text or "")
    # The clock says Monday 06:00 UTC = 07:00 in Berlin, so 07:30 Berlin is still today (06:30 UTC).
    assert "today at 07:30" in (done.text or "")

    db_user, slots = await stored(app, 1001)
    assert db_user is not None and db_user.timezone == "Europe/Berlin" and db_user.onboarding_step is None
    assert [(s.slot, s.local_time, s.next_due_at) for s in slots] == [
        (1, time(7, 30), datetime(2026, 3, 2, 6, 30, tzinfo=UTC))
    ]


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("7:15", "07:15"), ("07:15", "07:15"), ("7.15", "07:15"), ("7:15am", "07:15"), ("19:30", "19:30")],
)
async def test_typed_times_are_understood(user: ChatUser, typed: str, expected: str) -> None:
    await user.send("/start")
    await texts_until(user, "What time")
    await user.tap("Other time")
    await texts_until(user, "Type the time")
    await user.send(typed)
    reply = await user.next_message()
    assert f"Reminder at {expected}." in (reply.text or "")


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("25:00", "isn't a time of day"),
        ("7:60", "isn't a time of day"),
        ("tomorrow", "couldn't read"),
        ("👍", "couldn't read"),
    ],
)
async def test_bad_times_get_a_hint_and_change_nothing(user: ChatUser, app: Any, typed: str, hint: str) -> None:
    await user.send("/start")
    await texts_until(user, "What time")
    await user.send(typed)
    reply = await user.next_message()
    assert hint in (reply.text or "")
    db_user, slots = await stored(app, 1001)
    assert db_user is not None and db_user.onboarding_step == "time" and slots == []


@pytest.mark.parametrize(
    ("typed", "zone"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("america/new york", "America/New_York"),
        ("Munich", "Europe/Berlin"),
        ("NYC", "America/New_York"),
        ("+2", "UTC+02:00"),
        ("UTC-5", "UTC-05:00"),
    ],
)
async def test_typed_timezones(user: ChatUser, app: Any, typed: str, zone: str) -> None:
    await user.send("/start")
    await texts_until(user, "What time")
    await user.tap("08:00")
    await texts_until(user, "Which timezone")
    await user.send(typed)
    done = await user.next_message()
    assert "All set" in (done.text or "")
    assert zone in (done.text or "")
    assert ("fixed offset" in (done.text or "")) == zone.startswith("UTC")
    db_user, _ = await stored(app, 1001)
    assert db_user is not None and db_user.timezone == zone


async def test_unknown_timezone_gets_a_hint(user: ChatUser, app: Any) -> None:
    await user.send("/start")
    await texts_until(user, "What time")
    await user.tap("08:00")
    await texts_until(user, "Which timezone")
    await user.send("Atlantis")
    reply = await user.next_message()
    assert "don't know the timezone “Atlantis”" in (reply.text or "")
    db_user, _ = await stored(app, 1001)
    assert db_user is not None and db_user.timezone is None and db_user.onboarding_step == "timezone"


async def test_abandoned_onboarding_continues_where_it_stopped(user: ChatUser, app: Any) -> None:
    await user.send("/start")
    await texts_until(user, "What time")
    await user.send("6:45")
    await texts_until(user, "Which timezone")
    # The user wanders off, then comes back with /start: the chosen time is kept, the timezone is asked again.
    await user.send("/start")
    texts = await texts_until(user, "Which timezone")
    assert "still setting up" in texts[0]
    assert "06:45" in texts[-1]
    await user.tap("London")
    done = await user.next_message()
    assert "06:45" in (done.text or "") and "Europe/London" in (done.text or "")


async def test_start_again_shows_settings_and_changes_time(user: ChatUser, app: Any) -> None:
    await user.send("/start")
    await texts_until(user, "What time")
    await user.tap("07:00")
    await texts_until(user, "Which timezone")
    await user.tap("New York")
    await texts_until(user, "All set")

    await user.send("/start")
    summary = await user.next_message()
    assert "Welcome back" in (summary.text or "") and "07:00" in (summary.text or "")
    assert "America/New_York" in (summary.text or "")
    await user.tap("Change time")
    await texts_until(user, "What time")
    await user.send("6:15 am")
    changed = await user.next_message()
    # Monday 06:00 UTC is 01:00 in New York: 06:15 is later today.
    assert "reminder at 06:15" in (changed.text or "") and "today at 06:15" in (changed.text or "")
    _, slots = await stored(app, 1001)
    assert slots[0].next_due_at == datetime(2026, 3, 2, 11, 15, tzinfo=UTC)


async def test_help_commands_menu_and_unknown_input(user: ChatUser, standin: BotApiStandIn) -> None:
    commands = standin.calls("setMyCommands")
    assert commands, "the command menu is registered at start"
    await user.send("/help")
    help_text = (await user.next_message()).text or ""
    for command in ("/stretch", "/progress", "/settings", "/pause", "/export", "/delete"):
        assert command in help_text
    assert "/stats" not in help_text  # coach commands only for admins
    await user.send("/foo")
    assert "I don't know /foo" in ((await user.next_message()).text or "")


async def test_text_before_start_and_stickers(user: ChatUser) -> None:
    await user.send("hello there")
    assert "/start" in ((await user.next_message()).text or "")
    await user.send_sticker()
    assert "only read text" in ((await user.next_message()).text or "")


async def test_old_and_forged_buttons_change_nothing(user: ChatUser, app: Any) -> None:
    await user.send("/start")
    await texts_until(user, "What time")
    first = user.last_message
    await user.tap("07:00")
    await texts_until(user, "Which timezone")
    await user.tap("Berlin")
    await texts_until(user, "All set")
    # The time buttons of the first question are still on screen: tapping one now changes nothing.
    stale_tap = await user.tap("09:00", message=first)
    assert "earlier step" in ((await user.answer_to(stale_tap)).text or "")
    _, slots = await stored(app, 1001)
    assert slots[0].local_time == time(7, 0)
    # Forged and garbage data get a polite answer.
    for data in ("1|ot|9999", "2|ot|0700", "garbage", "1|zz|1", "1|oz"):
        query_id = await user.tap_data(first.message_id, data)
        answer = await user.answer_to(query_id)
        assert answer.text is not None and "earlier step" in answer.text
    _, slots = await stored(app, 1001)
    assert slots[0].local_time == time(7, 0)


@pytest.mark.parametrize("typed", ["localtime", "Factory", "EST5EDT"])
async def test_zone_names_without_a_place_are_not_taken(user: ChatUser, app: Any, typed: str) -> None:
    """`localtime` would follow the server's own clock; `Factory` and `EST5EDT` are no place anyone lives."""
    await user.send("/start")
    await texts_until(user, "What time")
    await user.tap("08:00")
    await texts_until(user, "Which timezone")
    await user.send(typed)
    reply = await user.next_message()
    assert f"don't know the timezone “{typed}”" in (reply.text or "")
    db_user, _ = await stored(app, 1001)
    assert db_user is not None and db_user.timezone is None
