"""The /progress chart: a valid PNG of the expected size, drawn from the data it is given."""

from __future__ import annotations

import io
import struct
import zlib
from datetime import date, timedelta

import pytest

from bot.charts.progress_chart import HEIGHT_PX, WIDTH_PX, ChartData, ChartLabels, render_progress_png

DAYS = tuple(date(2026, 2, 1) + timedelta(days=i) for i in range(30))
LABELS = ChartLabels("Back stiffness", "Stiffness (0–10)", "Before", "After", "Average", "Done", "Skipped")


def data(before: dict[date, float], after: dict[date, float] | None = None, **kwargs: object) -> ChartData:
    values: dict[str, object] = {
        "days": DAYS,
        "before": before,
        "after": after or {},
        "average_before": {},
        "done": frozenset(),
        "skipped": {},
        "tick_labels": {DAYS[-1]: "2 Mar", DAYS[-8]: "23 Feb"},
        "labels": LABELS,
    }
    values.update(kwargs)
    return ChartData(**values)  # type: ignore[arg-type]


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    length, kind = struct.unpack(">I4s", png[8:16])
    assert (length, kind) == (13, b"IHDR")
    width, height = struct.unpack(">II", png[16:24])
    return width, height


def pixels(png: bytes) -> bytes:
    """The decompressed image data (all IDAT chunks), to compare images without an image library."""
    stream = io.BytesIO(png[8:])
    chunks = []
    while True:
        header = stream.read(8)
        if len(header) < 8:
            break
        length, kind = struct.unpack(">I4s", header)
        body = stream.read(length)
        stream.read(4)
        if kind == b"IDAT":
            chunks.append(body)
    return zlib.decompress(b"".join(chunks))


def test_the_chart_is_a_phone_sized_png() -> None:
    png = render_progress_png(data({DAYS[-1]: 6}, {DAYS[-1]: 4}))
    assert png_size(png) == (WIDTH_PX, HEIGHT_PX) == (1080, 1350)
    assert png.endswith(b"IEND\xaeB`\x82")


def test_different_data_draws_different_pixels_and_same_data_the_same() -> None:
    week = {DAYS[-i]: float(i % 10) for i in range(1, 8)}
    first = render_progress_png(data(week))
    again = render_progress_png(data(week))
    other = render_progress_png(data({day: 10 - v for day, v in week.items()}))
    assert pixels(first) == pixels(again)
    assert pixels(first) != pixels(other)


def test_done_skipped_and_average_are_drawn() -> None:
    base = data({DAYS[-1]: 5})
    marked = data(
        {DAYS[-1]: 5},
        average_before={DAYS[-1]: 5.0, DAYS[-2]: 6.0},
        done=frozenset({DAYS[-1]}),
        skipped={DAYS[-3]: "travelling", DAYS[-4]: ""},
    )
    assert pixels(render_progress_png(base)) != pixels(render_progress_png(marked))


def test_empty_and_full_extremes_render() -> None:
    full = dict.fromkeys(DAYS, 10.0)
    zero = dict.fromkeys(DAYS, 0.0)
    for chart in (data({}), data(full, zero, average_before=full, done=frozenset(DAYS))):
        assert png_size(render_progress_png(chart)) == (WIDTH_PX, HEIGHT_PX)


def test_outcome_layers_are_drawn() -> None:
    from bot.domain.outcomes import Change, Verdict
    from bot.views.progress import baseline_band

    base = data({DAYS[-1]: 5})
    layered = data(
        {DAYS[-1]: 5},
        adhoc={DAYS[-2]: [6.5]},
        minutes={DAYS[-1]: 45.0, DAYS[-3]: 120.0},
        paused=frozenset({DAYS[-5], DAYS[-6]}),
        band=(4.0, 6.0, 8.0),
        today=DAYS[-4],
    )
    assert pixels(render_progress_png(base)) != pixels(render_progress_png(layered))
    assert png_size(render_progress_png(layered)) == (WIDTH_PX, HEIGHT_PX)
    # The band: 2 points or 30%, whichever is less, around the baseline; none before the baseline has its days.
    assert baseline_band(Change(Verdict.BETTER, baseline=6.0, baseline_days=7)) == pytest.approx((4.2, 6.0, 7.8))
    assert baseline_band(Change(Verdict.BETTER, baseline=8.0, baseline_days=7)) == (6.0, 8.0, 10.0)
    assert baseline_band(Change(Verdict.BETTER, baseline=3.0, baseline_days=7)) == pytest.approx((2.1, 3.0, 3.9))
    assert baseline_band(Change(Verdict.TOO_EARLY, baseline=3.0, baseline_days=2)) is None
