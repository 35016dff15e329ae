"""Change from baseline and the meaningful-change verdicts, against hand-computed examples."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain import outcomes
from bot.domain.outcomes import MINUTES_RULE, RATING_RULE, Verdict, change_from_baseline, peg_change

D0 = date(2026, 3, 2)


def days(values: list[float | None], start: date = D0) -> dict[date, float]:
    return {start + timedelta(days=i): v for i, v in enumerate(values) if v is not None}


def test_no_data() -> None:
    assert change_from_baseline({}, D0, RATING_RULE).verdict == Verdict.NO_DATA


def test_one_rating_is_too_early_and_has_only_a_baseline() -> None:
    change = change_from_baseline({D0: 6}, D0, RATING_RULE)
    assert change.verdict == Verdict.TOO_EARLY
    assert change.baseline == 6
    assert change.current is None and change.points is None and change.percent is None


def test_thirteen_days_is_too_early_even_with_a_big_drop() -> None:
    data = days([8] * 7 + [2] * 6)
    assert change_from_baseline(data, D0 + timedelta(days=12), RATING_RULE).verdict == Verdict.TOO_EARLY


def test_hand_computed_meaningful_improvement() -> None:
    # Baseline: days 0-6 = 6, 7, 6, 7, 6, 7, 6 -> mean 45/7 = 6.43. Last 7 days (7-13): 4 every day.
    data = days([6, 7, 6, 7, 6, 7, 6] + [4] * 7)
    change = change_from_baseline(data, D0 + timedelta(days=13), RATING_RULE)
    assert change.baseline == pytest.approx(45 / 7)
    assert change.current == 4
    assert change.points == pytest.approx(4 - 45 / 7)  # -2.43
    assert change.percent == pytest.approx(100 * (4 - 45 / 7) / (45 / 7))  # -37.8 %
    assert change.verdict == Verdict.BETTER
    assert change.baseline_period == (D0, D0 + timedelta(days=6))


def test_thirty_percent_alone_is_meaningful_on_a_low_baseline() -> None:
    # 3 -> 2 is 1 point (below 2) but 33% (above 30%).
    data = days([3] * 7 + [2] * 7)
    assert change_from_baseline(data, D0 + timedelta(days=13), RATING_RULE).verdict == Verdict.BETTER


def test_below_both_thresholds_is_small() -> None:
    # 8 -> 7: 1 point, 12.5%.
    data = days([8] * 7 + [7] * 7)
    change = change_from_baseline(data, D0 + timedelta(days=13), RATING_RULE)
    assert change.verdict == Verdict.SMALL
    assert change.points == -1


def test_exactly_two_points_counts() -> None:
    data = days([9] * 7 + [7] * 7)  # 2 points, 22%
    assert change_from_baseline(data, D0 + timedelta(days=13), RATING_RULE).verdict == Verdict.BETTER


def test_worse_is_said_too() -> None:
    data = days([4] * 7 + [6.5] * 7)
    assert change_from_baseline(data, D0 + timedelta(days=13), RATING_RULE).verdict == Verdict.WORSE


def test_sparse_recent_week() -> None:
    # A full baseline, then only two ratings in the last 7 days.
    data = days([6] * 7 + [None] * 10 + [3, None, None, 3])
    change = change_from_baseline(data, D0 + timedelta(days=20), RATING_RULE)
    assert change.verdict == Verdict.SPARSE
    assert change.current_days == 2


def test_sparse_baseline() -> None:
    data = {D0: 6.0, D0 + timedelta(days=20): 3.0, D0 + timedelta(days=21): 3.0, D0 + timedelta(days=22): 3.0}
    change = change_from_baseline(data, D0 + timedelta(days=22), RATING_RULE)
    # The first 7 days with data include the later ones, and nothing recent is left outside the baseline.
    assert change.verdict == Verdict.SPARSE


def test_baseline_is_the_first_seven_days_with_data_not_calendar_days() -> None:
    data = days([6, None, 6, None, 6, None, 6, None, 6, None, 6, None, 6, None, 2, 2, 2, 2, 2, 2, 2])
    change = change_from_baseline(data, D0 + timedelta(days=20), RATING_RULE)
    assert change.baseline_period == (D0, D0 + timedelta(days=12))
    assert change.baseline == 6 and change.current == 2 and change.verdict == Verdict.BETTER


def test_minutes_use_medians_and_percent_only() -> None:
    # Baseline minutes: 60, 60, 90, 60, 120, 60, 45 -> median 60; last week 40 every day: -33%.
    data = days([60, 60, 90, 60, 120, 60, 45] + [40] * 7)
    change = change_from_baseline(data, D0 + timedelta(days=13), MINUTES_RULE, outcomes.median)
    assert change.baseline == 60 and change.current == 40
    assert change.percent == pytest.approx(-100 / 3)
    assert change.verdict == Verdict.BETTER
    # 60 -> 45 is 25%: not meaningful, although 15 "points".
    data = days([60] * 7 + [45] * 7)
    assert change_from_baseline(data, D0 + timedelta(days=13), MINUTES_RULE, outcomes.median).verdict == Verdict.SMALL


def test_zero_baseline_has_no_percent() -> None:
    data = days([0] * 7 + [1] * 7)
    change = change_from_baseline(data, D0 + timedelta(days=13), RATING_RULE)
    assert change.percent is None and change.verdict == Verdict.SMALL


def test_peg() -> None:
    assert peg_change([]).verdict == Verdict.NO_DATA
    assert peg_change([(D0, 6.0)]).verdict == Verdict.TOO_EARLY
    change = peg_change([(D0, 6.0), (D0 + timedelta(days=7), 5.0), (D0 + timedelta(days=14), 4.0)])
    assert (change.baseline, change.current, change.verdict) == (6.0, 4.0, Verdict.BETTER)
    assert peg_change([(D0, 6.0), (D0 + timedelta(days=7), 5.0)]).verdict == Verdict.SMALL
    assert outcomes.peg_score(7, 5, 6) == 6


def test_weekly_medians_and_adherence() -> None:
    data = days([10, 20, 30, None, None, None, None, 5])
    assert outcomes.weekly_medians(data, D0, D0 + timedelta(days=13)) == [(D0, 20), (D0 + timedelta(days=7), 5)]
    done = {D0, D0 + timedelta(days=1), D0 + timedelta(days=3)}
    result = outcomes.adherence(done, D0, D0 + timedelta(days=4), not_planned={D0 + timedelta(days=2)})
    assert (result.done, result.planned, result.percent, result.adherent) == (3, 4, 75, False)
    assert outcomes.adherence(done, D0, D0 + timedelta(days=3)).adherent is False
    assert outcomes.adherence({D0}, D0, D0).adherent is True
    assert outcomes.longest_streak(done) == 2


@given(
    st.lists(st.one_of(st.none(), st.floats(0, 10, allow_nan=False)), min_size=0, max_size=60),
    st.integers(0, 70),
)
def test_never_a_verdict_before_two_weeks_or_without_both_periods(values: list[float | None], offset: int) -> None:
    data = days(values)
    today = D0 + timedelta(days=offset)
    change = change_from_baseline(data, today, RATING_RULE)
    if change.verdict in (Verdict.BETTER, Verdict.WORSE, Verdict.SMALL):
        first = min(data)
        assert (today - first).days >= 13
        assert change.baseline_days >= outcomes.MIN_BASELINE_DAYS
        assert change.current_days >= outcomes.MIN_RECENT_DAYS
        assert change.current is not None and change.baseline is not None
        if change.verdict != Verdict.SMALL:
            assert outcomes.meaningful(change.baseline, change.current, RATING_RULE)


def test_a_day_skipped_with_a_reason_keeps_the_longest_streak_alive_as_it_does_the_current_one() -> None:
    done = {D0, D0 + timedelta(days=1), D0 + timedelta(days=3), D0 + timedelta(days=4), D0 + timedelta(days=6)}
    kept = {D0 + timedelta(days=2)}  # travelling: bridges days 1 and 3, counts for nothing
    assert outcomes.longest_streak(done, kept) == 4
    assert outcomes.longest_streak(done) == 2
    assert outcomes.longest_streak(set(), kept) == 0
