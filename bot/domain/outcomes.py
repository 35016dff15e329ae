"""Change from baseline on the measures a physio trusts, with the published meaningful-change thresholds.

Pure functions over plain values; no wording (the views turn a `Change` into words). Sources (docs/outcomes.md):

* 0-10 ratings: a change of 2 points or 30% from baseline is the minimal important change in low back pain
  (Ostelo et al. 2008, Spine 33:90-94; Farrar et al. 2001, Pain 94:149-158). `RATING_RULE`.
* Morning stiffness minutes (BASDAI question 6, 0 to 120 = "2 hours or more"): no points rule exists for minutes,
  so only the relative 30% (Farrar) applies; day-to-day values vary a lot, so weeks are compared by their medians.
  `MINUTES_RULE`.
* PEG (Krebs et al. 2009): the mean of three 0-10 items, asked weekly; the 0-10 rule applies. `PEG_RULE`.

Conventions: dates are the user's local dates; `daily` maps a date to that day's value (days without data are
absent). The *baseline* is the first `BASELINE_DAYS` days that have data; *now* is the days with data among the
last 7 calendar days. Change is ``now - baseline``: negative is better (less stiff, less pain, shorter).
"""

from __future__ import annotations

import statistics
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

BASELINE_DAYS = 7  # the first 7 days with data are the baseline
RECENT_DAYS = 7  # "now": the last 7 calendar days
MIN_SPAN_DAYS = 14  # fewer than two weeks between the first data and today: too early to tell
MIN_BASELINE_DAYS = 4  # days with data needed in the baseline ...
MIN_RECENT_DAYS = 3  # ... and in the last 7 days, or the data is too sparse for a claim
STIFFNESS_CAP_MINUTES = 120  # BASDAI question 6 is scored up to "2 hours or more"


class Verdict(StrEnum):
    NO_DATA = "no_data"  # nothing recorded
    TOO_EARLY = "too_early"  # less than two weeks of data
    SPARSE = "sparse"  # two weeks or more, but too few days with data in the baseline or recently
    BETTER = "better"  # improved by at least the meaningful-change threshold
    WORSE = "worse"  # worse by at least the threshold
    SMALL = "small"  # a change below the threshold: small, or not yet clear


@dataclass(frozen=True, slots=True)
class Rule:
    """A change is meaningful if it reaches `points` (when set) or `percent` of the baseline."""

    points: float | None
    percent: float


RATING_RULE = Rule(points=2.0, percent=30.0)
MINUTES_RULE = Rule(points=None, percent=30.0)
PEG_RULE = Rule(points=2.0, percent=30.0)


@dataclass(frozen=True, slots=True)
class Change:
    verdict: Verdict
    baseline: float | None = None  # set whenever there is any data
    current: float | None = None  # set when there is recent data distinct from the baseline
    baseline_days: int = 0
    current_days: int = 0
    baseline_period: tuple[date, date] | None = None

    @property
    def points(self) -> float | None:
        """``current - baseline`` (negative = better); None without both."""
        if self.baseline is None or self.current is None:
            return None
        return self.current - self.baseline

    @property
    def percent(self) -> float | None:
        """The change as a percentage of the baseline; None without both, or with a baseline of 0."""
        points = self.points
        if points is None or self.baseline is None or self.baseline == 0:
            return None
        return 100 * points / self.baseline


def meaningful(baseline: float, current: float, rule: Rule) -> bool:
    """Whether the difference reaches the rule's points or percent threshold (either direction)."""
    change = abs(current - baseline)
    if rule.points is not None and change >= rule.points - 1e-9:
        return True
    return baseline > 0 and 100 * change / baseline >= rule.percent - 1e-9


def _judge(baseline: float, current: float, rule: Rule) -> Verdict:
    if not meaningful(baseline, current, rule):
        return Verdict.SMALL
    return Verdict.BETTER if current < baseline else Verdict.WORSE


def median(values: Sequence[float]) -> float:
    return float(statistics.median(values))


def mean(values: Sequence[float]) -> float:
    return statistics.fmean(values)


def change_from_baseline(
    daily: Mapping[date, float], today: date, rule: Rule, summarise: Callable[[Sequence[float]], float] = mean
) -> Change:
    """Baseline (the first BASELINE_DAYS days with data) against the last RECENT_DAYS calendar days.

    TOO_EARLY while the first data is less than MIN_SPAN_DAYS ago; SPARSE when the baseline has fewer than
    MIN_BASELINE_DAYS days or the last week fewer than MIN_RECENT_DAYS (both outside the baseline).
    """
    days = sorted(d for d in daily if d <= today)
    if not days:
        return Change(Verdict.NO_DATA)
    baseline_days = days[:BASELINE_DAYS]
    baseline = summarise([daily[d] for d in baseline_days])
    period = (baseline_days[0], baseline_days[-1])
    first_recent = today - timedelta(days=RECENT_DAYS - 1)
    recent_days = [d for d in days[BASELINE_DAYS:] if d >= first_recent]
    current = summarise([daily[d] for d in recent_days]) if recent_days else None
    common = {
        "baseline": baseline,
        "current": current,
        "baseline_days": len(baseline_days),
        "current_days": len(recent_days),
        "baseline_period": period,
    }
    if (today - days[0]).days + 1 < MIN_SPAN_DAYS:
        return Change(Verdict.TOO_EARLY, **common)  # type: ignore[arg-type]
    if len(baseline_days) < MIN_BASELINE_DAYS or len(recent_days) < MIN_RECENT_DAYS or current is None:
        return Change(Verdict.SPARSE, **common)  # type: ignore[arg-type]
    return Change(_judge(baseline, current, rule), **common)  # type: ignore[arg-type]


def peg_change(scores: Sequence[tuple[date, float]], rule: Rule = PEG_RULE) -> Change:
    """The first weekly PEG score (the baseline) against the latest; TOO_EARLY with fewer than two weeks apart."""
    ordered = sorted(scores)
    if not ordered:
        return Change(Verdict.NO_DATA)
    (first_day, baseline), (last_day, latest) = ordered[0], ordered[-1]
    if len(ordered) < 2 or (last_day - first_day).days < 7:
        return Change(Verdict.TOO_EARLY, baseline=baseline, baseline_days=1, baseline_period=(first_day, first_day))
    return Change(
        _judge(baseline, latest, rule),
        baseline=baseline,
        current=latest,
        baseline_days=1,
        current_days=1,
        baseline_period=(first_day, first_day),
    )


def peg_score(pain: int, enjoyment: int, activity: int) -> float:
    """The PEG score: the mean of its three 0-10 items."""
    return (pain + enjoyment + activity) / 3


def capped_minutes(minutes: int) -> int:
    return min(max(minutes, 0), STIFFNESS_CAP_MINUTES)


def weekly_medians(daily: Mapping[date, float], first: date, last: date) -> list[tuple[date, float | None]]:
    """For each 7-day block from `first` (its first day as the key) up to `last`: the median, or None if empty."""
    result: list[tuple[date, float | None]] = []
    start = first
    while start <= last:
        end = start + timedelta(days=6)
        values = [v for d, v in daily.items() if start <= d <= end]
        result.append((start, median(values) if values else None))
        start = end + timedelta(days=1)
    return result


def weekly_means(daily: Mapping[date, float], first: date, last: date) -> list[tuple[date, float | None]]:
    """Like `weekly_medians`, with means (for 0-10 ratings)."""
    result: list[tuple[date, float | None]] = []
    start = first
    while start <= last:
        end = start + timedelta(days=6)
        values = [v for d, v in daily.items() if start <= d <= end]
        result.append((start, mean(values) if values else None))
        start = end + timedelta(days=1)
    return result


ADHERENT_PERCENT = 80.0  # a common cut-off for "adherent" in exercise trials


@dataclass(frozen=True, slots=True)
class Adherence:
    done: int
    planned: int

    @property
    def percent(self) -> float | None:
        return 100 * self.done / self.planned if self.planned else None

    @property
    def adherent(self) -> bool:
        percent = self.percent
        return percent is not None and percent >= ADHERENT_PERCENT - 1e-9


def adherence(done_days: set[date], first: date, last: date, not_planned: set[date] | None = None) -> Adherence:
    """Days done of the days planned (one session a day) from `first` to `last`; `not_planned` days (paused) are
    left out of both counts."""
    if last < first:
        return Adherence(0, 0)
    excluded = not_planned or set()
    span = [first + timedelta(days=i) for i in range((last - first).days + 1)]
    planned = [d for d in span if d not in excluded]
    return Adherence(sum(1 for d in planned if d in done_days), len(planned))


def longest_streak(done_days: set[date], kept_days: set[date] | frozenset[date] = frozenset()) -> int:
    """The longest run of days done, counted as the current streak is (`stats.current_streak`): a day in
    `kept_days` (skipped with a reason, or paused) keeps the run alive but does not count."""
    best = run = 0
    previous: date | None = None
    for day in sorted(done_days | kept_days):
        if previous is None or day - previous != timedelta(days=1):
            run = 0
        run += day in done_days
        best = max(best, run)
        previous = day
    return best
