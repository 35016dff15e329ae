"""Sample rows for every migration, written right after it is applied: the round-trip tests in test_migrations.py
take each revision up, down and up again with these rows in the tables.

A new migration needs an entry here (a test says so): rows for the tables and columns it adds or changes, written
against the schema as it is at that revision (reflected, not the models, which follow the newest schema).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time

from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from bot.db.migrate import MIGRATIONS_DIR

T0 = datetime(2026, 3, 2, 6, 0)  # stored naive, in UTC


def head_revision() -> str:
    """The newest schema revision this code knows (tests that need "the current schema" use this, not a number)."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None
    return head


# A revision after every real one, for tests that play "a newer stretchbot's migration".
LATER_REVISION = "9999"


def _insert(connection: Connection, table: str, *rows: dict[str, object]) -> None:
    metadata = MetaData()
    metadata.reflect(connection, only=[table])
    for row in rows:  # one by one: the rows need not name the same columns
        connection.execute(metadata.tables[table].insert(), row)


def rows_0001(connection: Connection) -> None:
    _insert(
        connection, "users",
        {"id": 5001, "chat_id": 5001, "timezone": "Europe/Berlin", "onboarded_at": T0, "status": "active",
         "snooze_minutes": 20, "paused_until": date(2026, 3, 9), "routine_id": "pigeon", "created_at": T0,
         "updated_at": T0},
        {"id": 5002, "chat_id": 5002, "onboarding_step": "time", "awaiting_input": "time:1", "created_at": T0,
         "updated_at": T0},
    )  # fmt: skip
    _insert(connection, "reminder_slots", {"id": 1, "user_id": 5001, "slot": 1, "local_time": time(7, 15),
                                           "enabled": True, "next_due_at": T0})  # fmt: skip
    _insert(
        connection, "reminder_deliveries",
        {"id": 1, "user_id": 5001, "slot": 1, "local_date": date(2026, 3, 2), "due_at": T0, "send_after": T0,
         "status": "sent", "attempts": 1, "sent_at": T0, "message_id": 77},
    )  # fmt: skip
    _insert(
        connection, "routine_sessions",
        {"id": 1, "user_id": 5001, "routine_id": "pigeon", "status": "finished", "local_date": date(2026, 3, 2),
         "started_at": T0, "finished_at": T0, "state": {"step": 3, "reps": [1, 2]}, "seq": 4, "delivery_id": 1,
         "gentle": True, "tighter_side": "left"},
    )  # fmt: skip
    _insert(
        connection, "ratings",
        {"id": 1, "user_id": 5001, "session_id": 1, "kind": "before", "value": 6.5, "source": "button",
         "local_date": date(2026, 3, 2), "created_at": T0, "updated_at": T0, "update_id": 901},
        {"id": 2, "user_id": 5001, "session_id": 1, "kind": "after", "value": 4.0, "source": "text",
         "local_date": date(2026, 3, 2), "created_at": T0, "updated_at": T0, "update_id": 902},
    )  # fmt: skip
    _insert(connection, "skipped_days", {"id": 1, "user_id": 5002, "local_date": date(2026, 3, 1),
                                         "reason": "travelling", "created_at": T0})  # fmt: skip


def rows_0002(connection: Connection) -> None:
    _insert(
        connection, "safety_events",
        {"id": 1, "user_id": 5001, "kind": "warning", "context": "hold", "session_id": 1,
         "local_date": date(2026, 3, 2), "created_at": T0},
        {"id": 2, "user_id": 5002, "kind": "red_flag", "context": "chat", "session_id": None,
         "local_date": date(2026, 3, 1), "created_at": T0},
    )  # fmt: skip


def rows_0003(connection: Connection) -> None:
    _insert(
        connection, "pending_questions",
        {"user_id": 5001, "kind": "skip_reason", "ref": 1, "asked_at": T0, "expires_at": T0},
    )  # fmt: skip


def rows_0004(connection: Connection) -> None:
    metadata = MetaData()
    metadata.reflect(connection, only=["users"])
    users = metadata.tables["users"]
    connection.execute(users.update().where(users.c.id == 5001).values(ask_stiffness=False, weekly_checkin=True))
    _insert(
        connection, "outcome_prompts",
        # 5001 got its rows from the migration (set up before it); 5002 is still setting up.
        {"id": 101, "user_id": 5002, "kind": "stiffness", "next_due_at": T0, "last_local_date": date(2026, 3, 1)},
        {"id": 102, "user_id": 5002, "kind": "weekly", "next_due_at": None, "last_local_date": None},
    )  # fmt: skip
    _insert(
        connection, "morning_stiffness",
        {"id": 1, "user_id": 5001, "local_date": date(2026, 3, 2), "minutes": 45, "source": "text",
         "created_at": T0, "updated_at": T0},
    )  # fmt: skip
    _insert(
        connection, "weekly_checkins",
        {"id": 1, "user_id": 5001, "local_date": date(2026, 3, 2), "pain": 6, "enjoyment": 5, "activity": 4,
         "status": "done", "created_at": T0, "completed_at": T0},
        {"id": 2, "user_id": 5002, "local_date": date(2026, 3, 2), "status": "asked", "created_at": T0},
    )  # fmt: skip
    _insert(
        connection, "pause_periods",
        {"id": 1, "user_id": 5001, "first_date": date(2026, 3, 2), "until_date": date(2026, 3, 9), "created_at": T0},
        {"id": 2, "user_id": 5002, "first_date": date(2026, 3, 1), "until_date": None, "created_at": T0},
    )  # fmt: skip


def rows_0005(connection: Connection) -> None:
    _insert(
        connection, "users",
        {"id": 5031, "chat_id": 5031, "timezone": "Europe/Berlin", "onboarded_at": T0, "status": "active",
         "routine_id": "pigeon", "routine_mode": "taps", "sound_cues": False, "created_at": T0, "updated_at": T0},
    )  # fmt: skip
    _insert(
        connection, "routine_sessions",
        {"id": 3031, "user_id": 5031, "routine_id": "pigeon", "status": "active", "local_date": date(2026, 3, 2),
         "started_at": T0, "seq": 4, "live_message_id": 90, "cue_message_id": 91, "gentle": False},
    )  # fmt: skip
    _insert(connection, "media_files", {"key": "illustrations/pigeon/position.png#0123456789abcdef",
                                        "file_id": "AgACAgIAAxkBAAIB", "updated_at": T0})  # fmt: skip


def rows_0006(connection: Connection) -> None:
    _insert(
        connection, "users",
        {"id": 5041, "chat_id": 5041, "timezone": "Europe/Berlin", "onboarded_at": T0, "status": "active",
         "routine_id": "pigeon", "language": "de", "created_at": T0, "updated_at": T0},
    )  # fmt: skip


def rows_0007(connection: Connection) -> None:
    _insert(
        connection, "users",
        {"id": 5051, "chat_id": 5051, "timezone": "Europe/Berlin", "onboarded_at": T0, "status": "active",
         "routine_id": "pigeon", "created_at": T0, "updated_at": T0},
    )  # fmt: skip
    _insert(connection, "coaches", {"user_id": 7051, "name": "Sam", "added_by": 999, "digest": "daily",
                                    "digest_time": time(18, 0), "digest_due_at": T0, "created_at": T0})  # fmt: skip
    _insert(
        connection, "coach_invites",
        {"id": 1, "coach_id": 7051, "token_hash": "0" * 64, "label": "Anna", "status": "used", "created_at": T0,
         "expires_at": T0, "opened_by": 5051, "opened_at": T0, "used_at": T0},
    )  # fmt: skip
    _insert(
        connection, "coach_links",
        {"id": 1, "coach_id": 7051, "client_id": 5051, "client_name": "Anna", "status": "active",
         "share_history": True, "linked_at": T0, "linked_date": date(2026, 3, 2)},
    )  # fmt: skip
    _insert(connection, "coach_prescriptions", {"client_id": 5051, "coach_id": 7051, "routine_id": "pigeon",
                                                "hold_seconds": 40, "reps": 2, "reminders": 2,
                                                "updated_at": T0})  # fmt: skip
    _insert(connection, "coach_access_events", {"id": 1, "coach_id": 7051, "client_id": 5051, "what": "summary",
                                                "created_at": T0})  # fmt: skip
    _insert(connection, "coach_media", {"id": 1, "coach_id": 7051, "kind": "video", "file_id": "BAACAgIAAxkB",
                                        "routine_id": "pigeon", "step_id": "position", "created_at": T0})  # fmt: skip
    _insert(
        connection, "routine_sessions",
        {"id": 3041, "user_id": 5051, "routine_id": "pigeon", "status": "finished", "local_date": date(2026, 3, 2),
         "started_at": T0, "seq": 1, "gentle": False, "prescription": {"hold_seconds": 40, "reps": 2}},
    )  # fmt: skip


SAMPLE_ROWS: dict[str, Callable[[Connection], None]] = {
    "0001": rows_0001,
    "0002": rows_0002,
    "0003": rows_0003,
    "0004": rows_0004,
    "0005": rows_0005,
    "0006": rows_0006,
    "0007": rows_0007,
}
