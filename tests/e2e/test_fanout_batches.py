"""The reminder fan-out records what it sent a batch at a time: a write transaction per RECORD_BATCH // 2 sends or
more (the last one excepted), never one per handful of sends. Writing each small remainder at once made about a
transaction per 14 sends, which cost a fifth of the fan-out's speed (bench/README.md). Real stack: a migrated SQLite
file, the dispatcher, the stand-in in its own process; the statements are seen as SQLAlchemy runs them."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bench.fanout import run_fanout
from bot.reminders.dispatcher import RECORD_BATCH
from tests.support.records import on_mark_sent


@pytest.fixture
def sent_batches() -> Iterator[list[int]]:
    """The number of deliveries each "mark sent" statement (one per record transaction) wrote, in order."""
    batches: list[int] = []
    with on_mark_sent(batches.append):
        yield batches


async def test_sent_reminders_are_recorded_in_batches_not_a_handful_at_a_time(
    tmp_path: Path, sent_batches: list[int]
) -> None:
    due = 300
    result = await run_fanout(tmp_path, users=2 * due, due=due, rate_limit=False, broadcast_per_second=100_000)
    assert result.problems == []
    assert sum(sent_batches) == due  # each sent reminder recorded once
    assert all(size >= RECORD_BATCH // 2 for size in sent_batches[:-1]), sent_batches
    assert all(size <= RECORD_BATCH for size in sent_batches), sent_batches  # what a crash can repeat stays bounded
