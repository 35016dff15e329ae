"""Logs never contain the bot token or what users typed, even at DEBUG."""

from __future__ import annotations

import asyncio
import logging

import pytest
from sqlalchemy import text

from bot.logging_setup import configure_logging
from bot.standin import BotApiStandIn, ChatUser
from tests.conftest import TOKEN
from tests.e2e.helpers import AnyApp, ctx_of, onboard, read_until


async def test_debug_logs_hold_no_token_and_no_user_text(
    app: AnyApp, user: ChatUser, caplog: pytest.LogCaptureFixture
) -> None:
    configure_logging("DEBUG")
    caplog.set_level(logging.DEBUG)
    try:
        await onboard(user, "07:15", "Europe/Berlin")
        await user.send("my back is a 7 today, secret-marker")
        await user.next_message()
    finally:
        configure_logging("INFO")
    text = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert caplog.records, "something is logged at DEBUG"
    assert TOKEN not in text
    assert TOKEN.split(":")[1] not in text
    assert "secret-marker" not in text
    assert "my back is a 7" not in text


async def test_errors_at_debug_log_no_token_and_no_rating_and_the_user_gets_only_the_apology(
    app: AnyApp, user: ChatUser, standin: BotApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    """A handler that fails inside the database (an INSERT into ratings fails) and a send that fails (502s
    beyond the retries, then a 403): the logs say what failed, never the values typed or tapped."""
    configure_logging("DEBUG")
    caplog.set_level(logging.DEBUG)
    try:
        await onboard(user, "07:15", "Europe/Berlin")
        sqlite = ctx_of(app).db.is_sqlite
        async with ctx_of(app).db.unit_of_work() as uow:
            # Every INSERT into ratings now fails inside the database.
            if sqlite:  # the trigger's table is gone: OperationalError
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
        await user.send("my back is a 7.5 today")
        assert "Sorry, something went wrong" in (await read_until(user, "Sorry")).text
        async with ctx_of(app).db.unit_of_work() as uow:
            await uow.session.execute(text("DROP TRIGGER break_ratings" + ("" if sqlite else " ON ratings")))
        # A tapped value (Change -> 3) whose answer cannot be delivered: 502 three times, then 403.
        await user.send("8.5")
        saved = await read_until(user, "Saved")
        await user.tap("Change", message=saved)
        scale = await read_until(user, "What should it be?")
        standin.faults.add("editMessageText", "server_error", times=3, chat_id=user.user_id)
        tap = await user.tap("3", message=scale)
        await user.answer_to(tap)
        # A typed rating whose confirmation is refused: the user blocked the bot.
        standin.faults.add("sendMessage", "blocked", times=1, chat_id=user.user_id)
        await user.send("9.5")
        for _ in range(100):
            if any("blocked the bot" in r.getMessage() for r in caplog.records):
                break
            await asyncio.sleep(0.02)
    finally:
        configure_logging("INFO")
    records = [r for r in caplog.records if r.name.startswith(("bot", "telegram", "sqlalchemy", "aiosqlite"))]
    logged = "\n".join(caplog.handler.format(r) for r in records)  # with tracebacks, as an operator sees them
    assert "Traceback" in logged, "the failures were logged, with where they happened"
    assert ("OperationalError" if sqlite else "DBAPIError") in logged
    assert "NetworkError" in logged
    assert TOKEN not in logged and TOKEN.split(":")[1] not in logged
    assert "blocked the bot" in logged
    for value in ("7.5", "8.5", "9.5", "rts|"):
        assert value not in logged, f"{value!r} leaked into the logs"
    assert "my back is" not in logged
    assert "no such table" not in logged, "exception messages (which may quote user data) are not logged"
