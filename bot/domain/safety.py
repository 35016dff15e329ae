"""The safety rule: when a before-rating is high enough to offer a check-in and the gentler variant.

A rating triggers the gentle check if it is at least `absolute`, or, once there are at least `min_history`
recent before-ratings to compare with, if it is at least `above_median` points above their median.
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class SafetyThresholds:
    above_median: float = 3
    absolute: float = 8
    min_history: int = 3


DEFAULT_THRESHOLDS = SafetyThresholds()


def needs_gentle_check(
    value: float, recent_before_values: Sequence[float], thresholds: SafetyThresholds = DEFAULT_THRESHOLDS
) -> bool:
    """True if `value` is high in absolute terms, or unusually high against the user's recent median."""
    if value >= thresholds.absolute:
        return True
    if len(recent_before_values) >= thresholds.min_history:
        return value >= statistics.median(recent_before_values) + thresholds.above_median
    return False
