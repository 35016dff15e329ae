from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.stats import (
    DayRecord,
    SessionRecord,
    WeeklyTrend,
    average_change,
    current_streak,
    days_done_in_week,
    rolling_average,
    skip_reason_counts,
    streak_days,
    tighter_side_lately,
    week_start,
    weekly_trend,
)

TODAY = date(2024, 6, 12)  # a Wednesday


def d(offset: int) -> date:
    """The date `offset` days from TODAY."""
    return TODAY + timedelta(days=offset)


def session(
    offset: int, before: float | None = None, after: float | None = None, side: str | None = None
) -> SessionRecord:
    return SessionRecord(d(offset), before, after, side)


class TestCurrentStreak:
    def test_empty(self) -> None:
        assert current_streak(set(), set(), TODAY) == 0

    def test_ending_today(self) -> None:
        assert current_streak({d(0), d(-1), d(-2)}, set(), TODAY) == 3

    def test_today_not_done_yet_counts_from_yesterday(self) -> None:
        assert current_streak({d(-1), d(-2)}, set(), TODAY) == 2

    def test_gap_breaks_it(self) -> None:
        assert current_streak({d(0), d(-1), d(-3), d(-4)}, set(), TODAY) == 2
        assert current_streak({d(-2), d(-3)}, set(), TODAY) == 0

    def test_skipped_with_reason_bridges_without_counting(self) -> None:
        assert current_streak({d(0), d(-2), d(-3)}, {d(-1)}, TODAY) == 3
        assert current_streak({d(-1)}, {d(0)}, TODAY) == 1
        assert current_streak(set(), {d(0), d(-1)}, TODAY) == 0

    def test_done_and_skipped_same_day_counts_once(self) -> None:
        assert current_streak({d(0)}, {d(0)}, TODAY) == 1

    def test_future_days_are_ignored(self) -> None:
        assert current_streak({d(1), d(0)}, set(), TODAY) == 1


def test_streak_days_from_records() -> None:
    records = [
        DayRecord(d(0), done=True),
        DayRecord(d(-1), done=False, skipped_reason="travel"),
        DayRecord(d(-2), done=False),
        DayRecord(d(-3), done=False, skipped_reason=""),
        DayRecord(d(-4), done=True, skipped_reason="ignored"),
    ]
    assert streak_days(records) == ({d(0), d(-4)}, {d(-1)})


def test_week_start_and_days_done_in_week() -> None:
    assert week_start(TODAY) == date(2024, 6, 10)
    assert week_start(date(2024, 6, 10)) == date(2024, 6, 10)
    assert week_start(date(2024, 6, 16)) == date(2024, 6, 10)
    done = {date(2024, 6, 9), date(2024, 6, 10), date(2024, 6, 12), date(2024, 6, 16), date(2024, 6, 17)}
    assert days_done_in_week(done, TODAY) == 3  # Mon 10, Wed 12, Sun 16
    assert days_done_in_week(set(), TODAY) == 0
    assert days_done_in_week([date(2024, 6, 10), date(2024, 6, 10)], TODAY) == 1


def test_average_change() -> None:
    assert average_change([]) is None
    assert average_change([session(0, 6, None), session(-1, None, 3)]) is None
    assert average_change([session(0, 6, 4), session(-1, 5, 4), session(-2, 7, None)]) == pytest.approx(-1.5)
    assert average_change([session(0, 3, 4)]) == 1


def test_weekly_trend() -> None:
    sessions = [
        session(0, 4),  # Wed this week
        session(-2, 5),  # Mon this week
        session(-3, 7),  # Sun last week
        session(-9, 6),  # Mon last week
        session(-10, 10),  # Sun two weeks ago: not counted
        session(-1, None, 3),  # no before rating
    ]
    assert weekly_trend(sessions, TODAY) == WeeklyTrend(4.5, 6.5, -2.0)
    assert weekly_trend([], TODAY) == WeeklyTrend(None, None, None)
    assert weekly_trend([session(0, 4)], TODAY) == WeeklyTrend(4.0, None, None)
    assert weekly_trend([session(-3, 4)], TODAY) == (None, 4.0, None)


def test_tighter_side_lately() -> None:
    assert tighter_side_lately([], TODAY) is None
    sides = [session(0, side="left"), session(-1, side="left"), session(-2, side="right")]
    assert tighter_side_lately(sides, TODAY) == "left"
    # Outside the 14-day window (today - 13 is the first day in).
    old = [session(-14, side="right")] * 5
    assert tighter_side_lately(sides + old, TODAY) == "left"
    assert tighter_side_lately([session(-13, side="right")], TODAY) == "right"
    assert tighter_side_lately(sides, TODAY, days=1) == "left"
    assert tighter_side_lately([session(0, side="same"), session(-1, side="same")], TODAY) == "same"
    # Ties: left vs right reads as same; same vs a side reads as that side.
    assert tighter_side_lately([session(0, side="left"), session(-1, side="right")], TODAY) == "same"
    assert tighter_side_lately([session(0, side="same"), session(-1, side="right")], TODAY) == "right"
    # Unknown answers and missing answers are ignored.
    assert tighter_side_lately([session(0, side="both?"), session(-1)], TODAY) is None
    with pytest.raises(ValueError, match="days"):
        tighter_side_lately(sides, TODAY, days=0)


def test_skip_reason_counts() -> None:
    records = [
        DayRecord(d(0), False, "busy"),
        DayRecord(d(-1), False, "pain"),
        DayRecord(d(-2), False, "busy"),
        DayRecord(d(-3), False, None),
        DayRecord(d(-4), True, "busy"),
        DayRecord(d(-20), False, "travel"),
        DayRecord(d(-21), False, "pain"),
    ]
    counts = skip_reason_counts(records)
    assert counts == {"busy": 2, "pain": 2, "travel": 1}
    assert list(counts) == ["busy", "pain", "travel"]
    assert skip_reason_counts(records, since=d(-13)) == {"busy": 2, "pain": 1}
    assert skip_reason_counts([]) == {}


def test_rolling_average() -> None:
    assert rolling_average([]) == []
    points = [(d(0), 4.0), (d(-1), 6.0), (d(-6), 8.0), (d(-7), 10.0), (d(-20), 1.0)]
    assert rolling_average(points) == [
        (d(-20), 1.0),
        (d(-7), 10.0),
        (d(-6), 9.0),
        (d(-1), 8.0),  # d(-7)..d(-1): 10, 8, 6
        (d(0), 6.0),  # d(-6)..d(0): 8, 6, 4
    ]
    assert rolling_average(points, window_days=1) == sorted(points)
    same_day = [(d(0), 2.0), (d(0), 4.0), (d(-1), 6.0)]
    assert rolling_average(same_day, window_days=2) == [(d(-1), 6.0), (d(0), 4.0)]
    with pytest.raises(ValueError, match="window_days"):
        rolling_average(points, window_days=0)


point_lists = st.lists(st.tuples(st.integers(-60, 0).map(d), st.integers(0, 20).map(lambda n: n / 2)), max_size=40)


@given(point_lists, st.integers(1, 30))
def test_rolling_average_matches_brute_force(points: list[tuple[date, float]], window: int) -> None:
    result = rolling_average(points, window)
    dates = sorted({day for day, _ in points})
    assert [day for day, _ in result] == dates
    for day, value in result:
        inside = [v for other, v in points if day - timedelta(days=window) < other <= day]
        assert value == pytest.approx(sum(inside) / len(inside))


@given(st.sets(st.integers(-40, 0)), st.sets(st.integers(-40, 0)))
def test_streak_matches_brute_force(done_offsets: set[int], skipped_offsets: set[int]) -> None:
    done, skipped = {d(o) for o in done_offsets}, {d(o) for o in skipped_offsets}
    streak = current_streak(done, skipped, TODAY)
    assert 0 <= streak <= len(done)
    start = 0 if 0 in done_offsets | skipped_offsets else -1
    expected = 0
    offset = start
    while offset in done_offsets | skipped_offsets:
        expected += offset in done_offsets
        offset -= 1
    assert streak == expected
