"""The one-page /report for a physio: plain data in, an A4 PDF (text selectable: TrueType fonts) and the same page
as a PNG out (matplotlib, imported on first use).

Laid out to be read in a minute, top to bottom: who and when; baseline vs now for each measure with its
meaningful-change verdict; the weekly trends (before/after ratings, stiffness minutes); then adherence, left vs
right, safety events and the routine side by side; a disclaimer at the foot. Rendering is CPU work: the bot runs
it in its render pool (`bot.charts.pool`, worker processes), so the page is plain picklable data; it shares the
chart's lock (matplotlib's font machinery is not thread-safe).
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from bot.charts.progress_chart import _LOCK, AFTER_COLOR, BEFORE_COLOR, MINUTES_COLOR

A4_INCHES = (8.27, 11.69)
PNG_DPI = 130  # 1075 x 1520 px
VERDICT_COLORS = {"better": "#2d6a4f", "worse": "#c1121f"}
INK = "#212529"
MUTED = "#6c757d"


@dataclass(frozen=True, slots=True)
class MeasureRow:
    cells: tuple[str, str, str, str, str]  # measure, start, now, change, verdict
    tone: str = ""  # "better" | "worse" | "" (neutral)


@dataclass(frozen=True, slots=True)
class WeeklySeries:
    labels: Sequence[str]  # one per week
    before: Sequence[float | None]
    after: Sequence[float | None]
    minutes: Sequence[float | None]
    before_label: str
    after_label: str
    minutes_label: str
    ratings_axis: str
    minutes_axis: str


@dataclass(frozen=True, slots=True)
class ReportPage:
    title: str
    subtitle: str
    table_title: str
    table_header: tuple[str, str, str, str, str]
    rows: tuple[MeasureRow, ...]
    table_note: str
    weekly_title: str
    weekly: WeeklySeries
    boxes: tuple[tuple[str, tuple[str, ...]], ...]  # (heading, lines), laid out two by two
    disclaimer: str


def render_report(page: ReportPage) -> tuple[bytes, bytes]:
    """(PDF bytes, PNG bytes) of the page."""
    import matplotlib

    with _LOCK, matplotlib.rc_context({"pdf.fonttype": 42, "font.family": "DejaVu Sans"}):
        figure = _draw(page)
        pdf, png = io.BytesIO(), io.BytesIO()
        figure.savefig(
            pdf,
            format="pdf",
            facecolor="white",
            metadata={"Title": page.title, "Creator": "stretchbot", "CreationDate": None},
        )
        figure.savefig(png, format="png", dpi=PNG_DPI, facecolor="white")
        return pdf.getvalue(), png.getvalue()


def _width(text: str, size: float, *, bold: bool = False) -> float:
    """How wide `text` is drawn, in points."""
    from matplotlib.font_manager import FontProperties
    from matplotlib.textpath import TextToPath

    prop = FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")
    width, _height, _descent = TextToPath().get_text_width_height_descent(text or " ", prop, ismath=False)
    return float(width)


_LATIN = "the quick brown fox jumps over the lazy dog, then rests"


def _wrap(text: str, chars: int) -> list[str]:
    """Lines of `text` as wide as `chars` characters of English: fewer characters in scripts with wider letters
    (Cyrillic), so a translated text stays on the page."""
    latin = _width(_LATIN, 10) / len(_LATIN)
    own = _width(text, 10) / max(len(text), 1)
    return textwrap.wrap(text, max(20, min(chars, int(chars * latin / own)))) if text else []


def _nan(values: Sequence[float | None]) -> list[float]:
    return [math.nan if v is None else v for v in values]


def _draw(page: ReportPage) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=A4_INCHES, facecolor="white")
    FigureCanvasAgg(figure)
    left, right = 0.07, 0.93
    figure.text(left, 0.965, page.title, fontsize=19, fontweight="bold", color=INK, va="top")
    figure.text(left, 0.935, page.subtitle, fontsize=10.5, color=MUTED, va="top")

    # Baseline vs now.
    y = 0.895
    figure.text(left, y, page.table_title, fontsize=13, fontweight="bold", color=INK, va="top")
    columns = (left, 0.33, 0.43, 0.53, 0.69)
    y -= 0.03
    for x, text in zip(columns, page.table_header, strict=True):
        figure.text(x, y, text, fontsize=9, color=MUTED, va="top", fontweight="bold")
    figure.add_artist(_line(figure, left, right, y - 0.018))
    for row in page.rows:
        y -= 0.027
        for index, (x, text) in enumerate(zip(columns, row.cells, strict=True)):
            color = VERDICT_COLORS.get(row.tone, INK) if index == 4 else INK
            weight = "bold" if index in (0, 4) else "normal"
            room = ((columns[index + 1] if index + 1 < len(columns) else right + 0.05) - x - 0.01) * A4_INCHES[0] * 72
            size = 9.5 * min(1.0, room / _width(text, 9.5, bold=weight == "bold"))  # longer in some languages
            figure.text(x, y, text, fontsize=size, color=color, va="top", fontweight=weight)
    y -= 0.03
    note = _wrap(page.table_note, 125)
    figure.text(left, y, "\n".join(note), fontsize=8, color=MUTED, va="top", linespacing=1.4)

    # Weekly trends.
    y -= 0.016 * len(note) + 0.03
    figure.text(left, y, page.weekly_title, fontsize=13, fontweight="bold", color=INK, va="top")
    chart_top = y - 0.05
    axes = figure.add_axes((left + 0.05, chart_top - 0.2, right - left - 0.12, 0.2))
    weekly = page.weekly
    xs = list(range(len(weekly.labels)))
    axes.plot(xs, _nan(weekly.before), color=BEFORE_COLOR, marker="o", linewidth=2, label=weekly.before_label)
    axes.plot(xs, _nan(weekly.after), color=AFTER_COLOR, marker="s", linewidth=2, label=weekly.after_label)
    axes.set_ylim(0, 10)
    axes.set_yticks(range(0, 11, 2))
    height = 0.2 * A4_INCHES[1] * 72  # the axes' height in points: a longer axis label gets a smaller font
    axes.set_ylabel(weekly.ratings_axis, fontsize=8.5 * min(1.0, height / _width(weekly.ratings_axis, 8.5)))
    axes.tick_params(labelsize=8)
    step = max(1, math.ceil(len(xs) / 10))
    axes.set_xticks(xs[::step], list(weekly.labels)[::step])
    axes.set_xlim(-0.5, max(len(xs), 4) - 0.5)  # a first week is not one bar across the page
    axes.grid(True, axis="y", alpha=0.3)
    axes.spines["top"].set_visible(False)
    minutes = axes.twinx()
    minutes.bar(xs, _nan(weekly.minutes), width=0.5, color=MINUTES_COLOR, alpha=0.3, label=weekly.minutes_label)
    minutes.set_ylim(0, 125)
    minutes.set_ylabel(weekly.minutes_axis, fontsize=8.5 * min(1.0, height / _width(weekly.minutes_axis, 8.5)))
    minutes.tick_params(labelsize=8)
    minutes.spines["top"].set_visible(False)
    minutes.set_zorder(axes.get_zorder() - 1)
    axes.patch.set_visible(False)
    from matplotlib.patches import Patch

    handles = [*axes.get_lines(), Patch(color=MINUTES_COLOR, alpha=0.3, label=weekly.minutes_label)]
    axes.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, 1.13), ncol=3, fontsize=8, frameon=False)

    # The fact boxes, two by two.
    y = chart_top - 0.27
    box_width = (right - left) / 2
    for row_start in range(0, len(page.boxes), 2):
        lowest = y
        for column, (heading, lines) in enumerate(page.boxes[row_start : row_start + 2]):
            x = left + column * box_width
            figure.text(x, y, heading, fontsize=11.5, fontweight="bold", color=INK, va="top")
            line_y = y - 0.025
            for line in (part for text in lines for part in _wrap(text, 54)):
                figure.text(x, line_y, line, fontsize=9, color=INK, va="top")
                line_y -= 0.019
            lowest = min(lowest, line_y)
        y = lowest - 0.015

    figure.add_artist(_line(figure, left, right, 0.06))
    disclaimer = "\n".join(_wrap(page.disclaimer, 128))
    figure.text(left, 0.052, disclaimer, fontsize=7.5, color=MUTED, va="top", linespacing=1.4)
    return figure


def _line(figure: Any, x0: float, x1: float, y: float) -> Any:
    from matplotlib.lines import Line2D

    return Line2D([x0, x1], [y, y], transform=figure.transFigure, color="#dee2e6", linewidth=1)
