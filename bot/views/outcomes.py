"""Rendering the outcome questions (morning stiffness, the weekly check-in), their answers and the weekly summary."""

from __future__ import annotations

from datetime import date

from bot.content.catalog import TEXT_CATALOG
from bot.content.loader import Content
from bot.domain import outcomes
from bot.services.outcomes import StiffnessSaved, WeeklySummary
from bot.ui.callbacks_outcomes import SKIP, OutcomeSwitch, PegPick, StiffnessPick
from bot.ui.message import Button, OutgoingMessage, Reply, chunk
from bot.views.numbers import format_percent, format_points
from bot.views.ratings import day_name

CHECKIN_ITEM_KEYS = ("outcomes.peg_pain", "outcomes.peg_enjoyment", "outcomes.peg_activity")
LABEL_KEYS = ("outcomes.peg_label_pain", "outcomes.peg_label_enjoyment", "outcomes.peg_label_activity")


def day_code(day: date) -> int:
    return day.year * 10000 + day.month * 100 + day.day


def day_of_code(code: int) -> date | None:
    try:
        return date(code // 10000, code // 100 % 100, code % 100)
    except ValueError:
        return None


def duration(content: Content, minutes: float) -> str:
    """Minutes as read: "1 minute", "40 minutes", "2 hours or more" (the top of the scale)."""
    texts = content.texts
    if minutes >= outcomes.STIFFNESS_CAP_MINUTES:
        return texts.render("outcomes.two_hours_plus")
    return texts.render("outcomes.minutes", minutes=format_points(minutes, content.formats))


def _minutes_button(content: Content, minutes: int) -> str:
    texts = content.texts
    if minutes == 0:
        return texts.render("outcomes.button_none")
    if minutes >= outcomes.STIFFNESS_CAP_MINUTES:
        return texts.render("outcomes.button_two_hours_plus")
    if minutes >= 60 and minutes % 30 == 0:
        return texts.render("outcomes.button_hours", hours=format_points(minutes / 60, content.formats))
    return texts.render("outcomes.button_minutes", minutes=str(minutes))


def stiffness_question(content: Content, day: date) -> OutgoingMessage:
    """How long the back stayed stiff after waking: the coach's minute buttons, and Not now."""
    code = day_code(day)
    buttons = [
        Button(_minutes_button(content, m), StiffnessPick(code, m)) for m in content.coach.outcomes.stiffness_buttons
    ]
    rows = (*chunk(buttons, 3), (Button(content.texts.render("outcomes.button_not_now"), StiffnessPick(code, SKIP)),))
    return OutgoingMessage(content.texts.render("outcomes.stiffness_ask"), rows)


def stiffness_saved(content: Content, saved: StiffnessSaved, today: date, *, tapped: bool) -> Reply:
    day = day_name(content, saved.local_date, today)
    if saved.minutes == 0:
        text = content.texts.render("outcomes.stiffness_saved_none", day=day)
    else:
        text = content.texts.render("outcomes.stiffness_saved", minutes=duration(content, saved.minutes), day=day)
    message = OutgoingMessage(text)
    return Reply(replace=message) if tapped else Reply.of(message)


def unclear(content: Content, kind: str, reason: str) -> OutgoingMessage:
    """Ask again, saying what was wrong (nothing was stored)."""
    if kind == "stiffness":
        key = {"ambiguous": "outcomes.stiffness_ambiguous", "out_of_range": "outcomes.stiffness_out_of_range"}.get(
            reason, "outcomes.stiffness_unclear"
        )
    else:
        key = "outcomes.peg_out_of_range" if reason == "out_of_range" else "outcomes.peg_unclear"
    return OutgoingMessage(content.texts.render(key))


def declined(content: Content, kind: str, *, tapped: bool) -> Reply:
    key = "outcomes.declined" if kind == "stiffness" else "outcomes.declined_checkin"
    message = OutgoingMessage(content.texts.render(key))
    return Reply(replace=message) if tapped else Reply.of(message)


def stale(content: Content) -> Reply:
    return Reply(toast=content.texts.render("outcomes.stale"), alert=False, clear_buttons=True)


def peg_question(content: Content, checkin_id: int, item: int, *, intro: bool = False) -> OutgoingMessage:
    texts = content.texts
    buttons = [Button(str(v), PegPick(checkin_id, item, v)) for v in range(11)]
    rows = (*chunk(buttons, 6), (Button(texts.render("outcomes.button_not_now"), PegPick(checkin_id, item, SKIP)),))
    text = texts.render(CHECKIN_ITEM_KEYS[item])
    if intro:
        text = texts.render("outcomes.checkin_intro") + "\n\n" + text
    return OutgoingMessage(text, rows)


def peg_recorded(content: Content, item: int, value: int) -> OutgoingMessage:
    texts = content.texts
    return OutgoingMessage(
        texts.render("outcomes.peg_recorded", question=texts.render(LABEL_KEYS[item]), value=str(value))
    )


def encouragement_key(summary: WeeklySummary) -> str:
    """One sentence that matches the numbers: it praises effort by the adherence, and speaks of easier mornings
    only when the stiffness minutes fell by the meaningful 30% against the first week."""
    adherence = summary.adherence
    easier = (
        not summary.first_is_now
        and summary.stiffness_now is not None
        and summary.stiffness_first is not None
        and summary.stiffness_now < summary.stiffness_first
        and outcomes.meaningful(summary.stiffness_first, summary.stiffness_now, outcomes.MINUTES_RULE)
    )
    if easier and adherence.adherent:
        return "outcomes.encourage_easing"
    if adherence.adherent:
        return "outcomes.encourage_strong"
    if summary.done == 0:
        return "outcomes.encourage_restart"
    return "outcomes.encourage_steady"


def weekly_summary(content: Content, summary: WeeklySummary) -> OutgoingMessage:
    texts = content.texts
    adherence = summary.adherence
    percent = format_percent(adherence.percent, content.formats) if adherence.percent is not None else "–"
    lines = [
        texts.render("outcomes.summary_title"),
        texts.render(
            "outcomes.summary_sessions", done=str(summary.done), planned=str(adherence.planned), percent=percent
        ),
    ]
    if summary.stiffness_now is None:
        lines.append(texts.render("outcomes.summary_stiffness_none"))
    elif summary.first_is_now or summary.stiffness_first is None:
        lines.append(
            texts.render("outcomes.summary_stiffness_first_week", now=duration(content, summary.stiffness_now))
        )
    else:
        lines.append(
            texts.render(
                "outcomes.summary_stiffness_vs_first",
                now=duration(content, summary.stiffness_now),
                first=duration(content, summary.stiffness_first),
            )
        )
    change, sessions = summary.change, str(summary.change_sessions)
    if change is None:
        lines.append(texts.render("outcomes.summary_change_none"))
    elif change <= -0.25:
        lines.append(
            texts.render(
                "outcomes.summary_change_looser", amount=format_points(-change, content.formats), sessions=sessions
            )
        )
    elif change >= 0.25:
        lines.append(
            texts.render(
                "outcomes.summary_change_stiffer", amount=format_points(change, content.formats), sessions=sessions
            )
        )
    else:
        lines.append(texts.render("outcomes.summary_change_same", sessions=sessions))
    if summary.peg is not None:
        if summary.peg_first is None:
            lines.append(texts.render("outcomes.summary_peg_first", score=format_points(summary.peg, content.formats)))
        else:
            lines.append(
                texts.render(
                    "outcomes.summary_peg",
                    score=format_points(summary.peg, content.formats),
                    first=format_points(summary.peg_first, content.formats),
                )
            )
    lines += ["", texts.render(encouragement_key(summary)), texts.render("outcomes.summary_footer")]
    return OutgoingMessage("\n".join(lines))


def switch_buttons(content: Content, ask_stiffness: bool, weekly_checkin: bool) -> tuple[Button, ...]:
    """The /settings row that shows and flips the two switches."""
    texts = content.texts
    return (
        Button(
            texts.render("outcomes.switch_stiffness_on" if ask_stiffness else "outcomes.switch_stiffness_off"),
            OutcomeSwitch("stiffness", not ask_stiffness),
        ),
        Button(
            texts.render("outcomes.switch_weekly_on" if weekly_checkin else "outcomes.switch_weekly_off"),
            OutcomeSwitch("weekly", not weekly_checkin),
        ),
    )


def switched(content: Content, what: str, on: bool) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render(f"outcomes.switched_{what}_{'on' if on else 'off'}"))


# --- change from baseline (/progress and /report) ---------------------------------------------------------------

THRESHOLDS = {True: "outcomes.threshold_percent", False: "outcomes.threshold_points"}
MEASURES = {"before": "outcomes.measure_before", "minutes": "outcomes.measure_minutes", "peg": "outcomes.measure_peg"}


def _points(content: Content, value: float) -> str:
    return content.texts.render("outcomes.points", points=format_points(value, content.formats))


def measure_value(content: Content, measure: str, value: float) -> str:
    return duration(content, value) if measure == "minutes" else format_points(value, content.formats)


def _amount(content: Content, measure: str, change: outcomes.Change) -> str:
    points = abs(change.points or 0.0)
    amount = duration(content, points) if measure == "minutes" else _points(content, points)
    if change.percent is None:
        return amount
    return content.texts.render(
        "outcomes.amount", amount=amount, percent=format_percent(abs(change.percent), content.formats)
    )


def _days(content: Content, days: int) -> str:
    return content.texts.render("outcomes.day_count", days=str(days))


def change_line(content: Content, measure: str, change: outcomes.Change, today: date) -> str | None:
    """One honest sentence about a measure's change from baseline; None without data."""
    texts = content.texts
    if change.verdict == outcomes.Verdict.NO_DATA or change.baseline is None:
        return None
    values = {
        "measure": texts.render(MEASURES[measure]),
        "baseline": measure_value(content, measure, change.baseline),
        "threshold": texts.render(THRESHOLDS[measure == "minutes"]),
    }
    if change.current is not None:
        values["current"] = measure_value(content, measure, change.current)
        values["amount"] = _amount(content, measure, change)
    verdict = change.verdict
    lower = change.points is not None and change.points < 0
    if measure == "peg":
        key = {
            outcomes.Verdict.TOO_EARLY: "outcomes.change_peg_first",
            outcomes.Verdict.BETTER: "outcomes.change_peg_better",
            outcomes.Verdict.WORSE: "outcomes.change_peg_worse",
        }.get(verdict, "outcomes.change_peg_small")
    elif verdict == outcomes.Verdict.TOO_EARLY:
        assert change.baseline_period is not None
        values["days"] = _days(content, (today - change.baseline_period[0]).days + 1)
        key = "outcomes.change_too_early"
    elif verdict == outcomes.Verdict.SPARSE:
        key = "outcomes.change_sparse"
    elif verdict == outcomes.Verdict.BETTER:
        key = "outcomes.change_better"
    elif verdict == outcomes.Verdict.WORSE:
        key = "outcomes.change_worse"
    else:
        key = "outcomes.change_small_lower" if lower else "outcomes.change_small_higher"
    return texts.render(key, **{name: values[name] for name in TEXT_CATALOG[key] if name in values})


def change_lines(
    content: Content,
    today: date,
    before: outcomes.Change,
    minutes: outcomes.Change,
    peg: outcomes.Change,
) -> list[str]:
    """The baseline section: a title and a line per measure that has data (empty if none has)."""
    lines = [
        line
        for measure, change in (("before", before), ("minutes", minutes), ("peg", peg))
        if (line := change_line(content, measure, change, today)) is not None
    ]
    return [content.texts.render("outcomes.baseline_title"), *lines] if lines else []
