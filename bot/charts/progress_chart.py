"""The /progress chart: plain data in, PNG bytes out (matplotlib Agg, no pyplot, imported on first use).

Portrait and phone-sized (1080x1350 px) with large fonts. A subtitle anchors the 0-10 scale and says lower is
better. Top panel: the before and after ratings per day, ratings typed at other times, the 7-day average of the
before ratings, and a shaded band around the baseline (the first week) as wide as a meaningful change. Middle
panel (when there are answers): morning-stiffness minutes as bars. Bottom strip, labelled: each day done (dot),
skipped (cross, with the reason under it) or paused (grey bar). The window is chosen by the caller to fit the data.
Rendering is CPU work: the bot runs it in its render pool (`bot.charts.pool`, worker processes), so the data in
is a plain picklable dataclass. A lock keeps renders one at a time within a process, as matplotlib's font machinery
is not thread-safe.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

WIDTH_PX = 1080
HEIGHT_PX = 1350
DPI = 100
_LOCK = threading.Lock()

BEFORE_COLOR = "#d1495b"
AFTER_COLOR = "#00798c"
AVERAGE_COLOR = "#edae49"
ADHOC_COLOR = "#6c757d"
DONE_COLOR = "#2a9d8f"
SKIP_COLOR = "#8d99ae"
PAUSE_COLOR = "#ced4da"
BAND_COLOR = "#b7e4c7"
MINUTES_COLOR = "#7b6d8d"


@dataclass(frozen=True, slots=True)
class ChartLabels:
    title: str
    axis: str
    before: str
    after: str
    average: str
    done: str
    skipped: str
    subtitle: str = ""
    adhoc: str = ""
    paused: str = ""
    strip: str = ""
    minutes_axis: str = ""
    band: str = ""
    ahead: str = ""  # written over the days after today, when the window runs on past it


@dataclass(frozen=True, slots=True)
class ChartData:
    days: Sequence[date]  # oldest first; the x axis
    before: Mapping[date, float]
    after: Mapping[date, float]
    average_before: Mapping[date, float]
    done: frozenset[date]
    skipped: Mapping[date, str]  # local date -> the reason as shown (may be empty)
    tick_labels: Mapping[date, str]  # which days get an x label, and the label
    labels: ChartLabels
    adhoc: Mapping[date, Sequence[float]] = field(default_factory=dict)  # ratings typed at other times
    minutes: Mapping[date, float] = field(default_factory=dict)  # morning-stiffness minutes
    paused: frozenset[date] = frozenset()
    band: tuple[float, float, float] | None = None  # (low, baseline, high): no meaningful change in between
    today: date | None = None  # marked when the window runs on past it (a new user's week ahead)


def _fitted(size: float, text: str, chars: int) -> float:
    """A font size that fits `text` where `chars` characters fit (labels are longer in some languages)."""
    return size * min(1.0, chars / max(len(text), 1))


def _legend_fit(labels: list[str], chars: int = 50) -> float:
    """How much to shrink the legend's font so its three columns fit the width (longer labels in some languages)."""
    rows = -(-len(labels) // 3)
    columns = [labels[i : i + rows] for i in range(0, len(labels), rows)] if rows else []
    total = sum(max(len(label) for label in column) for column in columns if column)
    return min(1.0, chars / max(total, 1))


def _series(data: ChartData, values: Mapping[date, float]) -> tuple[list[int], list[float]]:
    xs = [i for i, day in enumerate(data.days) if day in values]
    return xs, [values[data.days[i]] for i in xs]


def _broken(xs: list[int], ys: list[float], max_step: int = 1) -> tuple[list[float], list[float]]:
    """The series with a gap (NaN) wherever more than `max_step` days apart: a line never joins across a gap."""
    out_x: list[float] = []
    out_y: list[float] = []
    for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
        if i and x - xs[i - 1] > max_step:
            out_x.append(x - 0.5)
            out_y.append(float("nan"))
        out_x.append(x)
        out_y.append(y)
    return out_x, out_y


def render_progress_png(data: ChartData) -> bytes:
    """The chart as PNG bytes, exactly WIDTH_PX x HEIGHT_PX."""
    with _LOCK:
        figure = draw(data, WIDTH_PX / DPI, HEIGHT_PX / DPI)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
        return buffer.getvalue()


def draw(data: ChartData, width_in: float, height_in: float, *, scale: float = 1.0, header: bool = True) -> Any:
    """The chart as a matplotlib Figure (also placed on the /report page). `scale` shrinks the fonts."""
    # Imported here, not at the top: matplotlib costs ~40 MB and is only needed when a chart is drawn.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(width_in, height_in), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    draw_into(figure, data, scale=scale, header=header, top=0.8 if header else 0.9)
    return figure


def draw_into(figure: Any, data: ChartData, *, scale: float, header: bool, top: float, bottom: float = 0.06) -> None:
    """Draw the panels into `figure` between `top` and `bottom` (figure fractions)."""
    labels = data.labels
    has_minutes = bool(data.minutes)
    ratios = (5, 1.6, 1.1) if has_minutes else (5, 1.1)
    grid = figure.add_gridspec(
        len(ratios), 1, height_ratios=ratios, hspace=0.12, left=0.12, right=0.95, top=top, bottom=bottom
    )
    ratings = figure.add_subplot(grid[0])
    minutes = figure.add_subplot(grid[1], sharex=ratings) if has_minutes else None
    strip = figure.add_subplot(grid[-1], sharex=ratings)
    if header:
        figure.text(0.5, 0.972, labels.title, ha="center", va="top", fontsize=32 * scale, fontweight="bold")
        figure.text(0.5, 0.925, labels.subtitle, ha="center", va="top", fontsize=19 * scale, color="#343a40")

    count = len(data.days)
    handles = []
    if data.band is not None:
        low, baseline, high = data.band
        band = ratings.axhspan(low, high, color=BAND_COLOR, alpha=0.45, zorder=0, label=labels.band, linewidth=0)
        ratings.axhline(baseline, color="#40916c", linestyle="--", linewidth=2, zorder=1)
        handles.append(band)
    xs, ys = _broken(*_series(data, data.average_before), max_step=3)
    (average_line,) = ratings.plot(xs, ys, color=AVERAGE_COLOR, linewidth=7, alpha=0.85, label=labels.average, zorder=2)
    xs, ys = _broken(*_series(data, data.before))
    marker = (13 if count <= 31 else 9) * scale
    (before_line,) = ratings.plot(
        xs, ys, color=BEFORE_COLOR, marker="o", markersize=marker, linewidth=2.5, label=labels.before, zorder=3
    )
    xs, ys = _broken(*_series(data, data.after))
    (after_line,) = ratings.plot(
        xs, ys, color=AFTER_COLOR, marker="s", markersize=marker * 0.92, linewidth=2.5, label=labels.after, zorder=4
    )
    handles = [before_line, after_line, *([average_line] if len(data.average_before) > 1 else []), *handles]
    adhoc_points = [(i, v) for i, day in enumerate(data.days) for v in data.adhoc.get(day, ())]
    if adhoc_points:
        adhoc = ratings.scatter(
            [p[0] for p in adhoc_points], [p[1] for p in adhoc_points], s=150 * scale**2, marker="D",
            color=ADHOC_COLOR, label=labels.adhoc, zorder=5,
        )  # fmt: skip
        handles.append(adhoc)
    ratings.set_ylim(-0.5, 10.5)
    ratings.set_yticks(range(0, 11, 2))
    ratings.set_xlim(-0.7, count - 0.3)
    ratings.set_ylabel(labels.axis, fontsize=22 * scale)
    ratings.tick_params(axis="y", labelsize=20 * scale)
    ratings.tick_params(axis="x", labelbottom=False)
    ratings.grid(True, axis="y", alpha=0.35)
    for side in ("top", "right"):
        ratings.spines[side].set_visible(False)

    if minutes is not None:
        bar_x, bar_y = _series(data, data.minutes)
        minutes.bar(bar_x, bar_y, width=0.7, color=MINUTES_COLOR, alpha=0.85)
        minutes.set_ylim(0, 125)
        minutes.set_yticks([0, 60, 120])
        minutes.set_ylabel(labels.minutes_axis, fontsize=17 * scale)
        minutes.tick_params(axis="y", labelsize=17 * scale)
        minutes.tick_params(axis="x", labelbottom=False)
        minutes.grid(True, axis="y", alpha=0.35)
        for side in ("top", "right"):
            minutes.spines[side].set_visible(False)

    paused_x = [i for i, day in enumerate(data.days) if day in data.paused]
    strip.bar(paused_x, 0.9, bottom=0.55, width=1.0, color=PAUSE_COLOR, linewidth=0, zorder=1)
    done_x = [i for i, day in enumerate(data.days) if day in data.done]
    skip_x = [i for i, day in enumerate(data.days) if day in data.skipped]
    size = (240 if count <= 31 else 110) * scale**2
    done = strip.scatter(done_x, [1] * len(done_x), s=size, color=DONE_COLOR, label=labels.done, zorder=3)
    skipped = strip.scatter(
        skip_x, [1] * len(skip_x), s=size, marker="X", color=SKIP_COLOR, label=labels.skipped, zorder=3
    )
    from matplotlib.patches import Patch

    paused = Patch(color=PAUSE_COLOR, label=labels.paused)
    handles += [done, *([skipped] if skip_x else []), *([paused] if data.paused else [])]
    if data.today is not None and data.today in data.days and data.today != data.days[-1]:
        x = data.days.index(data.today) + 0.5
        for axes in (ratings, strip, *([minutes] if minutes is not None else [])):
            axes.axvline(x, color="#adb5bd", linestyle=":", linewidth=2, zorder=0)
        if labels.ahead:
            ratings.text(
                (x + count - 0.5) / 2, 9.2, labels.ahead, ha="center", va="top", fontsize=19 * scale,
                color="#6c757d", wrap=True,
            )  # fmt: skip
    figure.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.53, top + (0.11 if header else 0.095)),
        ncol=3,
        fontsize=17 * scale * _legend_fit([str(h.get_label()) for h in handles]),
        frameon=False,
        columnspacing=1.2,
        handletextpad=0.4,
    )
    for x in skip_x:
        reason = data.skipped[data.days[x]]
        if reason:
            size = _fitted(12 * scale, reason, 8)
            strip.text(x, 0.45, reason, rotation=90, ha="center", va="top", fontsize=size, color="#4a4e69")
    strip.set_ylim(-1.8 if any(data.skipped.values()) else 0.2, 1.6)
    strip.set_yticks([1], [labels.strip])
    strip.tick_params(axis="y", labelsize=_fitted(17 * scale, labels.strip, 9), length=0)
    for side in ("top", "right", "left"):
        strip.spines[side].set_visible(False)
    ticks = [i for i, day in enumerate(data.days) if day in data.tick_labels]
    strip.set_xticks(ticks, [data.tick_labels[data.days[i]] for i in ticks])
    strip.tick_params(axis="x", labelsize=18 * scale)
