"""The coach's side, pure: invite tokens and deep-link payloads, a client's roster line (adherence over 7 and 30
days, streak, last session, stiffness now vs baseline) and its "needs attention" marks, the roster's order and
pages, and a prescription kept within the content's bounds. No telegram, no database.

Attention (each mark has a reason the coach sees):

* `adherence_drop`: adherence over the last 7 days is at least `ADHERENCE_DROP` percentage points below the 23
  days before them (the 30-day window without its last week), when both have planned days.
* `stiffness_jump`: a before-stretch rating in the last `JUMP_DAYS` days at least `JUMP_POINTS` above the median of
  the 14 days before, or a measure's change from baseline judged a meaningful worsening.
* `safety`: pain or a warning sign reported in the last 7 days.
* `inactive`: nothing done or rated for `INACTIVE_DAYS` days (not counting paused days), once the client has been
  linked that long.
"""

from __future__ import annotations

import hashlib
import re
import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, tzinfo
from enum import StrEnum

from bot.domain.outcomes import Adherence, Verdict, adherence
from bot.domain.routine_model import Routine, StepMedia
from bot.domain.schedule import next_occurrence

PAYLOAD_PREFIX = "c"
_PAYLOAD = re.compile(r"^c([A-Za-z0-9_-]{16,63})$")
ADHERENCE_DROP = 20.0  # percentage points
JUMP_POINTS = 2.0  # the 0-10 meaningful change (Ostelo 2008)
JUMP_DAYS = 3
INACTIVE_DAYS = 3
SAFETY_DAYS = 7
PAGE_SIZE = 8


def hash_token(token: str) -> str:
    """What is stored of an invite token: its sha256, hex."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def payload_of(token: str) -> str:
    """The deep link's payload for `token` (at most 64 characters of A-Za-z0-9_-)."""
    payload = PAYLOAD_PREFIX + token
    if not _PAYLOAD.match(payload):
        raise ValueError("an invite token must be 16-63 characters of A-Za-z0-9_-")
    return payload


def token_of(payload: str) -> str | None:
    """The invite token in a /start payload, or None when the payload is no invite of ours."""
    found = _PAYLOAD.match(payload.strip())
    return found.group(1) if found else None


def is_invite_payload(payload: str) -> bool:
    return payload.strip().startswith(PAYLOAD_PREFIX)


class Mark(StrEnum):
    SAFETY = "safety"
    STIFFNESS_JUMP = "stiffness_jump"
    ADHERENCE_DROP = "adherence_drop"
    INACTIVE = "inactive"


MARK_ORDER = (Mark.SAFETY, Mark.STIFFNESS_JUMP, Mark.ADHERENCE_DROP, Mark.INACTIVE)


@dataclass(frozen=True, slots=True)
class ClientDays:
    """What the marks are computed from, all in the client's local dates, only from the shared period."""

    today: date
    shared_from: date  # the first day the coach may see (the link's day, or the first day of data)
    done: frozenset[date]  # days with a finished session
    active: frozenset[date]  # days with anything done or rated
    paused: frozenset[date]
    excused: frozenset[date]  # skipped with a reason (keeps the streak)
    safety: frozenset[date]  # days with pain or a warning sign
    befores: tuple[tuple[date, float], ...]  # before-stretch ratings, oldest first
    worse: bool = False  # a measure's change from baseline is a meaningful worsening


@dataclass(frozen=True, slots=True)
class RosterFacts:
    adherence_7: Adherence
    adherence_30: Adherence
    streak: int
    last_session: date | None
    marks: tuple[Mark, ...]

    @property
    def needs_attention(self) -> bool:
        return bool(self.marks)


def window_adherence(days: ClientDays, length: int, end: date | None = None) -> Adherence:
    """Adherence over `length` days ending `end` (today), within the shared period."""
    last = end or days.today
    first = max(last - timedelta(days=length - 1), days.shared_from)
    return adherence(set(days.done), first, last, set(days.paused))


def _streak(days: ClientDays) -> int:
    covered = days.done | days.excused
    day = days.today if days.today in covered else days.today - timedelta(days=1)
    count = 0
    while day in covered and day >= days.shared_from:
        count += 1 if day in days.done else 0
        day -= timedelta(days=1)
    return count


def _adherence_dropped(days: ClientDays) -> bool:
    recent = window_adherence(days, 7)
    earlier = window_adherence(days, 23, days.today - timedelta(days=7))
    if recent.percent is None or earlier.percent is None:
        return False
    return earlier.percent - recent.percent >= ADHERENCE_DROP - 1e-9


def _stiffness_jumped(days: ClientDays) -> bool:
    if days.worse:
        return True
    recent_start = days.today - timedelta(days=JUMP_DAYS - 1)
    recent = [v for d, v in days.befores if d >= recent_start]
    earlier = [v for d, v in days.befores if recent_start - timedelta(days=14) <= d < recent_start]
    if not recent or len(earlier) < 3:
        return False
    return max(recent) - statistics.median(earlier) >= JUMP_POINTS - 1e-9


def _inactive(days: ClientDays) -> bool:
    window = [days.today - timedelta(days=i) for i in range(INACTIVE_DAYS)]
    if days.shared_from > window[-1]:
        return False  # linked less than INACTIVE_DAYS ago
    planned = [d for d in window if d not in days.paused]
    return bool(planned) and not any(d in days.active for d in planned)


def marks_of(days: ClientDays) -> tuple[Mark, ...]:
    """The client's "needs attention" marks, most urgent first."""
    found = {
        Mark.SAFETY: any(d > days.today - timedelta(days=SAFETY_DAYS) for d in days.safety),
        Mark.STIFFNESS_JUMP: _stiffness_jumped(days),
        Mark.ADHERENCE_DROP: _adherence_dropped(days),
        Mark.INACTIVE: _inactive(days),
    }
    return tuple(mark for mark in MARK_ORDER if found[mark])


def roster_facts(days: ClientDays) -> RosterFacts:
    """One client's roster line, computed."""
    return RosterFacts(
        adherence_7=window_adherence(days, 7),
        adherence_30=window_adherence(days, 30),
        streak=_streak(days),
        last_session=max(days.done, default=None),
        marks=marks_of(days),
    )


def roster_order(entries: Sequence[tuple[str, RosterFacts]]) -> list[int]:
    """The indexes of `entries` (name, facts) in roster order: those needing attention first (the most urgent
    mark first, then the most marks), then by name."""

    def key(index: int) -> tuple[int, int, int, str]:
        name, facts = entries[index]
        urgency = min((MARK_ORDER.index(m) for m in facts.marks), default=len(MARK_ORDER))
        return (0 if facts.marks else 1, urgency, -len(facts.marks), name.casefold())

    return sorted(range(len(entries)), key=key)


def page_bounds(total: int, page: int, size: int = PAGE_SIZE) -> tuple[int, int, int]:
    """(first index, end index, the page actually shown) for page `page` (clamped to the pages there are)."""
    pages = max(1, -(-total // size))
    shown = min(max(page, 0), pages - 1)
    return shown * size, min(total, (shown + 1) * size), shown


@dataclass(frozen=True, slots=True)
class Bounds:
    """The prescription's bounds from content: hold seconds and repetitions, daily reminders."""

    hold_min: int
    hold_max: int
    hold_step: int
    reps_min: int
    reps_max: int
    reminders_max: int


def clamp(value: int, low: int, high: int) -> int:
    return max(low, min(high, value))


def verdict_is_worse(*verdicts: Verdict) -> bool:
    return any(v == Verdict.WORSE for v in verdicts)


TELEGRAM_FILE = "tg:"  # a StepMedia location that is a Telegram file id (a coach's photo or video)
INTRO = "intro"  # the step id under which a coach's media goes with the routine's intro


def coach_media(kind: str, file_id: str) -> StepMedia:
    """A coach's photo or video, sent by its Telegram file id."""
    return StepMedia(TELEGRAM_FILE + file_id, f"coach:{file_id}"[:200], kind, video=kind == "video")


def prescribed(routine: Routine, plan: Mapping[str, object] | None) -> Routine:
    """`routine` as the coach prescribed it: every timed step held `hold_seconds` and done `reps` times (each when
    given), and the coach's media (`media`: step id or "intro" -> [kind, file id]) in place of the content's
    pictures; the routine as written without a plan."""
    if not plan:
        return routine
    hold, reps = plan.get("hold_seconds"), plan.get("reps")
    media = plan.get("media")
    attached: dict[str, StepMedia] = {}
    if isinstance(media, dict):
        for step_id, value in media.items():
            if isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value):
                attached[str(step_id)] = coach_media(value[0], value[1])
    steps = tuple(
        replace(
            step,
            hold_seconds=hold if isinstance(hold, int) and step.is_timed else step.hold_seconds,
            reps=reps if isinstance(reps, int) and step.is_timed else step.reps,
            image=attached.get(step.id, step.image),
        )
        for step in routine.steps
    )
    return replace(routine, steps=steps, intro_media=attached.get(INTRO, routine.intro_media))


DIGEST_KINDS = ("off", "daily", "weekly")
DIGEST_WEEKDAY = 0  # weekly digests come on Mondays


def next_digest(kind: str, local_time: time, zone: tzinfo, after: datetime) -> datetime | None:
    """When the coach's next digest is due (UTC): the next `local_time` in their zone, on a Monday for "weekly";
    None when it is off."""
    if kind not in ("daily", "weekly"):
        return None
    moment = after
    for _ in range(8):
        moment = next_occurrence(local_time, zone, moment)
        if kind == "daily" or moment.astimezone(zone).weekday() == DIGEST_WEEKDAY:
            return moment
    raise ValueError("no digest time found within a week")  # pragma: no cover
