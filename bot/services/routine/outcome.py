"""What a routine service call returns (`Outcome`), the timer it wants armed (`TimerPlan`), and the one value
every routine service takes as its environment (`RoutineEnv`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum

from bot.content.loader import Content
from bot.domain.routine_effects import Effect
from bot.domain.routine_events import TimerKind
from bot.domain.routine_machine import RoutineState
from bot.domain.routine_model import Routine


class OutcomeKind(StrEnum):
    APPLIED = "applied"  # the machine moved (or Restore re-emitted the view): render `effects`
    ASK_BEFORE = "ask_before"  # a session waits for the before rating
    ASK_GENTLE = "ask_gentle"  # a high before rating: offer the gentler version first
    EXISTING = "existing"  # a session is already running: offer Resume / Start over
    SKIPPED_TODAY = "skipped_today"  # the user chose to skip today at the gentle offer
    INTERRUPTED = "interrupted"  # the stored state cannot be continued: ask to start over or stop
    STOPPED = "stopped"  # stopped from the "interrupted" question
    STALE = "stale"  # an old seq (double tap, old button, old timer): nothing changed
    IGNORED = "ignored"  # the event made no sense now: nothing changed
    OVER = "over"  # the session is finished, stopped or abandoned: nothing changed
    NOT_FOUND = "not_found"  # no such session for this user (or forged data): nothing changed
    NOT_STARTED = "not_started"  # the user never used /start


@dataclass(frozen=True, slots=True)
class Pacing:
    """How fast the walkthrough runs: the live message's tick and the time scale (tests run timers faster)."""

    tick_seconds: int
    time_scale: float = 1.0


@dataclass(frozen=True, slots=True)
class RoutineEnv:
    """What every routine service call runs in: the content, the time, the pacing and the default zone."""

    content: Content
    now: datetime
    pacing: Pacing
    default_timezone: str


@dataclass(frozen=True, slots=True)
class TimerPlan:
    session_id: int
    user_id: int
    chat_id: int
    timer_seq: int
    kind: TimerKind
    due_at: datetime
    delay_seconds: float  # real seconds (already divided by the time scale)


@dataclass
class Outcome:
    kind: OutcomeKind
    session_id: int | None = None
    user_id: int | None = None
    chat_id: int | None = None
    routine: Routine | None = None
    state: RoutineState | None = None
    effects: list[Effect] = field(default_factory=list)
    live_message_id: int | None = None
    cue_message_id: int | None = None  # the last sound cue showing (hands-free), deleted when the next comes
    before: float | None = None
    after: float | None = None
    timer: TimerPlan | None = None
    cancel_timers: bool = False
    fresh: bool = False  # render the view anew (resume), rather than editing an old live message
    began: bool = False  # the walkthrough has just begun (show the routine's introduction first)
    # EXISTING: what the new start carried, for "Start over".
    delivery_id: int | None = None
    carried_before: float | None = None


@dataclass(frozen=True, slots=True)
class PendingTimer:
    """An active session's pending timer at start-up; `plan` is None when the session cannot be continued."""

    session_id: int
    user_id: int
    chat_id: int
    plan: TimerPlan | None
    language: str = "en"  # the user's (the message asking to continue is in it)
