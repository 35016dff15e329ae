"""After an error the user is told the truth about their input: not stored (the database failed: send it again),
stored (the error came after the commit), or that it did not go through. Never "nothing was lost" by default."""

from __future__ import annotations

from sqlalchemy import text

from bot.db.models import Rating
from bot.standin import BotApiStandIn, ChatUser
from tests.e2e.helpers import AnyApp, ctx_of, onboard, read_until, rows


async def _break_rating_inserts(app: AnyApp) -> None:
    """Every INSERT into ratings fails inside the database from now on."""
    async with ctx_of(app).db.unit_of_work() as uow:
        if ctx_of(app).db.is_sqlite:
            await uow.session.execute(text("CREATE TABLE gone (x)"))
            await uow.session.execute(
                text("CREATE TRIGGER break_ratings BEFORE INSERT ON ratings BEGIN INSERT INTO gone VALUES (1); END")
            )
            await uow.session.execute(text("DROP TABLE gone"))
        else:
            await uow.session.execute(
                text(
                    "CREATE FUNCTION break_ratings() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'broken'; END $$ "
                    "LANGUAGE plpgsql"
                )
            )
            await uow.session.execute(
                text(
                    "CREATE TRIGGER break_ratings BEFORE INSERT ON ratings FOR EACH ROW EXECUTE FUNCTION break_ratings()"
                )
            )


async def test_input_the_database_could_not_store_is_asked_for_again(app: AnyApp, user: ChatUser) -> None:
    await onboard(user)
    await _break_rating_inserts(app)
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
