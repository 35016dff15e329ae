"""/export (a ZIP of CSV tables, round trip through the stand-in) and /delete (no row left in any table, others untouched)."""

from __future__ import annotations

import asyncio
import csv
import io
import logging
import zipfile
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.app import build_application
from bot.config import Settings
from bot.db.models import (
    Base,
    Coach,
    CoachAccess,
    CoachInvite,
    CoachLink,
    CoachMedia,
    CoachPrescription,
    MorningStiffness,
    OutcomePrompt,
    PausePeriod,
    PendingQuestion,
    ReminderDelivery,
    SafetyEvent,
    WeeklyCheckin,
)
from bot.domain.clock import FakeClock
from bot.services.data import TABLES
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.harness import running
from tests.e2e.data_helpers import App, add_day, add_skip, ctx_of, onboard, reply_to, text_of
from tests.e2e.helpers import dispatcher_of, read_until

TODAY = date(2026, 3, 2)


def read_export(raw: bytes) -> tuple[dict[str, list[dict[str, str]]], str]:
    """Every table of an export ZIP (parsed as a spreadsheet would), and its README.txt."""
    tables: dict[str, list[dict[str, str]]] = {}
    with zipfile.ZipFile(io.BytesIO(raw)) as archive:
        assert sorted(archive.namelist()) == sorted(["README.txt", *TABLES])
        readme = archive.read("README.txt").decode("utf-8")
        for name, columns in TABLES.items():
            data = archive.read(name)
            assert data.startswith(b"\xef\xbb\xbf")  # UTF-8 BOM: Excel opens it as UTF-8
            reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline=""))
            assert tuple(reader.fieldnames or ()) == columns, name
            tables[name] = list(reader)
    return tables, readme


async def test_export_round_trip(user: ChatUser, app: App, standin: BotApiStandIn) -> None:
    await onboard(app)
    await add_day(app, TODAY - timedelta(days=1), 6.5, 4, side="left")
    await add_skip(app, TODAY - timedelta(days=2), "ill")
    await reply_to(user, "7 and a half")
    moment = datetime(2026, 3, 2, 6, 5, 9, 123456, tzinfo=UTC)
    async with ctx_of(app).db.unit_of_work() as uow:
        uow.session.add(
            MorningStiffness(
                user_id=1001, local_date=TODAY, minutes=45, source="text", created_at=moment, updated_at=moment
            )
        )
        uow.session.add(
            WeeklyCheckin(
                user_id=1001,
                local_date=TODAY,
                pain=6,
                enjoyment=5,
                activity=5,
                status="done",
                created_at=moment,
                completed_at=moment,
            )
        )
        uow.session.add(SafetyEvent(user_id=1001, kind="warning", context="hold", local_date=TODAY, created_at=moment))
    reply = await reply_to(user, "/export")
    assert reply.document is not None
    assert reply.document["file_name"] == "stretchbot-2026-03-02.zip"
    assert "README.txt" in text_of(reply)
    tables, readme = read_export(standin.file(reply.document["file_id"]).data)
    assert tables["ratings.csv"] == [
        {"date": "2026-03-01", "time": "08:00:00", "kind": "before", "value": "6.5", "source": "button",
         "session_date": "2026-03-01", "session_time": "08:00:00"},
        {"date": "2026-03-01", "time": "08:00:00", "kind": "after", "value": "4", "source": "button",
         "session_date": "2026-03-01", "session_time": "08:00:00"},
        {"date": "2026-03-02", "time": "07:00:00", "kind": "adhoc", "value": "7.5", "source": "text",
         "session_date": "", "session_time": ""},
    ]  # fmt: skip
    assert tables["sessions.csv"] == [
        {"date": "2026-03-01", "start_time": "08:00:00", "end_time": "08:06:00", "status": "finished",
         "routine": "pigeon", "gentle": "no", "tighter_side": "left"},
    ]  # fmt: skip
    assert tables["skipped_days.csv"] == [{"date": "2026-02-28", "reason": "ill"}]
    # Local time (Berlin), no microseconds.
    assert tables["morning_stiffness.csv"] == [
        {"date": "2026-03-02", "minutes": "45", "source": "text", "answered_time": "07:05:09"}
    ]
    assert tables["weekly_checkins.csv"] == [
        {"date": "2026-03-02", "status": "done", "pain": "6", "enjoyment": "5", "activity": "5", "peg_score": "5.3"}
    ]
    assert tables["safety_events.csv"] == [
        {"date": "2026-03-02", "time": "07:05:09", "kind": "warning", "where": "hold"}
    ]
    settings = {row["setting"]: row["value"] for row in tables["settings.csv"]}
    assert settings["timezone"] == "Europe/Berlin"
    assert settings["morning_reminder"] == "07:30"
    assert (settings["morning_stiffness_question"], settings["weekly_checkin"]) == ("on", "on")
    assert settings["language"] == "en"
    # No internal ids anywhere; README.txt describes every column of every table.
    for name, columns in TABLES.items():
        assert not any(column.endswith("id") for column in columns), name
        section = readme.split(name, 1)[1]
        for column in columns:
            assert column in section, (name, column)


async def test_export_with_nothing_stored(user: ChatUser, app: App) -> None:
    assert "tap /start" in text_of(await reply_to(user, "/export"))
    await onboard(app)
    reply = await reply_to(user, "/export")
    assert reply.document is None
    assert "nothing to export" in text_of(reply)


# Tables that hold nothing about any user (only these may lack a user_id): the step pictures' Telegram file ids.
NOT_ABOUT_USERS = frozenset({"media_files"})
# The coaching tables name the user as a client (or as the coach who sent the media, opened by: the invitee).
USER_COLUMNS = {
    "coach_invites": "opened_by",
    "coach_links": "client_id",
    "coach_prescriptions": "client_id",
    "coach_access_events": "client_id",
    "coach_media": "coach_id",
}


async def rows_of(app: App, user_id: int) -> dict[str, int]:
    """Rows that belong to `user_id`, in every table of the schema."""
    counts = {}
    async with ctx_of(app).db.unit_of_work(read_only=True) as uow:
        for table in Base.metadata.sorted_tables:
            if table.name in NOT_ABOUT_USERS:
                continue
            column = table.c.id if table.name == "users" else table.c.get(USER_COLUMNS.get(table.name, "user_id"))
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
            uow.session.add(OutcomePrompt(user_id=user_id, kind="stiffness", next_due_at=due))
            uow.session.add(PausePeriod(user_id=user_id, first_date=TODAY, until_date=None, created_at=due))
            uow.session.add(
                MorningStiffness(
                    user_id=user_id, local_date=TODAY, minutes=45, source="text", created_at=due, updated_at=due
                )
            )
            uow.session.add(
                WeeklyCheckin(user_id=user_id, local_date=TODAY, pain=5, enjoyment=4, activity=3, status="done",
                              created_at=due, completed_at=due)
            )  # fmt: skip
            uow.session.add(PendingQuestion(user_id=user_id, kind="snooze", asked_at=due, expires_at=due))
            coach = 3000 + user_id  # another person coaches them; they coach nobody but sent a video
            uow.session.add(Coach(user_id=user_id, name="Me", created_at=due))
            uow.session.add(
                CoachInvite(coach_id=coach, token_hash=f"{user_id:064d}", status="used", created_at=due,
                            expires_at=due, opened_by=user_id, opened_at=due, used_at=due)
            )  # fmt: skip
            uow.session.add(
                CoachLink(coach_id=coach, client_id=user_id, client_name="C", status="active", linked_at=due,
                          linked_date=TODAY)
            )  # fmt: skip
            uow.session.add(
                CoachPrescription(
                    client_id=user_id, coach_id=coach, routine_id="pigeon", hold_seconds=40, updated_at=due
                )
            )
            uow.session.add(CoachAccess(coach_id=coach, client_id=user_id, what="summary", created_at=due))
            uow.session.add(CoachMedia(coach_id=user_id, kind="photo", file_id="F", created_at=due))
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
