"""After an error the user is told the truth about their input: not stored (the database failed: send it again),
stored (the error came after the commit), or that it did not go through. Never "nothing was lost" by default."""

from __future__ import annotations

from bot.db.models import Rating
from bot.standin import BotApiStandIn, ChatUser
from tests.e2e.helpers import AnyApp, break_rating_inserts, onboard, read_until, rows


async def test_input_the_database_could_not_store_is_asked_for_again(app: AnyApp, user: ChatUser) -> None:
    await onboard(user)
    await break_rating_inserts(app)
    await user.send("6")
    reply = (await read_until(user, "Sorry")).text or ""
    assert "couldn't save what you sent" in reply and "send it again" in reply
    assert await rows(app, Rating, user_id=user.user_id) == []


async def test_an_error_after_the_input_was_stored_says_it_is_saved(
    app: AnyApp, user: ChatUser, standin: BotApiStandIn
) -> None:
    await onboard(user)
    standin.faults.add("sendMessage", "server_error", times=3, chat_id=user.user_id)  # "Saved: 6/10" cannot go out
    await user.send("6")
    reply = (await read_until(user, "Sorry")).text or ""
    assert "What you sent is saved" in reply
    assert [r.value for r in await rows(app, Rating, user_id=user.user_id)] == [6.0]


async def test_an_error_with_nothing_stored_says_it_did_not_go_through(
    app: AnyApp, user: ChatUser, standin: BotApiStandIn
) -> None:
    await onboard(user)
    standin.faults.add("sendMessage", "server_error", times=3, chat_id=user.user_id)
    await user.send("/help")
    reply = (await read_until(user, "Sorry")).text or ""
    assert "didn't go through" in reply and "saved" not in reply and "lost" not in reply
