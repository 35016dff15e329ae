"""Draw the sample /progress charts and /report pages in docs/images/ from made-up data at day 1, 8 and 60.

Run: .venv/bin/python scripts/outcome_samples.py  (then look at every picture it writes)
In another language, into another folder: .venv/bin/python scripts/outcome_samples.py ru /tmp/samples-ru
"""

from __future__ import annotations

import random
import sys
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.charts.progress_chart import render_progress_png  # noqa: E402
from bot.charts.report_page import render_report  # noqa: E402
from bot.content.loader import load_content  # noqa: E402
from bot.db.models import Rating, RoutineSession  # noqa: E402
from bot.domain import outcomes  # noqa: E402
from bot.services.progress import build_report  # noqa: E402
from bot.services.report import ReportFacts, WeekRow  # noqa: E402
from bot.views import progress as views  # noqa: E402
from bot.views.report import report_data  # noqa: E402

TODAY = date(2026, 5, 4)


def sample(days: int, seed: int = 7):  # type: ignore[no-untyped-def]
    """`days` days of a user whose mornings ease from about 7 to about 4, with skips, a pause and typed ratings."""
    rng = random.Random(seed)
    sessions: list[RoutineSession] = []
    ratings: list[Rating] = []
    skips: dict[date, str | None] = {}
    minutes: dict[date, float] = {}
    paused: set[date] = set()
    first = TODAY - timedelta(days=days - 1)
    for i in range(days):
        day = first + timedelta(days=i)
        if days > 30 and 20 <= i < 25:
            paused.add(day)
            continue
        if i and rng.random() < 0.12:
            skips[day] = rng.choice(["travelling", "no_time", None])
            continue
        progress = i / max(days - 1, 1)
        before = round(max(0, min(10, 7 - 3 * progress * (days > 14) + rng.uniform(-1, 1))) * 2) / 2
        after = max(0.0, before - rng.choice([1, 1.5, 2, 2.5]))
        session = RoutineSession(
            id=i + 1, user_id=1, routine_id="pigeon", status="finished", local_date=day,
            started_at=datetime.combine(day, time(7), tzinfo=UTC), tighter_side=rng.choice(["left", "left", "right"]),
        )  # fmt: skip
        sessions.append(session)
        for kind, value in (("before", before), ("after", after)):
            ratings.append(Rating(user_id=1, session_id=i + 1, kind=kind, value=value, source="button", local_date=day))
        if rng.random() < 0.15:
            ratings.append(Rating(user_id=1, kind="adhoc", value=before - 1, source="text", local_date=day))
        if rng.random() < 0.85:
            minutes[day] = max(0, round(75 - 40 * progress * (days > 14) + rng.uniform(-20, 20)))
    peg = [(first + timedelta(days=7 * w), 6.3 - 0.25 * w) for w in range(1, days // 7 + 1)]
    return build_report(TODAY, sessions, ratings, skips, minutes=minutes, peg=peg, paused=paused)


def report_facts(report, days: int) -> ReportFacts:  # type: ignore[no-untyped-def]
    """The report's facts from the sample (as `bot.services.report.gather` would find them in the database)."""
    start = report.days[0]
    weeks = []
    week = start
    while week <= TODAY:
        end = min(week + timedelta(days=6), TODAY)
        befores = [v for d, v in report.before.items() if week <= d <= end]
        afters = [v for d, v in report.after.items() if week <= d <= end]
        mins = [v for d, v in report.minutes.items() if week <= d <= end]
        weeks.append(
            WeekRow(
                week,
                outcomes.mean(befores) if befores else None,
                outcomes.mean(afters) if afters else None,
                outcomes.median(mins) if mins else None,
                sum(1 for d in report.done if week <= d <= end),
            )
        )
        week += timedelta(days=7)
    planned = len(report.days) - len(report.paused) - sum(1 for d in report.days if d > TODAY)
    done = {d for d in report.done if d <= TODAY}
    kept = {d for d, why in report.skipped.items() if why} | report.paused  # as the current streak counts them
    return ReportFacts(
        start=start, end=TODAY, progress=report, weeks=tuple(weeks),
        adherence=outcomes.Adherence(len(done), max(planned, 1)), paused_days=len(report.paused),
        current_streak=report.streak,
        longest_streak=max(report.streak, outcomes.longest_streak(done, kept)),
        skip_reasons={k or "": v for k, v in report.skip_reasons.items()},
        sides={"left": days // 2, "right": days // 4, "same": days // 8} if days > 1 else {"left": 1},
        safety={"pain": 2, "warning": 1} if days > 30 else {},
        safety_dates=((TODAY - timedelta(days=20), "warning"),) if days > 30 else (),
        gentle_sessions=days // 10, sessions_started=len(done), routine_id="pigeon",
    )  # fmt: skip


def main() -> None:
    language = sys.argv[1] if len(sys.argv) > 1 else "en"
    content = load_content(ROOT / "content").for_language(language)
    out = Path(sys.argv[2]) if len(sys.argv) > 2 else ROOT / "docs" / "images"
    out.mkdir(parents=True, exist_ok=True)
    for days in (1, 8, 60):
        report = sample(days)
        png = render_progress_png(views.chart_data(content, report))
        (out / f"progress-day{days}.png").write_bytes(png)
        print(out / f"progress-day{days}.png")
        facts = report_facts(report, days)
        pdf, page = render_report(report_data(content, facts, name="Alex", today=TODAY))
        (out / f"report-day{days}.png").write_bytes(page)
        (out / f"report-day{days}.pdf").write_bytes(pdf)
        print(out / f"report-day{days}.png and .pdf")


if __name__ == "__main__":
    main()
