"""/export (a CSV round trip through the stand-in) and /delete (no row left in any table, others untouched)."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.app import build_application
from bot.config import Settings
from bot.db.models import Base, PendingQuestion, ReminderDelivery, SafetyEvent
from bot.domain.clock import FakeClock
from bot.services.data import COLUMNS
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.harness import running
from tests.e2e.data_helpers import App, add_day, add_skip, ctx_of, onboard, reply_to, text_of
from tests.e2e.helpers import dispatcher_of, read_until

TODAY = date(2026, 3, 2)


async def test_export_round_trip(user: ChatUser, app: App, standin: BotApiStandIn) -> None:
    await onboard(app)
    session_id = await add_day(app, TODAY - timedelta(days=1), 6.5, 4, side="left")
    await add_skip(app, TODAY - timedelta(days=2), "ill")
    await reply_to(user, "7 and a half")
    reply = await reply_to(user, "/export")
    assert reply.document is not None
    assert reply.document["file_name"] == "stretchbot-2026-03-02.csv"
    assert "spreadsheet" in text_of(reply)
    raw = standin.file(reply.document["file_id"]).data
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens it as UTF-8
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == COLUMNS
    assert [(r["record"], r["local_date"], r["kind"], r["value"]) for r in rows] == [
        ("skip", "2026-02-28", "", ""),
        ("session", "2026-03-01", "", ""),
        ("rating", "2026-03-01", "before", "6.5"),
        ("rating", "2026-03-01", "after", "4"),
        ("rating", "2026-03-02", "adhoc", "7.5"),
        ("reminder", "", "slot 1", ""),
    ]
    skip, session, before, _after, adhoc, reminder = rows
    assert skip["skip_reason"] == "ill"
    assert (session["session_id"], session["status"], session["tighter_side"]) == (str(session_id), "finished", "left")
    assert session["time_utc"] == "2026-03-01T07:00:00+00:00"
    assert session["time_local"] == "2026-03-01T08:00:00+01:00"
    assert before["session_id"] == str(session_id)
    assert (adhoc["source"], adhoc["session_id"], adhoc["time_local"]) == ("text", "", "2026-03-02T07:00:00+01:00")
    assert (reminder["time_local"], reminder["status"]) == ("07:30", "on")
    assert {r["timezone"] for r in rows} == {"Europe/Berlin"}


async def test_export_with_nothing_stored(user: ChatUser, app: App) -> None:
    assert "tap /start" in text_of(await reply_to(user, "/export"))
    await onboard(app)
    reply = await reply_to(user, "/export")
    assert reply.document is None
    assert "nothing to export" in text_of(reply)


# Tables that hold nothing about any user (only these may lack a user_id): the step pictures' Telegram file ids.
NOT_ABOUT_USERS = frozenset({"media_files"})


async def rows_of(app: App, user_id: int) -> dict[str, int]:
    """Rows that belong to `user_id`, in every table of the schema."""
    counts = {}
    async with ctx_of(app).db.unit_of_work(read_only=True) as uow:
        for table in Base.metadata.sorted_tables:
            if table.name in NOT_ABOUT_USERS:
                continue
            column = table.c.id if table.name == "users" else table.c.get("user_id")
            assert column is not None, f"table {table.name} has no user_id: /delete could not find its rows"
            statement = select(func.count()).select_from(table).where(column == user_id)
            counts[table.name] = int((await uow.session.execute(statement)).scalar_one())
    return counts


async def test_delete_erases_every_row_of_the_user_only(user: ChatUser, app: App, standin: BotApiStandIn) -> None:
    for user_id in (1001, 2002):
        await onboard(app, user_id=user_id)
        await add_day(app, TODAY - timedelta(days=1), 6, 4, user_id=user_id)
        await add_day(app, TODAY, 5, None, user_id=user_id, status="active")
        await add_skip(app, TODAY - timedelta(days=2), "ill", user_id=user_id)
    async with ctx_of(app).db.unit_of_work() as uow:
        due = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)
        uow.session.add(
            ReminderDelivery(user_id=1001, slot=1, local_date=TODAY, due_at=due, send_after=due, status="sent")
        )
        for user_id in (1001, 2002):
            uow.session.add(SafetyEvent(user_id=user_id, kind="pain", context="chat", local_date=TODAY, created_at=due))
            uow.session.add(PendingQuestion(user_id=user_id, kind="snooze", asked_at=due, expires_at=due))
    await reply_to(user, "6")
    assert all(n > 0 for n in (await rows_of(app, 1001)).values())
    other_before = await rows_of(app, 2002)

    confirm = await reply_to(user, "/delete")
    assert "Delete all your data?" in text_of(confirm)
    assert confirm.button_labels == ["Delete everything", "Cancel"]
    await user.tap("Delete everything", message=confirm)
    done = await user.next_message()
    assert "everything is erased" in text_of(done)
    assert set((await rows_of(app, 1001)).values()) == {0}
    assert await rows_of(app, 2002) == other_before

    # Afterwards: nothing to delete, and the bot treats them as new.
    query = await user.tap_data(confirm.message_id, confirm.buttons[0][0].value)
    await user.answer_to(query)
    assert "nothing to delete" in text_of(await user.next_message())
    assert "tap /start" in text_of(await reply_to(user, "/history"))


async def test_delete_cancel_keeps_everything(user: ChatUser, app: App) -> None:
    await onboard(app)
    await reply_to(user, "6")
    before = await rows_of(app, 1001)
    confirm = await reply_to(user, "/delete")
    await user.tap("Cancel", message=confirm)
    assert "nothing was deleted" in text_of(await user.next_message())
    assert await rows_of(app, 1001) == before


async def test_delete_in_the_middle_of_a_routine_leaves_nothing_and_its_timer_writes_nothing(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    """Rows written by the routine itself (reminder delivery -> before rating -> session with a live timer) are
    erased too, the pending timer firing afterwards writes nothing back, and the other user keeps everything."""
    caplog.set_level(logging.WARNING)
    user = ChatUser(standin, 1001)
    other = ChatUser(standin, 2002)
    async with running(build_application(settings.model_copy(update={"time_scale": 10.0}), clock=clock)) as app:
        for person in (user, other):
            await person.send("/help")
            await onboard(app, user_id=person.user_id)
        clock.set(datetime(2026, 3, 3, 6, 30, tzinfo=UTC))
        assert await dispatcher_of(app).run_once() == 2
        await read_until(user, "How stiff")
        await user.tap("6")
        await read_until(user, "Hold – rep 1/3")  # hands-free: it starts by itself; the first tick is 1 s away
        await read_until(other, "How stiff")
        await other.tap("Skip today")
        await other.tap("Ill", message=await read_until(other, "What's the reason?"))
        await read_until(other, "Noted")
        counts = await rows_of(app, 1001)
        assert counts["routine_sessions"] == 1 and counts["ratings"] == 1 and counts["reminder_deliveries"] == 1
        other_before = await rows_of(app, 2002)

        await user.send("/delete")
        await user.tap("Delete everything", message=await read_until(user, "Delete all your data?"))
        await read_until(user, "everything is erased")
        assert set((await rows_of(app, 1001)).values()) == {0}
        await asyncio.sleep(2.0)  # the halfway timer's time passes
        assert set((await rows_of(app, 1001)).values()) == {0}
        assert await rows_of(app, 2002) == other_before
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]
