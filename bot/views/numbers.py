"""Numbers as the user reads them: ratings (halves kept) and averages (one decimal at most)."""

from __future__ import annotations


def format_rating(value: float) -> str:
    """A 0-10 rating as people write it: ``7``, ``7.5``."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def format_points(value: float) -> str:
    """An average or a change in points, to one decimal without trailing zeros: ``2``, ``1.5``, ``0.3``."""
    return f"{value:.1f}".rstrip("0").rstrip(".")
