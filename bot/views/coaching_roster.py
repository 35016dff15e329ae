"""Rendering the coach's /clients (one line per client, attention marks and reasons, pages), one client's summary
with their chart and report, and the digest."""

from __future__ import annotations

from dataclasses import replace

from bot.charts.progress_chart import ChartData
from bot.content.loader import Content
from bot.domain import coaching as domain
from bot.domain.outcomes import Adherence, Change, Verdict
from bot.services.coaching.roster import ClientView, RosterLine
from bot.services.report import ReportFacts
from bot.ui.callbacks_coaching import OpenClient, Prescribe, RosterPage
from bot.ui.message import Attachment, Button, OutgoingMessage, Reply
from bot.views import progress as progress_views
from bot.views.calendar import day_month

_VERDICTS = {
    Verdict.BETTER: "report.verdict_better",
    Verdict.WORSE: "report.verdict_worse",
    Verdict.SMALL: "report.verdict_small",
    Verdict.TOO_EARLY: "report.verdict_too_early",
    Verdict.SPARSE: "report.verdict_sparse",
}


def _percent(content: Content, value: Adherence) -> str:
    percent = value.percent
    if percent is None:
        return content.texts.render("coaching.no_percent")
    return content.texts.render("coaching.percent", percent=round(percent))


def reasons(content: Content, marks: tuple[domain.Mark, ...]) -> str:
    return ", ".join(content.texts.render(f"coaching.reason_{mark.value}") for mark in marks)


def _stiffness(content: Content, change: Change) -> str:
    if change.verdict == Verdict.NO_DATA or change.baseline is None:
        return ""
    texts = content.texts
    now = change.current if change.current is not None else change.baseline
    return texts.render(
        "coaching.roster_stiffness",
        now=texts.render("report.minutes_short", minutes=round(now)),
        baseline=texts.render("report.minutes_short", minutes=round(change.baseline)),
        verdict=texts.render(_VERDICTS.get(change.verdict, "report.verdict_none")).lower(),
    )


def _last(content: Content, line: RosterLine) -> str:
    last = line.facts.last_session
    return day_month(last, content.formats) if last is not None else content.texts.render("coaching.never")


def roster_line(content: Content, line: RosterLine) -> str:
    texts = content.texts
    text = texts.render(
        "coaching.roster_line",
        mark=texts.render("coaching.roster_attention") if line.facts.needs_attention else "",
        name=line.name,
        week=_percent(content, line.facts.adherence_7),
        month=_percent(content, line.facts.adherence_30),
        last=_last(content, line),
        streak=line.facts.streak,
        stiffness=_stiffness(content, line.minutes_change),
    )
    if line.facts.marks:
        text += "\n" + texts.render("coaching.roster_reasons", reasons=reasons(content, line.facts.marks))
    return text


def roster(content: Content, lines: list[RosterLine], page: int) -> OutgoingMessage:
    """One page of the roster: attention first, a button per client, Previous / Next."""
    texts = content.texts
    if not lines:
        return OutgoingMessage(texts.render("coaching.roster_empty"))
    first, end, shown = domain.page_bounds(len(lines), page)
    pages = -(-len(lines) // domain.PAGE_SIZE)
    body = [texts.render("coaching.roster_header", count=len(lines), page=shown + 1, pages=pages)]
    body += [roster_line(content, line) for line in lines[first:end]]
    rows: list[tuple[Button, ...]] = [
        (Button(("⚠️ " if line.facts.needs_attention else "") + line.name, OpenClient(line.link_id)),)
        for line in lines[first:end]
    ]
    paging = []
    if shown > 0:
        paging.append(Button(texts.render("coaching.previous_button"), RosterPage(shown - 1)))
    if end < len(lines):
        paging.append(Button(texts.render("coaching.next_button"), RosterPage(shown + 1)))
    if paging:
        rows.append(tuple(paging))
    return OutgoingMessage("\n\n".join(body), tuple(rows))


def not_your_client(content: Content) -> Reply:
    text = content.texts.render("coaching.not_your_client")
    return Reply(toast=text, messages=(OutgoingMessage(text),))


def summary(content: Content, view: ClientView, since_label: str) -> OutgoingMessage:
    texts = content.texts
    facts = view.line.facts
    lines = [
        texts.render(
            "coaching.summary_header",
            name=view.name,
            since=since_label,
            history=texts.render("coaching.summary_history") if view.shares_history else "",
        ),
        texts.render(
            "coaching.summary_line",
            week=_percent(content, facts.adherence_7),
            month=_percent(content, facts.adherence_30),
            streak=facts.streak,
            last=_last(content, view.line),
        ),
    ]
    stiffness = _stiffness(content, view.line.minutes_change).lstrip(" ·")
    if stiffness:
        lines.append(stiffness)
    if facts.marks:
        lines.append(texts.render("coaching.summary_attention", reasons=reasons(content, facts.marks)))
    else:
        lines.append(texts.render("coaching.summary_fine"))
    if not view.progress.has_data:
        lines.append(texts.render("coaching.summary_no_data"))
    buttons = (
        (Button(texts.render("coaching.prescribe_button"), Prescribe(view.link_id, "show", "")),),
        (Button(texts.render("coaching.back_button"), RosterPage(0)),),
    )
    return OutgoingMessage("\n".join(lines), buttons)


def chart_data(content: Content, view: ClientView) -> ChartData:
    """The client's /progress chart, titled with their name (it speaks to the coach, not to "you")."""
    data = progress_views.chart_data(content, view.progress)
    title = content.texts.render(
        "coaching.chart_title", name=view.name, start=progress_views.start_of(content, view.progress)
    )
    return replace(data, labels=replace(data.labels, title=title))


def chart(content: Content, view: ClientView, png: bytes) -> OutgoingMessage:
    caption = content.texts.render("coaching.chart_caption", name=view.name)
    return OutgoingMessage(caption, attachment=Attachment("photo", f"progress-{view.link_id}.png", png))


def report_files(
    content: Content, name: str, facts: ReportFacts, pdf: bytes, png: bytes
) -> tuple[OutgoingMessage, ...]:
    stem = f"report-{facts.start.isoformat()}-{facts.end.isoformat()}"
    caption = content.texts.render(
        "coaching.report_caption",
        name=name,
        start=day_month(facts.start, content.formats),
        end=day_month(facts.end, content.formats),
    )
    return (
        OutgoingMessage(caption, attachment=Attachment("document", f"{stem}.pdf", pdf)),
        OutgoingMessage("", attachment=Attachment("photo", f"{stem}.png", png)),
    )
