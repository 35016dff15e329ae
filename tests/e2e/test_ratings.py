"""Ratings typed at any time, through the real bot: what is stored, the hints, Undo / Change and their expiry."""

from __future__ import annotations

import logging
from datetime import date, timedelta

import pytest

from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from tests.e2e.data_helpers import App, onboard, ratings_of, reply_to, text_of

TODAY = date(2026, 3, 2)


@pytest.fixture
async def ready(app: App) -> App:
    await onboard(app)
    return app


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("6", 6.0),
        ("6/10", 6.0),
        ("stiffness 6", 6.0),
        ("my back is a 7 today", 7.0),
        ("7 and a half", 7.5),
        ("7.5", 7.5),
        ("0", 0.0),
        ("10", 10.0),
        ("seven", 7.0),
        ("7,5", 7.5),
    ],
)
async def test_typed_ratings_are_stored(user: ChatUser, ready: App, typed: str, stored: float) -> None:
    reply = await reply_to(user, typed)
    shown = f"{stored:g}"
    assert f"Saved: {shown}/10 for today" in text_of(reply)
    assert reply.button_labels == ["Undo", "Change"]
    rows = await ratings_of(ready)
    assert [(r.kind, r.value, r.source, r.local_date, r.session_id) for r in rows] == [
        ("adhoc", stored, "text", TODAY, None)
    ]
    assert rows[0].update_id is not None


@pytest.mark.parametrize(
    ("typed", "hint"),
    [
        ("11", "11 is outside the scale"),
        ("15/10", "15 is outside the scale"),
        ("-1", "-1 is outside the scale"),
        ("6 or 7", "more than one number there (6, 7)"),
        ("between 5 and 6", "more than one number there (5, 6)"),
        ("3/5", "more than one number"),
    ],
)
async def test_out_of_range_and_ambiguous_get_a_hint(user: ChatUser, ready: App, typed: str, hint: str) -> None:
    reply = await reply_to(user, typed)
    assert hint in text_of(reply)
    assert "like 6" in text_of(reply)
    assert reply.button_labels == []
    assert await ratings_of(ready) == []


@pytest.mark.parametrize("typed", ["purple elephants", "7:15", "20 minutes"])
async def test_text_without_a_rating_gets_the_generic_hint(user: ChatUser, ready: App, typed: str) -> None:
    reply = await reply_to(user, typed)
    assert "I didn't quite get that" in text_of(reply)
    assert await ratings_of(ready) == []


async def test_unknown_user_is_asked_to_start(user: ChatUser, app: App) -> None:
    reply = await reply_to(user, "6")
    assert "tap /start" in text_of(reply)
    assert await ratings_of(app) == []


async def test_undo_deletes_the_rating(user: ChatUser, ready: App, clock: FakeClock) -> None:
    confirmation = await reply_to(user, "6")
    clock.advance(timedelta(minutes=29))
    await user.tap("Undo", message=confirmation)
    edited = await user.next_message()
    assert edited.message_id == confirmation.message_id
    assert "Removed: the 6/10 for today" in text_of(edited)
    assert edited.button_labels == []
    assert await ratings_of(ready) == []


async def test_change_replaces_the_value_in_the_same_row(user: ChatUser, ready: App, clock: FakeClock) -> None:
    confirmation = await reply_to(user, "7.5")
    (before,) = await ratings_of(ready)
    await user.tap("Change", message=confirmation)
    scale = await user.next_message()
    assert "What should it be?" in text_of(scale)
    assert scale.button_labels == [str(v) for v in range(11)]
    clock.advance(timedelta(minutes=10))
    await user.tap("4", message=scale)
    changed = await user.next_message()
    assert "Changed: 4/10 for today" in text_of(changed)
    assert changed.button_labels == ["Undo", "Change"]
    (after,) = await ratings_of(ready)
    assert (after.id, after.value, after.source) == (before.id, 4.0, "button")


async def test_undo_and_change_expire(user: ChatUser, ready: App, clock: FakeClock) -> None:
    confirmation = await reply_to(user, "6")
    await user.tap("Change", message=confirmation)
    scale = await user.next_message()
    clock.advance(timedelta(minutes=31))
    query = await user.tap("5", message=scale)
    answer = await user.answer_to(query)
    assert "can't be changed any more" in (answer.text or "")
    query = await user.tap_data(confirmation.message_id, confirmation.buttons[0][0].value)  # Undo, old button
    assert "can't be changed any more" in ((await user.answer_to(query)).text or "")
    assert [r.value for r in await ratings_of(ready)] == [6.0]


async def test_foreign_and_forged_rating_buttons_change_nothing(
    user: ChatUser, ready: App, standin: BotApiStandIn
) -> None:
    confirmation = await reply_to(user, "6")
    (rating,) = await ratings_of(ready)
    await onboard(ready, user_id=2002)
    mallory = ChatUser(standin, 2002, "Mallory")
    await mallory.send("/help")
    help_message = await mallory.next_message()
    for data in (f"1|rtu|{rating.id}", f"1|rts|{rating.id}|0", f"1|rtc|{rating.id}"):
        query = await mallory.tap_data(help_message.message_id, data)
        assert "no longer there" in ((await mallory.answer_to(query)).text or "")
    for data in ("1|rtu|abc", "1|rts|1|99", "0|rtu|1", "1|rtu|999999"):
        query = await user.tap_data(confirmation.message_id, data)
        answer = await user.answer_to(query)
        assert answer.text is not None
    assert [(r.id, r.value) for r in await ratings_of(ready)] == [(rating.id, 6.0)]


async def test_logs_never_contain_rating_values(user: ChatUser, ready: App, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="bot")
    confirmation = await reply_to(user, "my back is a 7.5 today")
    await user.tap("Change", message=confirmation)
    scale = await user.next_message()
    await user.tap("3", message=scale)
    await user.next_message()
    messages = [record.getMessage() for record in caplog.records if record.name.startswith("bot.")]
    assert any("rating" in message for message in messages)
    assert not [m for m in messages if "7.5" in m or "3/10" in m or "value" in m]
