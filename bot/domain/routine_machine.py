"""The guided walkthrough of a routine, as a pure state machine.

`transition(routine, state, event) -> (state, effects)` is the only way a walkthrough moves. It never does
I/O, never reads a clock and never produces sentences: the caller stores the returned state, renders the
effects from the routine's content (buttons carry the returned state's `seq`) and arms the timers asked for
by `ScheduleTimer`, which come back as `TimerFired(timer_seq, kind)`. See `routine_machine.md` for the diagram.

Order of the walkthrough (`walkthrough(routine)`): the steps before the first `per_side` step, in list
order; then, for each side in `routine.sides`, every `per_side` step in list order (a SWITCH_SIDES stop
between two sides); then the remaining non-sided steps in list order. A timed step is `reps` holds, each
followed by a rest of `rest_seconds` except the last; the next rep starts by itself when the rest ends. An
untimed step is shown once (its `reps` is ignored) and waits for Done. Then the after-rating, then (only
when the routine has sided steps and at least two sides) the tighter side, then FINISHED.

Timers: at most one timer is pending at any time. A hold or rest of D seconds has a fixed list of
checkpoints (`timer_schedule`): TICKs every `tick_seconds`, the HALFWAY point of a hold, and the end; a tick
that would come less than `tick_seconds` from the halfway point or from the end is left out, so the live
message is edited at most once per tick interval. Each checkpoint is one accepted transition whose effects are
the live-message edit and the `ScheduleTimer` of the next checkpoint. `elapsed` is the time of the last
checkpoint reached, so a pause or a restart resumes the hold at that checkpoint (the user may hold up to one
tick interval longer, never shorter).

Two counters make old input harmless. `seq` (carried by buttons) is bumped only when what the buttons mean
changes: every accepted user event, and a timer that ends a hold or a rest; a TICK or HALFWAY checkpoint leaves
it alone, so the buttons of the live message stay valid while it counts down. `timer_seq` (carried by timers)
is bumped by every accepted transition, so a timer armed before any change is dead when it fires.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace

from bot.domain.routine_effects import (
    AskAfterRating,
    AskTighterSide,
    CancelTimers,
    Cue,
    CueKind,
    Effect,
    Finished,
    HoldCut,
    Ignored,
    IgnoreReason,
    LiveUpdate,
    Paused,
    Phase,
    Release,
    Resumed,
    ScheduleTimer,
    ShowStep,
    Stale,
    StartHold,
    Stopped,
    SwitchSides,
)
from bot.domain.routine_events import (
    AfterRating,
    Begin,
    Done,
    Event,
    Pause,
    Restore,
    Resume,
    Skip,
    Stop,
    TighterSide,
    TimerFired,
    TimerKind,
)
from bot.domain.routine_model import Routine, Step

STATE_VERSION = 2
DEFAULT_TICK_SECONDS = 10
MIN_TICK_SECONDS = 5  # Telegram throttles edits of one message: never refresh the live message faster
GENTLE_MIN_HOLD_SECONDS = 5
HALFWAY_MIN_HOLD_SECONDS = 10
SAME_SIDE = "same"

_TERMINAL = (Phase.FINISHED, Phase.STOPPED)
_TIMED = (Phase.HOLDING, Phase.RESTING)
_WAITS = (Phase.READY, Phase.SWITCH_SIDES)  # count down by themselves in hands-free mode
_QUESTIONS = (Phase.ASK_AFTER_RATING, Phase.ASK_TIGHTER_SIDE)
_AT_A_STEP = (Phase.READY, Phase.HOLDING, Phase.RESTING, Phase.PAUSED, Phase.SWITCH_SIDES)

Transition = tuple["RoutineState", list[Effect]]


# --- the walkthrough order and the per-step numbers -----------------------------------------------


@dataclass(frozen=True, slots=True)
class Slot:
    """One step on one side (side None for a step that is not done per side): a unit of `progress`."""

    step_index: int
    step: Step
    side: str | None


def walkthrough(routine: Routine) -> tuple[Slot, ...]:
    """The steps in the order they are walked through (see the module docstring)."""
    steps = routine.steps
    sided = [i for i, step in enumerate(steps) if step.per_side]
    if not sided or not routine.sides:
        return tuple(Slot(i, step, None) for i, step in enumerate(steps))
    first = sided[0]
    before = [Slot(i, steps[i], None) for i in range(first)]
    per_side = [Slot(i, steps[i], side) for side in routine.sides for i in sided]
    after = [Slot(i, steps[i], None) for i in range(first + 1, len(steps)) if not steps[i].per_side]
    return (*before, *per_side, *after)


def step_reps(routine: Routine, step: Step, gentle: bool) -> int:
    """How many reps of `step` are done: 1 when untimed; the gentle variant does fewer if it says so."""
    if not step.is_timed:
        return 1
    reps = max(1, step.reps)
    if gentle:
        reps = max(1, min(reps, routine.gentle.reps))
    return reps


def step_hold_seconds(routine: Routine, step: Step, gentle: bool) -> int | None:
    """The hold of one rep (None when untimed). Gentle: scaled by `hold_scale`, rounded half up, at least
    5 s, never longer than the normal hold."""
    if not step.is_timed or step.hold_seconds is None:
        return None
    seconds = step.hold_seconds
    if gentle:
        scaled = math.floor(seconds * routine.gentle.hold_scale + 0.5)
        seconds = min(seconds, max(GENTLE_MIN_HOLD_SECONDS, scaled))
    return seconds


def timer_schedule(
    duration: int, tick_seconds: int, *, halfway: bool, end: TimerKind
) -> tuple[tuple[int, TimerKind], ...]:
    """The checkpoints of a hold or rest of `duration` seconds, as (seconds from its start, kind),
    ascending; the last one is (duration, end). TICKs fall on every multiple of `tick_seconds` (the documented
    refresh interval) except those less than `MIN_TICK_SECONDS` from the halfway point or from the end (Telegram
    throttles faster edits of one message); HALFWAY (when asked for and `duration` >= 10) is at the true halfway
    point, duration // 2. So no two edits are ever less than `MIN_TICK_SECONDS` apart, and none is more than
    `tick_seconds` + `MIN_TICK_SECONDS` after the one before.
    """
    half = duration // 2 if halfway and duration >= HALFWAY_MIN_HOLD_SECONDS else None
    points: list[tuple[int, TimerKind]] = []
    moment = tick_seconds
    while duration - moment >= MIN_TICK_SECONDS:
        if half is None or abs(moment - half) >= MIN_TICK_SECONDS:
            points.append((moment, TimerKind.TICK))
        moment += tick_seconds
    if half is not None:
        points.append((half, TimerKind.HALFWAY))
    points.sort()
    points.append((duration, end))
    return tuple(points)


# --- the state ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RoutineState:
    """Where one walkthrough is. Stored as `to_dict()` (plain JSON) and read back with `from_dict()`.

    `slot` indexes `walkthrough(routine)` (it equals the number of slots done; in SWITCH_SIDES it is the first
    slot of the next side; in the closing questions it is the number of slots). `rep` is 1-based. `elapsed` is
    the seconds of the current hold or rest (HOLDING, RESTING, or PAUSED with `paused_phase`) already done, as
    of the last checkpoint. `seq` (what buttons carry) is bumped by every accepted transition except a TICK or
    HALFWAY checkpoint; `timer_seq` (what timers carry) by every accepted transition. `hands_free`: steps, rests
    and the switch of sides run by themselves (see `counts_down`), with sound cues.
    """

    routine_id: str
    gentle: bool = False
    phase: Phase = Phase.NEW
    seq: int = 0
    timer_seq: int = 0
    slot: int = 0
    rep: int = 1
    elapsed: int = 0
    paused_phase: Phase | None = None
    after_rating: float | None = None
    tighter_side: str | None = None
    tick_seconds: int = DEFAULT_TICK_SECONDS
    version: int = STATE_VERSION
    hands_free: bool = False

    @property
    def counts_down(self) -> bool:
        """A timer runs this phase out by itself: a hold or a rest, and in hands-free mode a step's "get ready"
        time and the switch of sides. Exactly these can be paused (`Pause`), by a tap or by another flow."""
        return self.phase in _TIMED or (self.hands_free and self.phase in _WAITS)

    @property
    def paused(self) -> bool:
        return self.phase == Phase.PAUSED

    def __post_init__(self) -> None:
        if self.tick_seconds < MIN_TICK_SECONDS:
            raise ValueError(f"tick_seconds must be at least {MIN_TICK_SECONDS}")
        if self.version != STATE_VERSION:
            raise ValueError(f"unsupported routine state version {self.version}")
        if (self.phase == Phase.PAUSED) != (self.paused_phase is not None):
            raise ValueError("paused_phase is set exactly when the phase is PAUSED")
        pausable = _TIMED + _WAITS if self.hands_free else _TIMED
        if self.paused_phase is not None and self.paused_phase not in pausable:
            raise ValueError("only a countdown (a hold, a rest, or a hands-free wait) can be paused")
        if self.seq < 0 or self.timer_seq < 0 or self.slot < 0 or self.rep < 1 or self.elapsed < 0:
            raise ValueError("seq, timer_seq, slot and elapsed must be >= 0 and rep >= 1")

    def to_dict(self) -> dict[str, object]:
        return {
            "version": self.version,
            "routine_id": self.routine_id,
            "gentle": self.gentle,
            "phase": self.phase.value,
            "seq": self.seq,
            "timer_seq": self.timer_seq,
            "slot": self.slot,
            "rep": self.rep,
            "elapsed": self.elapsed,
            "paused_phase": None if self.paused_phase is None else self.paused_phase.value,
            "after_rating": self.after_rating,
            "tighter_side": self.tighter_side,
            "tick_seconds": self.tick_seconds,
            "hands_free": self.hands_free,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, object]) -> RoutineState:
        """Read a stored state back; ValueError if it is malformed or of an unknown version. A version 1 state
        (before `timer_seq` existed) is read with `timer_seq = seq`, which is what its pending timer carries."""
        version = _get_int(data, "version")
        if version not in (1, STATE_VERSION):
            raise ValueError(f"unsupported routine state version {version}")
        paused = data.get("paused_phase")
        rating = data.get("after_rating")
        if rating is not None and (isinstance(rating, bool) or not isinstance(rating, int | float)):
            raise ValueError("after_rating must be a number or null")
        side = data.get("tighter_side")
        if side is not None and not isinstance(side, str):
            raise ValueError("tighter_side must be a string or null")
        routine_id = data.get("routine_id")
        gentle = data.get("gentle")
        hands_free = data.get("hands_free", False)  # absent in states stored before hands-free mode
        if not isinstance(routine_id, str) or not isinstance(gentle, bool) or not isinstance(hands_free, bool):
            raise ValueError("routine_id must be a string, gentle and hands_free booleans")
        return cls(
            routine_id=routine_id,
            gentle=gentle,
            phase=_get_phase(data.get("phase")),
            seq=_get_int(data, "seq"),
            timer_seq=_get_int(data, "seq" if version == 1 else "timer_seq"),
            slot=_get_int(data, "slot"),
            rep=_get_int(data, "rep"),
            elapsed=_get_int(data, "elapsed"),
            paused_phase=None if paused is None else _get_phase(paused),
            after_rating=None if rating is None else float(rating),
            tighter_side=side,
            tick_seconds=_get_int(data, "tick_seconds"),
            hands_free=hands_free,
        )


def _get_int(data: Mapping[str, object], key: str) -> int:
    value = data.get(key)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"{key} must be an integer")
    return value


def _get_phase(value: object) -> Phase:
    if not isinstance(value, str):
        raise ValueError("a phase must be a string")
    try:
        return Phase(value)
    except ValueError:
        raise ValueError(f"unknown phase {value!r}") from None


def initial_state(
    routine: Routine, gentle: bool = False, *, tick_seconds: int = DEFAULT_TICK_SECONDS, hands_free: bool = False
) -> RoutineState:
    """A walkthrough that waits for Begin. `tick_seconds` is raised to 5 if lower."""
    return RoutineState(
        routine_id=routine.id,
        gentle=gentle,
        tick_seconds=max(MIN_TICK_SECONDS, tick_seconds),
        hands_free=hands_free,
    )


@dataclass(frozen=True, slots=True)
class CurrentStep:
    """The step the walkthrough is at, with its numbers for this walkthrough (gentle or not)."""

    step: Step
    side: str | None
    rep: int
    reps: int
    hold_seconds: int | None
    rest_seconds: int
    seconds_left: int | None  # of the running or paused hold/rest, as of the last checkpoint


def current_step(routine: Routine, state: RoutineState) -> CurrentStep | None:
    """The step being shown, held, rested after or paused (in SWITCH_SIDES: the first step of the next side);
    None before Begin, in the closing questions and at the end."""
    slots = walkthrough(routine)
    if state.phase not in _AT_A_STEP or state.slot >= len(slots):
        return None
    slot = slots[state.slot]
    seconds_left = None
    if _countdown_phase(state) in _TIMED:
        seconds_left = max(0, _duration(routine, state) - state.elapsed)
    return CurrentStep(
        step=slot.step,
        side=slot.side,
        rep=state.rep,
        reps=step_reps(routine, slot.step, state.gentle),
        hold_seconds=step_hold_seconds(routine, slot.step, state.gentle),
        rest_seconds=max(0, slot.step.rest_seconds),
        seconds_left=seconds_left,
    )


def progress(routine: Routine, state: RoutineState) -> tuple[int, int]:
    """(slots done, slots in all): a step on one side counts as one slot."""
    total = len(walkthrough(routine))
    return min(state.slot, total), total


# --- the transition -------------------------------------------------------------------------------


def transition(routine: Routine, state: RoutineState, event: Event) -> Transition:
    """Apply `event`. Stale seq (a user event) or timer_seq (a timer) -> (state, [Stale()]); senseless event ->
    (state, [Ignored(reason)]); otherwise a new state with timer_seq + 1 (and seq + 1 unless it is a TICK or
    HALFWAY checkpoint) and its effects. Restore never changes the state. ValueError if
    `state` belongs to another routine or points past its steps (the content changed under a stored
    walkthrough)."""
    _check_fits(routine, state)
    if state.phase in _TERMINAL:
        return state, [Ignored(IgnoreReason.FINISHED)]
    if isinstance(event, Done | Skip | Pause | Resume | Stop) and event.seq != state.seq:
        return state, [Stale()]
    if isinstance(event, TimerFired) and event.timer_seq != state.timer_seq:
        return state, [Stale()]
    nxt = replace(state, seq=state.seq + 1, timer_seq=state.timer_seq + 1)
    match event:
        case Begin():
            return _on_begin(routine, state, nxt)
        case Done():
            return _on_done(routine, state, nxt)
        case Skip():
            return _on_skip(routine, state, nxt)
        case Pause():
            return _on_pause(routine, state, nxt)
        case Resume():
            return _on_resume(routine, state, nxt)
        case Stop():
            return _on_stop(routine, state, nxt)
        case TimerFired(kind=kind):
            return _on_timer(routine, state, nxt, kind)
        case AfterRating(value=value):
            return _on_after_rating(routine, state, nxt, value)
        case TighterSide(side=side):
            return _on_tighter_side(routine, state, nxt, side)
        case Restore():
            return state, _restore(routine, state)
    raise TypeError(f"not a routine event: {event!r}")  # pragma: no cover - the union is exhaustive


def _check_fits(routine: Routine, state: RoutineState) -> None:
    if state.routine_id != routine.id:
        raise ValueError(f"state of routine {state.routine_id!r} used with routine {routine.id!r}")
    if state.phase in _AT_A_STEP and state.slot >= len(walkthrough(routine)):
        raise ValueError(f"state points at slot {state.slot}, past the steps of routine {routine.id!r}")


def _ignored(state: RoutineState, reason: IgnoreReason = IgnoreReason.WRONG_PHASE) -> Transition:
    return state, [Ignored(reason)]


def _on_begin(routine: Routine, state: RoutineState, nxt: RoutineState) -> Transition:
    if state.phase != Phase.NEW:
        return _ignored(state)
    return _go_to_slot(routine, nxt, 0, [])


def _on_done(routine: Routine, state: RoutineState, nxt: RoutineState) -> Transition:
    cancel: list[Effect] = [CancelTimers()] if state.counts_down else []
    if state.phase == Phase.READY:
        if step_hold_seconds(routine, _slot(routine, state).step, state.gentle) is None:
            return _advance(routine, nxt, cancel)
        return _start_hold(routine, nxt, state.rep, cancel)
    if state.phase == Phase.HOLDING:
        return _end_hold(routine, nxt, [CancelTimers()])
    if state.phase == Phase.RESTING:
        return _start_hold(routine, nxt, state.rep + 1, [CancelTimers()])
    if state.phase == Phase.SWITCH_SIDES:
        return _go_to_slot(routine, nxt, state.slot, cancel)
    return _ignored(state)


def _on_skip(routine: Routine, state: RoutineState, nxt: RoutineState) -> Transition:
    if state.phase == Phase.READY:
        return _advance(routine, nxt, [CancelTimers()] if state.counts_down else [])
    if state.phase in (Phase.HOLDING, Phase.RESTING, Phase.PAUSED):
        return _advance(routine, nxt, [CancelTimers(), *_cut(routine, state, stopped=False)])
    if state.phase == Phase.ASK_AFTER_RATING:
        return _after_rating_done(routine, nxt)
    if state.phase == Phase.ASK_TIGHTER_SIDE:
        return _finish(nxt)
    return _ignored(state)


def _on_pause(routine: Routine, state: RoutineState, nxt: RoutineState) -> Transition:
    if not state.counts_down:
        return _ignored(state)
    paused = replace(nxt, phase=Phase.PAUSED, paused_phase=state.phase)
    return paused, [CancelTimers(), Paused(), _live(routine, paused, Phase.PAUSED)]


def _on_resume(routine: Routine, state: RoutineState, nxt: RoutineState) -> Transition:
    if state.phase != Phase.PAUSED or state.paused_phase is None:
        return _ignored(state)
    if state.paused_phase == Phase.READY:  # a "get ready" starts anew, with the step shown again
        return _go_to_slot(routine, replace(nxt, phase=Phase.READY, paused_phase=None), state.slot, [Resumed()])
    elapsed = 0 if state.paused_phase in _WAITS else nxt.elapsed
    resumed = replace(nxt, phase=state.paused_phase, paused_phase=None, elapsed=elapsed)
    if resumed.phase == Phase.SWITCH_SIDES:
        return resumed, [Resumed(), _switch_sides(routine, resumed), _next_timer(routine, resumed)]
    return resumed, [Resumed(), _live(routine, resumed, resumed.phase), _next_timer(routine, resumed)]


def _on_stop(routine: Routine, state: RoutineState, nxt: RoutineState) -> Transition:
    stopped = replace(nxt, phase=Phase.STOPPED, paused_phase=None)
    completed = state.phase in _QUESTIONS
    cut = _cut(routine, state, stopped=True)
    return stopped, [CancelTimers(), *cut, Stopped(), Finished(completed, state.after_rating, state.tighter_side)]


def _on_timer(routine: Routine, state: RoutineState, nxt: RoutineState, kind: TimerKind) -> Transition:
    if not state.counts_down:
        return _ignored(state)
    moment, expected = _pending_checkpoint(routine, state)
    if kind != expected:
        return _ignored(state, IgnoreReason.UNEXPECTED_TIMER)
    if kind == TimerKind.HOLD_END:
        return _end_hold(routine, nxt, [])
    if kind == TimerKind.REST_END:
        return _start_hold(routine, nxt, state.rep + 1, [])
    if kind == TimerKind.READY_END:
        if step_hold_seconds(routine, _slot(routine, state).step, state.gentle) is None:
            return _advance(routine, nxt, [])
        return _start_hold(routine, nxt, 1, [])
    if kind == TimerKind.SWITCH_END:
        return _go_to_slot(routine, nxt, state.slot, [])
    reached = replace(nxt, seq=state.seq, elapsed=moment)  # a checkpoint: the buttons keep their meaning
    live = _live(routine, reached, reached.phase, halfway=kind == TimerKind.HALFWAY)
    return reached, [live, _next_timer(routine, reached)]


def _on_after_rating(routine: Routine, state: RoutineState, nxt: RoutineState, value: float) -> Transition:
    if state.phase != Phase.ASK_AFTER_RATING:
        return _ignored(state)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return _ignored(state, IgnoreReason.BAD_RATING)
    if not 0 <= value <= 10:
        return _ignored(state, IgnoreReason.BAD_RATING)
    return _after_rating_done(routine, replace(nxt, after_rating=float(value)))


def _on_tighter_side(routine: Routine, state: RoutineState, nxt: RoutineState, side: str) -> Transition:
    if state.phase != Phase.ASK_TIGHTER_SIDE:
        return _ignored(state)
    if not isinstance(side, str) or (side != SAME_SIDE and side not in routine.sides):
        return _ignored(state, IgnoreReason.BAD_SIDE)
    return _finish(replace(nxt, tighter_side=side))


def _restore(routine: Routine, state: RoutineState) -> list[Effect]:
    match state.phase:
        case Phase.READY if state.hands_free:
            return [CancelTimers(), _show_step(routine, state), _next_timer(routine, state)]
        case Phase.READY:
            return [_show_step(routine, state)]
        case Phase.SWITCH_SIDES if state.hands_free:
            return [CancelTimers(), _switch_sides(routine, state), _next_timer(routine, state)]
        case Phase.HOLDING | Phase.RESTING:
            return [CancelTimers(), _live(routine, state, state.phase), _next_timer(routine, state)]
        case Phase.PAUSED:
            return [_live(routine, state, Phase.PAUSED)]
        case Phase.SWITCH_SIDES:
            return [_switch_sides(routine, state)]
        case Phase.ASK_AFTER_RATING:
            return [AskAfterRating()]
        case Phase.ASK_TIGHTER_SIDE:
            return [AskTighterSide()]
        case _:  # NEW: nothing is shown yet
            return []


# --- moving along (every helper gets the already-bumped state) ------------------------------------


def _go_to_slot(routine: Routine, state: RoutineState, index: int, effects: list[Effect]) -> Transition:
    """Show the step at `index`, or go to the closing questions when there is none."""
    if index >= len(walkthrough(routine)):
        return _to_questions(routine, state, effects)
    ready = replace(state, phase=Phase.READY, slot=index, rep=1, elapsed=0, paused_phase=None)
    if ready.hands_free:
        return ready, [*effects, _show_step(routine, ready), _next_timer(routine, ready)]
    return ready, [*effects, _show_step(routine, ready)]


def _advance(routine: Routine, state: RoutineState, effects: list[Effect]) -> Transition:
    """The current slot is over (done or skipped): switch sides, show the next step, or ask the questions."""
    slots = walkthrough(routine)
    index = state.slot + 1
    if index < len(slots):
        before, after = slots[state.slot].side, slots[index].side
        if before is not None and after is not None and before != after:
            switch = replace(state, phase=Phase.SWITCH_SIDES, slot=index, rep=1, elapsed=0, paused_phase=None)
            if switch.hands_free:
                cue = Cue(CueKind.SWITCH_SIDES, None, after)
                return switch, [*effects, _switch_sides(routine, switch), cue, _next_timer(routine, switch)]
            return switch, [*effects, _switch_sides(routine, switch)]
    return _go_to_slot(routine, state, index, effects)


def _to_questions(routine: Routine, state: RoutineState, effects: list[Effect]) -> Transition:
    asking = replace(
        state,
        phase=Phase.ASK_AFTER_RATING,
        slot=len(walkthrough(routine)),
        rep=1,
        elapsed=0,
        paused_phase=None,
    )
    return asking, [*effects, AskAfterRating()]


def _asks_tighter_side(routine: Routine) -> bool:
    return len(routine.sides) >= 2 and any(step.per_side for step in routine.steps)


def _after_rating_done(routine: Routine, state: RoutineState) -> Transition:
    if _asks_tighter_side(routine):
        return replace(state, phase=Phase.ASK_TIGHTER_SIDE), [AskTighterSide()]
    return _finish(state)


def _finish(state: RoutineState) -> Transition:
    done = replace(state, phase=Phase.FINISHED)
    return done, [Finished(True, done.after_rating, done.tighter_side)]


def _start_hold(routine: Routine, state: RoutineState, rep: int, effects: list[Effect]) -> Transition:
    slot = _slot(routine, state)
    seconds = step_hold_seconds(routine, slot.step, state.gentle)
    assert seconds is not None  # only timed steps are held
    holding = replace(state, phase=Phase.HOLDING, rep=rep, elapsed=0, paused_phase=None)
    reps = step_reps(routine, slot.step, state.gentle)
    start = StartHold(slot.step.id, slot.side, rep, reps, seconds)
    if holding.hands_free:
        cue = Cue(CueKind.HOLD_START, slot.step.id, slot.side, rep, reps)
        return holding, [*effects, start, cue, _next_timer(routine, holding)]
    return holding, [*effects, start, _next_timer(routine, holding)]


def _end_hold(routine: Routine, state: RoutineState, effects: list[Effect]) -> Transition:
    """The hold of rep `state.rep` is over (its time ran out, or Done)."""
    slot = _slot(routine, state)
    reps = step_reps(routine, slot.step, state.gentle)
    last = state.rep >= reps
    rest = 0 if last else max(0, slot.step.rest_seconds)
    released = [*effects, Release(slot.step.id, slot.side, state.rep, reps, rest)]
    if state.hands_free:
        released.append(Cue(CueKind.HOLD_END, slot.step.id, slot.side, state.rep, reps, rest))
    if last:
        return _advance(routine, state, released)
    if rest == 0:
        return _start_hold(routine, state, state.rep + 1, released)
    resting = replace(state, phase=Phase.RESTING, elapsed=0)
    return resting, [*released, _next_timer(routine, resting)]


# --- small pieces ---------------------------------------------------------------------------------


def _slot(routine: Routine, state: RoutineState) -> Slot:
    return walkthrough(routine)[state.slot]


def _countdown_phase(state: RoutineState) -> Phase | None:
    """The phase that counts down, running or paused (HOLDING, RESTING, or hands-free READY / SWITCH_SIDES)."""
    if state.counts_down:
        return state.phase
    return state.paused_phase


def _duration(routine: Routine, state: RoutineState) -> int:
    step = _slot(routine, state).step
    phase = _countdown_phase(state)
    if phase == Phase.RESTING:
        return max(0, step.rest_seconds)
    if phase == Phase.READY:
        return max(0, routine.get_ready_of(step))
    if phase == Phase.SWITCH_SIDES:
        return max(0, routine.switch_seconds)
    return step_hold_seconds(routine, step, state.gentle) or 0


def _schedule(routine: Routine, state: RoutineState) -> tuple[tuple[int, TimerKind], ...]:
    step = _slot(routine, state).step
    duration = _duration(routine, state)
    phase = _countdown_phase(state)
    if phase == Phase.READY:  # the step message is not a countdown: one timer, at the end
        return ((duration, TimerKind.READY_END),)
    if phase == Phase.SWITCH_SIDES:
        return ((duration, TimerKind.SWITCH_END),)
    if phase == Phase.RESTING:
        return timer_schedule(duration, state.tick_seconds, halfway=False, end=TimerKind.REST_END)
    return timer_schedule(duration, state.tick_seconds, halfway=step.halfway_cue, end=TimerKind.HOLD_END)


def _pending_checkpoint(routine: Routine, state: RoutineState) -> tuple[int, TimerKind]:
    """The first checkpoint after `elapsed`: the one the pending timer is for."""
    schedule = _schedule(routine, state)
    for moment, kind in schedule:
        if moment > state.elapsed:
            return moment, kind
    return schedule[-1]  # elapsed at or past the end (content changed): end now


def _next_timer(routine: Routine, state: RoutineState) -> ScheduleTimer:
    moment, kind = _pending_checkpoint(routine, state)
    return ScheduleTimer(kind, max(0, moment - state.elapsed), state.timer_seq)


def _live(routine: Routine, state: RoutineState, phase: Phase, *, halfway: bool = False) -> LiveUpdate:
    slot = _slot(routine, state)
    reps = step_reps(routine, slot.step, state.gentle)
    left = max(0, _duration(routine, state) - state.elapsed)
    return LiveUpdate(slot.step.id, slot.side, state.rep, reps, left, phase, halfway)


def _show_step(routine: Routine, state: RoutineState) -> ShowStep:
    slot = _slot(routine, state)
    return ShowStep(
        slot.step.id,
        slot.side,
        state.rep,
        step_reps(routine, slot.step, state.gentle),
        step_hold_seconds(routine, slot.step, state.gentle),
        max(0, routine.get_ready_of(slot.step)) if state.hands_free else None,
    )


def _switch_sides(routine: Routine, state: RoutineState) -> SwitchSides:
    slots = walkthrough(routine)
    before, after = slots[state.slot - 1].side, slots[state.slot].side
    assert before is not None
    assert after is not None
    return SwitchSides(before, after, max(0, routine.switch_seconds) if state.hands_free else None)


def _cut(routine: Routine, state: RoutineState, *, stopped: bool) -> list[Effect]:
    """A HoldCut when a hold or rest (running or paused) is ended early; nothing otherwise."""
    if _countdown_phase(state) not in _TIMED:
        return []
    slot = _slot(routine, state)
    return [HoldCut(slot.step.id, slot.side, state.rep, step_reps(routine, slot.step, state.gentle), stopped)]
