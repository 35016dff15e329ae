"""The coach's roster (/clients) and one client's summary, from the data the client shares: only active links of
this coach, only from the link's day unless the client shares their history. Every look is an access event."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.content.loader import Content
from bot.db.models import CoachLink
from bot.db.unit_of_work import UnitOfWork
from bot.domain import coaching as domain
from bot.domain.outcomes import Change
from bot.services import progress, report
from bot.services.coaching.coaches import is_coach
from bot.services.progress import ProgressReport
from bot.services.report import ReportFacts
from bot.services.user_scope import UserScope, load_scope


@dataclass(frozen=True, slots=True)
class RosterLine:
    link_id: int
    name: str
    facts: domain.RosterFacts
    minutes_change: Change  # morning stiffness now vs baseline
    before_change: Change


@dataclass(frozen=True, slots=True)
class ClientView:
    link_id: int
    name: str
    scope: UserScope  # the client's (their zone and today)
    line: RosterLine
    progress: ProgressReport
    facts: ReportFacts | None
    shares_history: bool
    since: date  # the link's day


def _since(link: CoachLink) -> date | None:
    return None if link.share_history else link.linked_date


async def _client_scope(uow: UnitOfWork, client_id: int, content: Content, now: datetime, tz: str) -> UserScope:
    return await load_scope(uow, user_id=client_id, chat_id=client_id, content=content, now=now, default_timezone=tz)


def client_days(report_: ProgressReport, shared_from: date) -> domain.ClientDays:
    active = set(report_.done) | set(report_.before) | set(report_.after) | set(report_.typed) | set(report_.minutes)
    worse = domain.verdict_is_worse(report_.before_change.verdict, report_.minutes_change.verdict)
    return domain.ClientDays(
        today=report_.today,
        shared_from=shared_from,
        done=frozenset(d for d in report_.done if d >= shared_from),
        active=frozenset(d for d in active if d >= shared_from),
        paused=report_.paused,
        excused=frozenset(d for d, reason in report_.skipped.items() if reason),
        safety=report_.pain_days,
        befores=tuple(sorted(report_.before.items())),
        worse=worse,
    )


async def _line(
    uow: UnitOfWork, link: CoachLink, content: Content, now: datetime, tz: str
) -> tuple[RosterLine, UserScope, ProgressReport] | None:
    scope = await _client_scope(uow, link.client_id, content, now, tz)
    user = await uow.users.get(link.client_id)
    found = await progress.progress(uow, scope, since=_since(link))
    if user is None or found is None:
        return None
    onboarded = (user.onboarded_at or user.created_at).astimezone(scope.zone).date()
    first_data = min([*found.done, *found.before, *found.minutes], default=onboarded)
    since = _since(link)
    shared_from = min(onboarded, first_data) if since is None else max(since, min(onboarded, first_data))
    facts = domain.roster_facts(client_days(found, shared_from))
    name = link.client_name or str(link.client_id)
    return RosterLine(link.id, name, facts, found.minutes_change, found.before_change), scope, found


async def roster(
    uow: UnitOfWork,
    admins: frozenset[int],
    coach_id: int,
    content: Content,
    now: datetime,
    tz: str,
    what: str = "roster",
) -> list[RosterLine] | None:
    """The coach's clients in roster order (attention first); None if `coach_id` is no coach. `what`: the access
    event each listed client gets ("roster", or "digest")."""
    if not await is_coach(uow, admins, coach_id):
        return None
    lines = []
    for link in await uow.coaching.links_of_coach(coach_id):
        found = await _line(uow, link, content, now, tz)
        if found is not None:
            lines.append(found[0])
    order = domain.roster_order([(line.name, line.facts) for line in lines])
    ordered = [lines[i] for i in order]
    uow.coaching.record_access(coach_id, [await _client_of(uow, line.link_id) for line in ordered], what, now)
    return ordered


async def _client_of(uow: UnitOfWork, link_id: int) -> int:
    link = await uow.coaching.link(link_id)
    assert link is not None
    return link.client_id


async def client_view(
    uow: UnitOfWork, admins: frozenset[int], coach_id: int, link_id: int, content: Content, now: datetime, tz: str
) -> ClientView | None:
    """One client's summary for their coach; None if the link is not this coach's active link (refused)."""
    if not await is_coach(uow, admins, coach_id):
        return None
    link = await uow.coaching.link(link_id)
    if link is None or link.coach_id != coach_id or link.status != "active":
        return None
    found = await _line(uow, link, content, now, tz)
    if found is None:
        return None
    line, scope, progress_report = found
    facts = await report.gather(uow, scope, 0, since=_since(link))
    uow.coaching.record_access(coach_id, [link.client_id], "summary", now)
    return ClientView(link.id, line.name, scope, line, progress_report, facts, link.share_history, link.linked_date)
