"""The coach's /stats: a few aggregate numbers over all users, last 7 days. Only counts, never anyone's data.

* active users: set up, reminders on (status active).
* started / finished: sessions started in the last 7 days, and how many of those finished.
* completion rate: finished / started (None without sessions).
* average change: mean of after - before over those sessions that have both ratings (negative = looser).
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.db.repositories.coach_stats import CoachStatsQueries
from bot.db.unit_of_work import UnitOfWork

WINDOW = timedelta(days=7)


@dataclass(frozen=True, slots=True)
class CoachStats:
    active_users: int
    started: int
    finished: int
    completion_rate: float | None
    average_change: float | None


async def coach_stats(uow: UnitOfWork, now: datetime) -> CoachStats:
    queries = CoachStatsQueries(uow.session)
    sessions = await queries.sessions_started_since(now - WINDOW)
    finished = sum(1 for _, status in sessions if status == "finished")
    values: dict[int, dict[str, float]] = defaultdict(dict)
    for session_id, kind, value in await queries.session_ratings([sid for sid, _ in sessions]):
        values[session_id][kind] = value
    changes = [v["after"] - v["before"] for v in values.values() if "before" in v and "after" in v]
    return CoachStats(
        active_users=await queries.active_users(),
        started=len(sessions),
        finished=finished,
        completion_rate=finished / len(sessions) if sessions else None,
        average_change=statistics.fmean(changes) if changes else None,
    )
