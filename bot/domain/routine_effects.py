"""Effects returned by the routine walkthrough machine, and the phases it moves through.

Effects are structured data, never sentences: the text layer renders them from the routine's content. Buttons
that the text layer attaches to a rendered effect must carry the `seq` of the state returned together with
that effect. Pure data, stdlib only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from bot.domain.routine_events import TimerKind


class Phase(StrEnum):
    """Where the walkthrough is. The values are stored (in `RoutineState.to_dict`): never change them."""

    NEW = "new"  # created, waiting for Begin
    READY = "ready"  # a step is shown; waiting for Done (start the hold / step done) or Skip (hands-free: or its
    # "get ready" time to run out)
    HOLDING = "holding"  # a timed rep is being held
    RESTING = "resting"  # resting between two reps of a timed step
    SWITCH_SIDES = "switch_sides"  # one side is done; waiting for Done (hands-free: or the switch time to run out)
    PAUSED = "paused"  # a countdown is paused (RoutineState.paused_phase says which)
    ASK_AFTER_RATING = "ask_after_rating"
    ASK_TIGHTER_SIDE = "ask_tighter_side"
    FINISHED = "finished"  # walked through to the end (questions answered or skipped)
    STOPPED = "stopped"  # ended early by Stop


class IgnoreReason(StrEnum):
    """Why an event was ignored (a code for logs and for the text layer, not a sentence)."""

    FINISHED = "finished"  # the walkthrough is over (FINISHED or STOPPED)
    WRONG_PHASE = "wrong_phase"  # the event makes no sense in the current phase
    UNEXPECTED_TIMER = "unexpected_timer"  # a current-seq timer of a kind that is not the pending one
    BAD_RATING = "bad_rating"  # an after-rating outside 0-10 (or not a number)
    BAD_SIDE = "bad_side"  # a tighter-side answer that is not one of the routine's sides nor "same"


@dataclass(frozen=True, slots=True)
class ShowStep:
    """Send a new step message (title, text, buttons: Start/Done, Skip, Stop). `hold_seconds` is None for an
    untimed step; `reps`/`hold_seconds` already account for the gentle variant. `get_ready`: hands-free, the
    seconds before the step starts (or, untimed, moves on) by itself; None: it waits for a tap."""

    step_id: str
    side: str | None
    rep: int
    reps: int
    hold_seconds: int | None
    get_ready: int | None = None


@dataclass(frozen=True, slots=True)
class StartHold:
    """A hold of `seconds` begins (rep `rep` of `reps`): the live message (Done, Pause, Skip, Stop)."""

    step_id: str
    side: str | None
    rep: int
    reps: int
    seconds: int


@dataclass(frozen=True, slots=True)
class LiveUpdate:
    """Edit the live message in place: `seconds_left` of the current hold or rest. `phase` is HOLDING, RESTING
    or PAUSED (paused: show the paused view with Resume). `halfway` is True exactly once per hold, at its
    halfway point: the halfway cue rides on this edit instead of costing an extra one."""

    step_id: str
    side: str | None
    rep: int
    reps: int
    seconds_left: int
    phase: Phase
    halfway: bool = False


@dataclass(frozen=True, slots=True)
class Release:
    """A hold is over: release. `rest_seconds` is the rest before the next rep (0 after the last rep)."""

    step_id: str
    side: str | None
    rep: int
    reps: int
    rest_seconds: int


@dataclass(frozen=True, slots=True)
class SwitchSides:
    """All sided steps on `from_side` are done; get ready for `to_side` (button: Done). `seconds`: hands-free, the
    time before the next side starts by itself (None: wait for Done)."""

    from_side: str
    to_side: str
    seconds: int | None = None


class CueKind(StrEnum):
    """What a sound cue announces (hands-free mode)."""

    HOLD_START = "hold_start"
    HOLD_END = "hold_end"
    SWITCH_SIDES = "switch_sides"


@dataclass(frozen=True, slots=True)
class Cue:
    """Hands-free: a short new message that makes the phone sound (the previous cue is removed). `rest_seconds`
    is the rest after a HOLD_END (0 after the last rep); `side` is the side to switch to for SWITCH_SIDES."""

    kind: CueKind
    step_id: str | None
    side: str | None
    rep: int = 1
    reps: int = 1
    rest_seconds: int = 0


@dataclass(frozen=True, slots=True)
class HoldCut:
    """A running or paused hold or rest ended early by Skip or Stop: the live message says so."""

    step_id: str
    side: str | None
    rep: int
    reps: int
    stopped: bool


@dataclass(frozen=True, slots=True)
class ScheduleTimer:
    """Arm a timer that feeds `TimerFired(timer_seq, kind)` back after `after_seconds`. At most one is pending."""

    kind: TimerKind
    after_seconds: int
    timer_seq: int


@dataclass(frozen=True, slots=True)
class CancelTimers:
    """Cancel any armed timer of this walkthrough (hygiene: an old timer would be stale anyway)."""


@dataclass(frozen=True, slots=True)
class AskAfterRating:
    """Ask for the stiffness rating after the stretch (0-10)."""


@dataclass(frozen=True, slots=True)
class AskTighterSide:
    """Ask which side felt tighter (the routine's sides, or "same")."""


@dataclass(frozen=True, slots=True)
class Finished:
    """The walkthrough is over: record it. `completed` is True when every step was walked through (even if the
    closing questions were skipped or the user stopped while being asked them)."""

    completed: bool
    after_rating: float | None
    tighter_side: str | None


@dataclass(frozen=True, slots=True)
class Paused:
    """The walkthrough was paused (a signal; the view comes with LiveUpdate(phase=PAUSED))."""


@dataclass(frozen=True, slots=True)
class Resumed:
    """The walkthrough was resumed (a signal; the view comes with the LiveUpdate that follows)."""


@dataclass(frozen=True, slots=True)
class Stopped:
    """The walkthrough was stopped by the user (a Finished effect follows)."""


@dataclass(frozen=True, slots=True)
class Stale:
    """The event carried an old seq (double tap, old button, old timer): nothing happened."""


@dataclass(frozen=True, slots=True)
class Ignored:
    """The event made no sense now: nothing happened."""

    reason: IgnoreReason


Effect = (
    ShowStep
    | StartHold
    | LiveUpdate
    | Release
    | SwitchSides
    | Cue
    | HoldCut
    | ScheduleTimer
    | CancelTimers
    | AskAfterRating
    | AskTighterSide
    | Finished
    | Paused
    | Resumed
    | Stopped
    | Stale
    | Ignored
)
