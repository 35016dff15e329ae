"""The ratings service against a real migrated SQLite database: storage, idempotency, replace, concurrency,
corrections and the gentle check."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.content.schema import SafetyFile
from bot.db.models import Rating, RoutineSession, User
from bot.db.repositories.ratings import RatingRepository
from bot.db.unit_of_work import Database
from bot.services import ratings as service
from bot.services.ratings import CorrectionRefused, RatingSaved, RatingUndone

NOW = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # 07:00 Monday in Berlin
USER = 1001
OTHER = 2002


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    async with database.unit_of_work() as uow:
        for user_id, zone in ((USER, "Europe/Berlin"), (OTHER, None)):
            uow.session.add(
                User(id=user_id, chat_id=user_id, timezone=zone, created_at=NOW, updated_at=NOW, onboarded_at=NOW)
            )
    yield database
    await database.dispose()


async def add_session(db: Database, user_id: int, local_date: date, status: str = "finished") -> int:
    async with db.unit_of_work() as uow:
        row = RoutineSession(
            user_id=user_id,
            routine_id="pigeon",
            status=status,
            local_date=local_date,
            started_at=NOW,
            finished_at=NOW if status == "finished" else None,
        )
        uow.session.add(row)
        await uow.flush()
        return row.id


async def all_ratings(db: Database) -> list[Rating]:
    async with db.unit_of_work(read_only=True) as uow:
        return list((await uow.session.execute(select(Rating).order_by(Rating.id))).scalars())


async def save(db: Database, value: float, **kwargs: object) -> RatingSaved:
    values: dict[str, object] = {
        "user_id": USER,
        "kind": "adhoc",
        "source": "text",
        "now": NOW,
        "default_timezone": "Europe/London",
    }
    values.update(kwargs)
    async with db.unit_of_work() as uow:
        return await service.save_rating(uow, value=value, **values)  # type: ignore[arg-type]


async def test_adhoc_rating_is_stored_with_the_local_date(db: Database) -> None:
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)  # 00:30 on Tuesday in Berlin
    saved = await save(db, 7.5, now=late, update_id=10)
    assert (saved.value, saved.kind, saved.replaced, saved.duplicate) == (7.5, "adhoc", False, False)
    (row,) = await all_ratings(db)
    assert (row.id, row.value, row.source, row.local_date, row.update_id) == (
        saved.rating_id,
        7.5,
        "text",
        date(2026, 3, 3),
        10,
    )


async def test_a_user_without_timezone_gets_the_fallback_zone(db: Database) -> None:
    late = datetime(2026, 3, 2, 23, 30, tzinfo=UTC)
    await save(db, 3, user_id=OTHER, now=late, default_timezone="Asia/Tokyo")
    (row,) = await all_ratings(db)
    assert row.local_date == date(2026, 3, 3)
    await save(db, 3, user_id=OTHER, now=late)  # the default zone Europe/London: still the 2nd
    assert (await all_ratings(db))[1].local_date == date(2026, 3, 2)


@pytest.mark.parametrize("bad", [-0.5, 10.5, 7.3, 11, float("nan"), float("inf")])
async def test_bad_values_are_refused(db: Database, bad: float) -> None:
    with pytest.raises(ValueError, match="rating"):
        await save(db, bad)
    assert await all_ratings(db) == []


async def test_bad_kind_source_user_or_session_are_refused(db: Database) -> None:
    with pytest.raises(ValueError, match="kind"):
        await save(db, 5, kind="during")
    with pytest.raises(ValueError, match="source"):
        await save(db, 5, source="voice")
    with pytest.raises(ValueError, match="user"):
        await save(db, 5, user_id=3003)
    foreign = await add_session(db, OTHER, date(2026, 3, 2))
    with pytest.raises(ValueError, match="session"):
        await save(db, 5, kind="before", session_id=foreign)
    assert await all_ratings(db) == []


async def test_the_same_update_twice_stores_one_row(db: Database) -> None:
    first = await save(db, 6, update_id=77)
    again = await save(db, 6, update_id=77)
    assert again == RatingSaved(
        first.rating_id, 6.0, "adhoc", replaced=False, duplicate=True, local_date=first.local_date
    )
    assert len(await all_ratings(db)) == 1
    # A re-sent update never changes the value, even if it carried a different one.
    await save(db, 9, update_id=77)
    assert [r.value for r in await all_ratings(db)] == [6.0]


async def test_before_twice_for_a_session_replaces_the_value(db: Database) -> None:
    session_id = await add_session(db, USER, date(2026, 3, 1), status="active")
    first = await save(db, 6, kind="before", source="button", session_id=session_id, update_id=1)
    second = await save(db, 7, kind="before", source="text", session_id=session_id, update_id=2)
    assert second.replaced
    assert not second.duplicate
    assert second.rating_id == first.rating_id
    after = await save(db, 4, kind="after", source="button", session_id=session_id, update_id=3)
    rows = await all_ratings(db)
    assert [(r.kind, r.value, r.source, r.update_id) for r in rows] == [
        ("before", 7.0, "text", 1),
        ("after", 4.0, "button", 3),
    ]
    # The session's local date, not today's.
    assert {r.local_date for r in rows} == {date(2026, 3, 1)}
    assert not after.replaced
    # Re-sent updates, in order: the first is a no-op, the second replays its correction.
    assert (await save(db, 6, kind="before", source="button", session_id=session_id, update_id=1)).duplicate
    assert next(r.value for r in await all_ratings(db)) == 7.0


async def test_concurrent_saves_never_raise_and_keep_one_row(db: Database) -> None:
    session_id = await add_session(db, USER, date(2026, 3, 2), status="active")
    results = await asyncio.gather(
        *(save(db, v, kind="before", source="button", session_id=session_id) for v in (3, 4, 5, 6)),
        *(save(db, 5, update_id=500) for _ in range(4)),
    )
    rows = await all_ratings(db)
    assert len([r for r in rows if r.kind == "before"]) == 1
    assert len([r for r in rows if r.update_id == 500]) == 1
    assert sum(not r.replaced for r in results[:4]) == 1
    assert sum(not r.duplicate for r in results[4:]) == 1


async def test_a_lost_race_on_the_unique_constraint_becomes_a_replace(
    db: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulates PostgreSQL's race: the existence check misses a row another transaction just committed."""
    session_id = await add_session(db, USER, date(2026, 3, 2), status="active")
    await save(db, 3, kind="before", source="button", session_id=session_id)
    calls = {"n": 0}
    original = RatingRepository.of_session_for_update

    async def blind_once(self: RatingRepository, sid: int, kind: str) -> Rating | None:
        calls["n"] += 1
        if calls["n"] == 1:
            return None
        return await original(self, sid, kind)

    monkeypatch.setattr(RatingRepository, "of_session_for_update", blind_once)
    saved = await save(db, 8, kind="before", source="button", session_id=session_id)
    assert saved.replaced
    assert calls["n"] == 2
    assert [(r.kind, r.value) for r in await all_ratings(db)] == [("before", 8.0)]


async def test_undo_and_change_within_the_window(db: Database) -> None:
    saved = await save(db, 6)
    async with db.unit_of_work() as uow:
        changed = await service.change_rating(
            uow, user_id=USER, rating_id=saved.rating_id, value=4, now=NOW + timedelta(minutes=29), window_minutes=30
        )
    assert isinstance(changed, RatingSaved)
    assert changed.rating_id == saved.rating_id
    assert changed.value == 4
    assert [(r.id, r.value) for r in await all_ratings(db)] == [(saved.rating_id, 4.0)]
    async with db.unit_of_work() as uow:
        undone = await service.undo_rating(
            uow, user_id=USER, rating_id=saved.rating_id, now=NOW + timedelta(minutes=30), window_minutes=30
        )
    assert undone == RatingUndone(saved.rating_id, 4.0, date(2026, 3, 2))
    assert await all_ratings(db) == []


async def test_expired_foreign_or_missing_corrections_change_nothing(db: Database) -> None:
    saved = await save(db, 6)
    session_id = await add_session(db, USER, date(2026, 3, 2))
    before = await save(db, 5, kind="before", session_id=session_id)
    late = NOW + timedelta(minutes=31)
    async with db.unit_of_work() as uow:
        assert await service.undo_rating(
            uow, user_id=USER, rating_id=saved.rating_id, now=late, window_minutes=30
        ) == CorrectionRefused("expired")
        assert await service.change_rating(
            uow, user_id=USER, rating_id=saved.rating_id, value=1, now=late, window_minutes=30
        ) == CorrectionRefused("expired")
        assert await service.undo_rating(
            uow, user_id=OTHER, rating_id=saved.rating_id, now=NOW, window_minutes=30
        ) == CorrectionRefused("missing")
        assert await service.can_change(
            uow, user_id=OTHER, rating_id=saved.rating_id, now=NOW, window_minutes=30
        ) == CorrectionRefused("missing")
        assert await service.undo_rating(
            uow, user_id=USER, rating_id=999, now=NOW, window_minutes=30
        ) == CorrectionRefused("missing")
        # Session ratings are the routine's to correct, not the ad hoc buttons'.
        assert await service.undo_rating(
            uow, user_id=USER, rating_id=before.rating_id, now=NOW, window_minutes=30
        ) == CorrectionRefused("missing")
    assert [r.value for r in await all_ratings(db)] == [6.0, 5.0]


SAFETY = SafetyFile(above_median=3, absolute=8, min_history=3, median_days=14)


async def add_befores(db: Database, values_by_days_ago: dict[int, float], user_id: int = USER) -> None:
    today = date(2026, 3, 2)
    for days_ago, value in values_by_days_ago.items():
        session_id = await add_session(db, user_id, today - timedelta(days=days_ago))
        await save(db, value, user_id=user_id, kind="before", source="button", session_id=session_id)


async def gentle(db: Database, value: float, user_id: int = USER, safety: SafetyFile = SAFETY) -> bool:
    async with db.unit_of_work(read_only=True) as uow:
        return await service.needs_gentle_option(uow, user_id, value, NOW, safety, "Europe/London")


async def test_gentle_option_absolute_threshold_without_history(db: Database) -> None:
    assert await gentle(db, 8)
    assert await gentle(db, 10)
    assert not await gentle(db, 7.5)  # no history yet: only the absolute rule


async def test_gentle_option_against_the_recent_median(db: Database) -> None:
    await add_befores(db, {1: 3, 2: 4, 3: 3})
    assert await gentle(db, 6)  # median 3 + 3
    assert not await gentle(db, 5.5)
    # Another user's history does not count for this one.
    await add_befores(db, {1: 0, 2: 0, 3: 0}, user_id=OTHER)
    assert not await gentle(db, 5.5)


async def test_gentle_option_ignores_old_history_adhoc_and_today(db: Database) -> None:
    await add_befores(db, {1: 2, 20: 2, 21: 2, 0: 2})  # only 1 day ago is within 14 days and before today
    await save(db, 2)
    await save(db, 2)  # ad hoc ratings are not before-ratings
    assert not await gentle(db, 6)
    assert await gentle(db, 6, safety=SafetyFile(above_median=3, absolute=8, min_history=1, median_days=14))
    assert await gentle(db, 6, safety=SafetyFile(above_median=3, absolute=8, min_history=3, median_days=30))


async def test_counts_are_exact(db: Database) -> None:
    await save(db, 0)
    await save(db, 10)
    async with db.unit_of_work(read_only=True) as uow:
        count = (await uow.session.execute(select(func.count()).select_from(Rating))).scalar_one()
    assert count == 2
