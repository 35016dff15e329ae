"""Events fed to the routine walkthrough machine (`bot.domain.routine_machine.transition`).

Events that carry `seq` come from buttons created for one particular state; the machine treats them as stale
unless `seq` equals the current `RoutineState.seq`. `TimerFired` carries `timer_seq` instead, checked against
`RoutineState.timer_seq` (which, unlike `seq`, also moves at every timer checkpoint). Pure data, stdlib only.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class TimerKind(StrEnum):
    """What an armed timer means when it fires."""

    TICK = "tick"  # refresh the live message (seconds left)
    HALFWAY = "halfway"  # the halfway point of a hold (a live-message refresh that carries the halfway cue)
    HOLD_END = "hold_end"  # a hold is over
    REST_END = "rest_end"  # a rest between reps is over
    READY_END = "ready_end"  # hands-free: the "get ready" time of a step is over (its first hold starts)
    SWITCH_END = "switch_end"  # hands-free: the time to switch sides is over (the next side's first step)


@dataclass(frozen=True, slots=True)
class Begin:
    """Start the walkthrough (from the NEW phase only)."""


@dataclass(frozen=True, slots=True)
class Done:
    """The Done/Next button: start a hold, finish an untimed step, end a hold or rest early, or go on after
    switching sides."""

    seq: int


@dataclass(frozen=True, slots=True)
class Skip:
    """Skip the rest of the current step on this side (or skip a closing question)."""

    seq: int


@dataclass(frozen=True, slots=True)
class Pause:
    """Pause whatever counts down (`RoutineState.counts_down`): a hold, a rest, or in hands-free mode a step's
    "get ready" time or the switch of sides. Other flows (a pain report mid-routine) pause through this too."""

    seq: int


@dataclass(frozen=True, slots=True)
class Resume:
    """Resume a paused hold or rest with the time that was left (a paused "get ready" or switch starts anew)."""

    seq: int


@dataclass(frozen=True, slots=True)
class Stop:
    """End the walkthrough now."""

    seq: int


@dataclass(frozen=True, slots=True)
class TimerFired:
    """A timer armed by a `ScheduleTimer(kind, after_seconds, timer_seq)` effect has fired."""

    timer_seq: int
    kind: TimerKind


@dataclass(frozen=True, slots=True)
class AfterRating:
    """The stiffness rating after the stretch, 0-10."""

    value: float


@dataclass(frozen=True, slots=True)
class TighterSide:
    """Which side felt tighter: one of the routine's sides (normally "left"/"right") or "same"."""

    side: str


@dataclass(frozen=True, slots=True)
class Restore:
    """Sent after a restart (or whenever the view was lost): re-emit what rebuilds the user's view and re-arm
    the pending timer. Never changes the state."""


Event = Begin | Done | Skip | Pause | Resume | Stop | TimerFired | AfterRating | TighterSide | Restore
