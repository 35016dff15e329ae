import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.safety import DEFAULT_THRESHOLDS, SafetyThresholds, needs_gentle_check


def test_defaults() -> None:
    assert SafetyThresholds() == DEFAULT_THRESHOLDS
    assert (DEFAULT_THRESHOLDS.above_median, DEFAULT_THRESHOLDS.absolute, DEFAULT_THRESHOLDS.min_history) == (
        3,
        8,
        3,
    )


@pytest.mark.parametrize(
    ("value", "history", "expected"),
    [
        (8, [], True),  # absolute threshold, no history needed
        (7.5, [], False),
        (10, [9, 9, 9], True),
        (7, [4, 4, 4], True),  # median 4 + 3
        (6.5, [4, 4, 4], False),
        (7, [4, 4], False),  # too little history
        (7, [1, 4, 9], True),  # median 4
        (7, [4, 5, 6, 7], False),  # median 5.5 + 3 = 8.5, and 7 < 8
        (0, [0, 0, 0], False),
        (3, [0, 0, 0], True),
    ],
)
def test_needs_gentle_check(value: float, history: list[float], expected: bool) -> None:
    assert needs_gentle_check(value, history) is expected


def test_custom_thresholds() -> None:
    strict = SafetyThresholds(above_median=1, absolute=10, min_history=1)
    assert needs_gentle_check(5, [4], strict)
    assert not needs_gentle_check(9, [8.5], strict)
    assert needs_gentle_check(10, [], strict)


ratings = st.integers(0, 20).map(lambda n: n / 2)


@given(ratings, st.lists(ratings, max_size=20))
def test_monotonic_in_value(value: float, history: list[float]) -> None:
    if needs_gentle_check(value, history):
        assert needs_gentle_check(min(value + 0.5, 10), history)
    if value >= 8:
        assert needs_gentle_check(value, history)
