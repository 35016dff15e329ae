"""A fan-out whose bookkeeping fails with an unexpected error (not the database being away, which is waited out)
stops, but the sends already on their way finish and are recorded: no reminder goes out twice.

Before, the other send workers were cancelled the moment one failed. A send cancelled after its request had left
was delivered, but its outcome was never written, so its delivery came back when its lease ran out and the user got
the reminder again (seen as 2 duplicates in a CI run of `test_a_postgres_restart_mid_fan_out_doubles_no_reminder`).
Real stack: a migrated SQLite file, the dispatcher, the stand-in in its own process; the failure is raised by
SQLAlchemy's statement hook on the first "mark sent" write, once.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest

from bench.common import bench_settings, check_exactly_once, create_chats, due_minute, seeded_database, standin_process
from bot.app import build_application
from bot.context import app_context_of
from bot.standin.harness import running
from tests.support.records import on_mark_sent

DUE = 200


class BookkeepingBroke(Exception):
    """Not a database error: the dispatcher cannot tell whether retrying would help."""


@pytest.fixture
def first_record_fails() -> Iterator[list[int]]:
    """The first "mark sent" statement raises; the sizes of the ones that ran are listed."""
    written: list[int] = []
    failed: list[bool] = []

    def seen(rows: int) -> None:
        if not failed:
            failed.append(True)
            raise BookkeepingBroke("the record of sent reminders failed")
        written.append(rows)

    with on_mark_sent(seen):
        yield written


async def test_a_failed_record_stops_the_fan_out_without_sending_anything_twice(
    tmp_path: Path, first_record_fails: list[int]
) -> None:
    due_at = due_minute()
    db_path = tmp_path / "fanout.sqlite3"
    due_ids = await seeded_database(db_path, 2 * DUE, DUE, due_at)
    async with standin_process() as standin:
        await create_chats(standin.remote, due_ids)
        settings = bench_settings(standin.url, db_path, broadcast_per_second=100_000.0, send_concurrency=8)
        application = build_application(settings, migrate=False, start_components=False)
        dispatcher = app_context_of(application).dispatcher
        async with running(application):
            with pytest.raises(BookkeepingBroke):
                await dispatcher.run_once()
            sent_before = sum((await standin.remote.stats())["sent_per_chat"].values())
            # Past every lease of the failed fan-out: a delivery whose send went out unrecorded would come back now.
            later = due_at + timedelta(seconds=settings.reminder_lease_seconds + 60)
            await dispatcher.run_once(now=later)
            stats = await standin.remote.stats()

    assert 0 < sent_before < DUE, "the failure stopped the first fan-out part of the way"
    assert check_exactly_once(stats, due_ids) == []
    assert sum(first_record_fails) == DUE, "every reminder recorded once"
