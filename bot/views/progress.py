"""Rendering /progress (the chart's data and labels, the summary caption) and /history."""

from __future__ import annotations

from bot.charts.progress_chart import ChartData, ChartLabels
from bot.content.loader import Content
from bot.domain import outcomes
from bot.services.progress import (
    HISTORY_DAYS,
    AdhocEntry,
    HistoryDay,
    HistoryEntry,
    PainEntry,
    ProgressReport,
    SessionEntry,
    SkipEntry,
)
from bot.services.skips import PAUSED
from bot.ui.message import Attachment, OutgoingMessage, Reply
from bot.views.calendar import clock, day_month, short_date
from bot.views.numbers import format_points, format_rating
from bot.views.outcomes import change_lines

KNOWN_REASONS = frozenset({"flare_up", "travelling", "ill", "no_time", "other"})
SAME = 0.25  # changes smaller than this read as "about the same"


def reason_label(content: Content, reason: str | None) -> str:
    if reason is None:
        return content.texts.render("progress.reason_none")
    if reason in KNOWN_REASONS:
        return content.texts.render(f"progress.reason_{reason}")
    return reason.replace("_", " ")


def start_of(content: Content, report: ProgressReport) -> str:
    """The first day of the report's window, as read ("2 Mar")."""
    return day_month(report.days[0], content.formats)


def baseline_band(change: outcomes.Change) -> tuple[float, float, float] | None:
    """(low, baseline, high): the range around the baseline within which a change is not meaningful (2 points or
    30%, whichever is less, each way); None until the baseline has its days."""
    if change.baseline is None or change.baseline_days < outcomes.MIN_BASELINE_DAYS:
        return None
    baseline = change.baseline
    width = min(2.0, 0.3 * baseline) if baseline > 0 else 2.0
    return max(0.0, baseline - width), baseline, min(10.0, baseline + width)


def chart_data(content: Content, report: ProgressReport) -> ChartData:
    texts = content.texts
    labels = ChartLabels(
        title=texts.render("progress.chart_title", start=start_of(content, report)),
        subtitle=texts.render("progress.chart_subtitle"),
        axis=texts.render("progress.chart_axis"),
        before=texts.render("progress.chart_before"),
        after=texts.render("progress.chart_after"),
        average=texts.render("progress.chart_average"),
        done=texts.render("progress.chart_done"),
        skipped=texts.render("progress.chart_skipped"),
        adhoc=texts.render("progress.chart_adhoc"),
        paused=texts.render("progress.chart_paused"),
        strip=texts.render("progress.chart_strip"),
        minutes_axis=texts.render("progress.chart_minutes_axis"),
        band=texts.render("progress.chart_band"),
        ahead=texts.render("progress.chart_ahead"),
    )
    # A label every week (two weeks for a long window) from the first day on, and today's.
    step = 7 if len(report.days) <= 35 else 14
    ticks = {day: day_month(day, content.formats) for day in report.days[::step]}
    if all(abs((report.today - day).days) >= step / 2 for day in ticks):
        ticks[report.today] = day_month(report.today, content.formats)
    return ChartData(
        days=report.days,
        before=report.before,
        after=report.after,
        average_before=report.average_before,
        done=report.done,
        skipped={
            day: reason_label(content, reason) if reason else ""
            for day, reason in report.skipped.items()
            if reason != PAUSED
        },
        paused=report.paused | frozenset(day for day, reason in report.skipped.items() if reason == PAUSED),
        tick_labels=ticks,
        labels=labels,
        adhoc=report.adhoc,
        minutes=report.minutes,
        band=baseline_band(report.before_change),
        today=report.today,
    )


def summary(content: Content, report: ProgressReport) -> str:
    texts = content.texts
    lines = [texts.render("progress.title", start=start_of(content, report))]
    if report.streak == 0:
        lines.append(texts.render("progress.streak_none"))
    else:
        lines.append(texts.render("progress.streak", days=report.streak))
    lines.append(texts.render("progress.week", done=report.done_this_week))
    change, sessions = report.average_change, report.change_sessions
    if change is None:
        lines.append(texts.render("progress.change_none"))
    elif change <= -SAME:
        lines.append(
            texts.render("progress.change_looser", amount=format_points(-change, content.formats), sessions=sessions)
        )
    elif change >= SAME:
        lines.append(
            texts.render("progress.change_stiffer", amount=format_points(change, content.formats), sessions=sessions)
        )
    else:
        lines.append(texts.render("progress.change_same", sessions=sessions))
    trend = report.trend
    if (
        trend.delta is not None
        and trend.this_week_avg_before is not None
        and trend.previous_week_avg_before is not None
    ):
        this_week, last_week = (
            format_points(trend.this_week_avg_before, content.formats),
            format_points(trend.previous_week_avg_before, content.formats),
        )
        if trend.delta <= -SAME:
            lines.append(texts.render("progress.trend_down", this_week=this_week, last_week=last_week))
        elif trend.delta >= SAME:
            lines.append(texts.render("progress.trend_up", this_week=this_week, last_week=last_week))
        else:
            lines.append(texts.render("progress.trend_same", this_week=this_week))
    if report.tighter_side == "same":
        lines.append(texts.render("progress.side_same"))
    elif report.tighter_side is not None:
        lines.append(texts.render("progress.side", side=texts.render(f"progress.side_{report.tighter_side}")))
    reasons = {reason: n for reason, n in report.skip_reasons.items() if reason and reason != PAUSED}
    if reasons:
        listed = ", ".join(
            reason_label(content, reason) + (f" ×{count}" if count > 1 else "") for reason, count in reasons.items()
        )
        lines.append(texts.render("progress.skips", reasons=listed))
    before, after, typed = report.counts
    if before or after or typed:
        lines.append(texts.render("progress.sources", before=before, after=after, typed=typed))
    paused = report.skip_reasons.get(PAUSED, 0)
    if paused:
        lines.append(texts.render("progress.paused", days=paused))
    pain = len(report.pain_days)
    if pain:
        lines.append(texts.render("progress.pain", days=pain))
    return "\n".join(lines)


def baseline_text(content: Content, report: ProgressReport) -> str | None:
    """The change from baseline, measure by measure (a message of its own: a photo caption holds 1024 characters)."""
    lines = change_lines(content, report.today, report.before_change, report.minutes_change, report.peg_change)
    return "\n".join(lines) if lines else None


def progress_message(content: Content, report: ProgressReport, chart_png: bytes) -> Reply:
    """The chart with the summary as its caption, then the change from baseline."""
    chart = OutgoingMessage(
        summary(content, report), attachment=Attachment("photo", f"progress-{report.today}.png", chart_png)
    )
    baseline = baseline_text(content, report)
    return Reply.of(chart, OutgoingMessage(baseline)) if baseline else Reply.of(chart)


def no_data(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("progress.no_data"))


def _entry(content: Content, entry: HistoryEntry) -> str:
    texts = content.texts
    if isinstance(entry, SessionEntry):
        missing = texts.render("history.no_value")
        before = format_rating(entry.before, content.formats) if entry.before is not None else missing
        after = format_rating(entry.after, content.formats) if entry.after is not None else missing
        return texts.render("history.session_gentle" if entry.gentle else "history.session", before=before, after=after)
    if isinstance(entry, AdhocEntry):
        return texts.render(
            "history.adhoc",
            value=format_rating(entry.value, content.formats),
            time=clock(entry.local_time, content.formats),
        )
    if isinstance(entry, SkipEntry) and entry.reason == PAUSED:
        return texts.render("history.paused")
    if isinstance(entry, PainEntry):
        return texts.render(f"history.{entry.kind}")
    return texts.render("history.skipped", reason=reason_label(content, entry.reason))


def history(content: Content, days: list[HistoryDay]) -> OutgoingMessage:
    texts = content.texts
    if not days:
        return OutgoingMessage(texts.render("history.empty", days=HISTORY_DAYS))
    lines = [texts.render("history.title", days=HISTORY_DAYS), ""]
    for day in days:
        entries = " · ".join(_entry(content, entry) for entry in day.entries)
        lines.append(texts.render("history.day", date=short_date(day.day, content.formats), entries=entries))
    lines += ["", texts.render("history.footer")]
    return OutgoingMessage("\n".join(lines))
