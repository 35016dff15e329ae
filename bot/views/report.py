"""Rendering /report: the period question, and the report's facts as a `ReportPage` for `bot.charts.report_page`
(every word from `content/`), then the PDF and PNG as documents."""

from __future__ import annotations

from datetime import date

from bot.charts.report_page import MeasureRow, ReportPage, WeeklySeries
from bot.content.loader import Content
from bot.domain import outcomes
from bot.domain.coaching import prescribed
from bot.services.report import PERIODS, ReportFacts
from bot.ui.callbacks_report import ReportPeriod
from bot.ui.message import Attachment, Button, OutgoingMessage, Reply
from bot.views.calendar import day_month, full_date
from bot.views.numbers import format_percent, format_points
from bot.views.progress import reason_label

MIN_ADHERENCE_DAYS = 7  # fewer planned days: too early to call it adherent or not
VERDICTS = {
    outcomes.Verdict.BETTER: "report.verdict_better",
    outcomes.Verdict.WORSE: "report.verdict_worse",
    outcomes.Verdict.SMALL: "report.verdict_small",
    outcomes.Verdict.TOO_EARLY: "report.verdict_too_early",
    outcomes.Verdict.SPARSE: "report.verdict_sparse",
    outcomes.Verdict.NO_DATA: "report.verdict_none",
}


def ask_period(content: Content) -> OutgoingMessage:
    texts = content.texts
    keys = {28: "report.button_28", 90: "report.button_90", 0: "report.button_all"}
    buttons = tuple(Button(texts.render(keys[days]), ReportPeriod(days)) for days in PERIODS)
    return OutgoingMessage(texts.render("report.ask_period"), (buttons,))


def no_data(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("report.no_data"))


def _signed(content: Content, value: float, unit: str = "") -> str:
    """`+2`, `−15 min`, `±0`, `−30%` in the user's locale (`unit`: "minutes", "percent" or none)."""
    sign = "−" if value < 0 else "+" if value > 0 else "±"
    if unit == "percent":
        return sign + format_percent(abs(value), content.formats)
    amount = format_points(abs(value), content.formats)
    return sign + (content.texts.render("report.minutes_short", minutes=amount) if unit == "minutes" else amount)


def _value(content: Content, measure: str, value: float | None) -> str:
    if value is None:
        return "–"
    if measure == "minutes":
        return content.texts.render("report.minutes_short", minutes=format_points(value, content.formats))
    return format_points(value, content.formats)


def _row(content: Content, measure: str, change: outcomes.Change) -> MeasureRow:
    texts = content.texts
    change_cell = "–"
    if change.points is not None and change.verdict not in (outcomes.Verdict.TOO_EARLY, outcomes.Verdict.SPARSE):
        points = round(change.points) if measure == "minutes" else change.points
        change_cell = _signed(content, points, "minutes" if measure == "minutes" else "")
        if change.percent is not None:
            change_cell += f" ({_signed(content, round(change.percent), 'percent')})"
    early = change.verdict in (outcomes.Verdict.TOO_EARLY, outcomes.Verdict.SPARSE)
    tone = {outcomes.Verdict.BETTER: "better", outcomes.Verdict.WORSE: "worse"}.get(change.verdict, "")
    return MeasureRow(
        (
            texts.render(f"report.measure_{measure}"),
            _value(content, measure, change.baseline),
            _value(content, measure, None if early else change.current),  # no "now" to read a change into
            change_cell,
            texts.render(VERDICTS[change.verdict]),
        ),
        tone,
    )


def _days(content: Content, days: int) -> str:
    return content.texts.render("outcomes.day_count", days=str(days))


def report_data(content: Content, facts: ReportFacts, *, name: str | None, today: date) -> ReportPage:
    """The page, in the user's words and numbers."""
    texts = content.texts
    report = facts.progress
    adherence = facts.adherence
    percent = format_percent(adherence.percent, content.formats) if adherence.percent is not None else "–"
    adherence_lines = [
        texts.render(
            "report.adherence_line", done=str(adherence.done), planned=str(adherence.planned), percent=percent
        ),
        texts.render(
            "report.adherence_early"
            if adherence.planned < MIN_ADHERENCE_DAYS
            else "report.adherent"
            if adherence.adherent
            else "report.not_adherent"
        ),
        texts.render(
            "report.streaks", current=_days(content, facts.current_streak), longest=_days(content, facts.longest_streak)
        ),
    ]
    if facts.paused_days:
        adherence_lines.append(texts.render("report.paused", days=_days(content, facts.paused_days)))
    if facts.skip_reasons:
        listed = ", ".join(
            f"{reason_label(content, reason or None)} ×{count}" for reason, count in facts.skip_reasons.items()
        )
        adherence_lines.append(texts.render("report.skips", reasons=listed))
    else:
        adherence_lines.append(texts.render("report.skips_none"))
    sides = (
        [texts.render("report.sides", **{side: str(facts.sides.get(side, 0)) for side in ("left", "right", "same")})]
        if facts.sides
        else [texts.render("report.sides_none")]
    )
    if facts.safety:
        safety = [
            texts.render(
                "report.safety_counts",
                **{kind: str(facts.safety.get(kind, 0)) for kind in ("red_flag", "warning", "pain")},
            )
        ]
        if facts.safety_dates:
            dates = ", ".join(day_month(d, content.formats) for d, _kind in facts.safety_dates[-8:])
            safety.append(texts.render("report.safety_dates", dates=dates))
    else:
        safety = [texts.render("report.safety_none")]
    routine = prescribed(content.routine(facts.routine_id), facts.prescription)  # as the coach prescribed it
    routine_lines = [texts.render("report.routine", title=routine.title, minutes=str(routine.minutes))]
    for step in routine.steps:
        if step.is_timed:
            routine_lines.append(
                texts.render(
                    "report.step_hold",
                    step=step.title,
                    reps=str(step.reps),
                    seconds=str(step.hold_seconds),
                    sides=texts.render("report.per_side") if step.per_side else "",
                )
            )
    routine_lines.append(
        texts.render("report.gentle", count=str(facts.gentle_sessions), started=str(facts.sessions_started))
    )
    weekly = WeeklySeries(
        labels=[day_month(week.start, content.formats) for week in facts.weeks],
        before=[week.before for week in facts.weeks],
        after=[week.after for week in facts.weeks],
        minutes=[week.minutes for week in facts.weeks],
        before_label=texts.render("report.weekly_before"),
        after_label=texts.render("report.weekly_after"),
        minutes_label=texts.render("report.weekly_minutes"),
        ratings_axis=texts.render("report.weekly_ratings_axis"),
        minutes_axis=texts.render("report.weekly_minutes_axis"),
    )
    return ReportPage(
        title=texts.render("report.title", name=name or texts.render("report.someone")),
        subtitle=texts.render(
            "report.subtitle",
            start=full_date(facts.start, content.formats),
            end=full_date(facts.end, content.formats),
            days=_days(content, (facts.end - facts.start).days + 1),
            generated=full_date(today, content.formats),
        ),
        table_title=texts.render("report.table_title"),
        table_header=(
            texts.render("report.col_measure"),
            texts.render("report.col_start"),
            texts.render("report.col_now"),
            texts.render("report.col_change"),
            texts.render("report.col_verdict"),
        ),
        rows=(
            _row(content, "before", report.before_change),
            _row(content, "minutes", report.minutes_change),
            _row(content, "peg", report.peg_change),
        ),
        table_note=texts.render("report.table_note"),
        weekly_title=texts.render("report.weekly_title"),
        weekly=weekly,
        boxes=(
            (texts.render("report.adherence_title"), tuple(adherence_lines)),
            (texts.render("report.safety_title"), tuple(safety)),
            (texts.render("report.sides_title"), tuple(sides)),
            (texts.render("report.routine_title"), tuple(routine_lines)),
        ),
        disclaimer=texts.render("report.disclaimer"),
    )


def report_files(content: Content, facts: ReportFacts, pdf: bytes, png: bytes) -> Reply:
    """The PDF (with the caption) and the same page as a picture."""
    stem = f"stretchbot-report-{facts.start.isoformat()}-{facts.end.isoformat()}"
    caption = content.texts.render(
        "report.caption", start=day_month(facts.start, content.formats), end=day_month(facts.end, content.formats)
    )
    return Reply(
        messages=(
            OutgoingMessage(caption, attachment=Attachment("document", f"{stem}.pdf", pdf)),
            OutgoingMessage("", attachment=Attachment("photo", f"{stem}.png", png)),
        )
    )
