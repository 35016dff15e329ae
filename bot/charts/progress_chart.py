"""The /progress chart: plain data in, PNG bytes out (matplotlib Agg, no pyplot, imported on first use).

Portrait and phone-sized (1080x1350 px) with large fonts: the top panel shows the before and after ratings per
day and the 7-day average of the before ratings on the 0-10 scale; the strip below marks each day done (filled
dot) or skipped (cross, with the reason written under it). Rendering is CPU work: call it off the event loop
(`asyncio.to_thread`). A lock keeps renders one at a time, as matplotlib's font machinery is not thread-safe.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    pass

WIDTH_PX = 1080
HEIGHT_PX = 1350
DPI = 100
_LOCK = threading.Lock()

BEFORE_COLOR = "#d1495b"
AFTER_COLOR = "#00798c"
AVERAGE_COLOR = "#edae49"
DONE_COLOR = "#2a9d8f"
SKIP_COLOR = "#8d99ae"
TYPED_COLOR = "#9b5de5"
PAUSED_COLOR = "#cfd8e3"


@dataclass(frozen=True, slots=True)
class ChartLabels:
    title: str
    axis: str
    before: str
    after: str
    average: str
    done: str
    skipped: str
    typed: str = "Typed"
    paused: str = "Paused"


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
    typed: Mapping[date, float] = field(default_factory=dict)  # ratings typed on their own (mean per day)
    paused: frozenset[date] = frozenset()  # days inside a /pause (not in `skipped`)


def _series(data: ChartData, values: Mapping[date, float]) -> tuple[list[int], list[float]]:
    xs = [i for i, day in enumerate(data.days) if day in values]
    return xs, [values[data.days[i]] for i in xs]


def render_progress_png(data: ChartData) -> bytes:
    """The chart as PNG bytes, exactly WIDTH_PX x HEIGHT_PX."""
    with _LOCK:
        return _render(data)


def _render(data: ChartData) -> bytes:
    labels = data.labels
    # Imported here, not at the top: matplotlib costs ~40 MB and is only needed when a chart is drawn.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor="white")
    FigureCanvasAgg(figure)
    grid = figure.add_gridspec(2, 1, height_ratios=(5, 1.3), hspace=0.08, left=0.11, right=0.94, top=0.8, bottom=0.07)
    ratings = figure.add_subplot(grid[0])
    strip = figure.add_subplot(grid[1], sharex=ratings)
    figure.suptitle(labels.title, fontsize=34, fontweight="bold", y=0.975)

    count = len(data.days)
    xs, ys = _series(data, data.average_before)
    ratings.plot(xs, ys, color=AVERAGE_COLOR, linewidth=7, alpha=0.85, label=labels.average, zorder=2)
    xs, ys = _series(data, data.before)
    ratings.plot(xs, ys, color=BEFORE_COLOR, marker="o", markersize=13, linewidth=2.5, label=labels.before, zorder=3)
    xs, ys = _series(data, data.after)
    ratings.plot(xs, ys, color=AFTER_COLOR, marker="s", markersize=12, linewidth=2.5, label=labels.after, zorder=4)
    xs, ys = _series(data, data.typed)
    ratings.plot(xs, ys, color=TYPED_COLOR, marker="D", markersize=12, linestyle="none", label=labels.typed, zorder=5)
    ratings.set_ylim(-0.5, 10.5)
    ratings.set_yticks(range(0, 11, 2))
    ratings.set_xlim(-0.7, count - 0.3)
    ratings.set_ylabel(labels.axis, fontsize=24)
    ratings.tick_params(axis="y", labelsize=22)
    ratings.tick_params(axis="x", labelbottom=False)
    ratings.grid(True, axis="y", alpha=0.35)
    for side in ("top", "right"):
        ratings.spines[side].set_visible(False)

    done_x = [i for i, day in enumerate(data.days) if day in data.done]
    skip_x = [i for i, day in enumerate(data.days) if day in data.skipped]
    done = strip.scatter(done_x, [1] * len(done_x), s=260, color=DONE_COLOR, label=labels.done, zorder=3)
    paused_x = [i for i, day in enumerate(data.days) if day in data.paused]
    for x in paused_x:
        ratings.axvspan(x - 0.5, x + 0.5, color=PAUSED_COLOR, alpha=0.35, linewidth=0, zorder=1)
    paused = strip.scatter(
        paused_x, [1] * len(paused_x), s=200, marker="s", color=PAUSED_COLOR, label=labels.paused, zorder=3
    )
    skipped = strip.scatter(
        skip_x, [1] * len(skip_x), s=260, marker="X", color=SKIP_COLOR, label=labels.skipped, zorder=3
    )
    average_line, before_line, after_line, typed_line = ratings.get_lines()
    handles = [before_line, after_line, done, average_line, skipped]
    if data.typed:
        handles.insert(2, typed_line)
    if data.paused:
        handles.append(paused)
    figure.legend(
        handles=handles,
        loc="upper center",
        bbox_to_anchor=(0.53, 0.925),
        ncol=2 if len(handles) <= 6 else 3,
        fontsize=22 if len(handles) <= 6 else 20,
        frameon=False,
        columnspacing=1.5 if len(handles) <= 6 else 0.9,
        handletextpad=0.5,
    )
    for x in skip_x:
        reason = data.skipped[data.days[x]]
        if reason:
            strip.text(x, 0.55, reason, rotation=90, ha="center", va="top", fontsize=13, color="#4a4e69")
    strip.set_ylim(-1.6, 1.6)
    strip.set_yticks([])
    for side in ("top", "right", "left"):
        strip.spines[side].set_visible(False)
    ticks = [i for i, day in enumerate(data.days) if day in data.tick_labels]
    strip.set_xticks(ticks, [data.tick_labels[data.days[i]] for i in ticks])
    strip.tick_params(axis="x", labelsize=20)

    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
    return buffer.getvalue()
