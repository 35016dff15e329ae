"""The routine walkthrough machine: every transition of its diagram, whole walkthroughs, seq/stale handling,
timers, pause/resume, restore after a restart, the gentle variant, and properties under random events."""

from __future__ import annotations

import ast
import itertools
import json
import re
import sys
from collections import deque
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

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
from bot.domain.routine_machine import (
    CurrentStep,
    RoutineState,
    current_step,
    initial_state,
    progress,
    step_hold_seconds,
    step_reps,
    timer_schedule,
    transition,
    walkthrough,
)
from bot.domain.routine_model import GentleVariant, Routine, Step

PIGEON = Routine(
    id="pigeon",
    title="Pigeon stretch",
    summary="A hip stretch for a stiff back",
    minutes=8,
    steps=(
        Step("position", "Get into position", "Pigeon pose, both legs at 90 degrees.", per_side=True),
        Step(
            "lean_forward",
            "Lean forward",
            "Lean forward over the front leg.",
            per_side=True,
            reps=3,
            hold_seconds=30,
            rest_seconds=10,
        ),
        Step(
            "lean_back_turn",
            "Lean back and turn",
            "Lean back and turn towards the front leg.",
            per_side=True,
            reps=3,
            hold_seconds=30,
            rest_seconds=10,
        ),
    ),
    sides=("left", "right"),
)

# Unsided steps around a sided one, a timed step without rest, a hold too short for a halfway cue.
MIXED = Routine(
    id="mixed",
    title="Mixed",
    summary="",
    minutes=3,
    steps=(
        Step("warm_up", "Warm up", "Walk around.", reps=4),
        Step("sided", "Sided", "Hold.", per_side=True, reps=2, hold_seconds=12, rest_seconds=0),
        Step("cool_down", "Cool down", "Hold.", reps=1, hold_seconds=8, halfway_cue=False),
    ),
)
ONE_SIDE = Routine(
    id="one_side",
    title="One side",
    summary="",
    minutes=1,
    steps=(Step("hold", "Hold", "Hold.", per_side=True, reps=2, hold_seconds=20, rest_seconds=20),),
    sides=("left",),
)
EMPTY = Routine(id="empty", title="Empty", summary="", minutes=0, steps=())

ROUTINES = (PIGEON, MIXED, ONE_SIDE, EMPTY)
DIAGRAM = Path(__file__).resolve().parents[2] / "bot" / "domain" / "routine_machine.md"


# --- helpers ------------------------------------------------------------------------------------------------


def step(state: RoutineState, event: Event, routine: Routine = PIGEON) -> tuple[RoutineState, list[Effect]]:
    return transition(routine, state, event)


def begun(routine: Routine = PIGEON, **kwargs: object) -> RoutineState:
    state, _ = transition(routine, initial_state(routine, **kwargs), Begin())  # type: ignore[arg-type]
    return state


def timers(effects: list[Effect]) -> list[ScheduleTimer]:
    return [effect for effect in effects if isinstance(effect, ScheduleTimer)]


def fire(state: RoutineState, effects: list[Effect], routine: Routine = PIGEON) -> tuple[RoutineState, list[Effect]]:
    """Fire the one timer the last transition armed."""
    (timer,) = timers(effects)
    return transition(routine, state, TimerFired(timer.timer_seq, timer.kind))


def holding_first_rep(routine: Routine = PIGEON, tick_seconds: int = 10) -> tuple[RoutineState, list[Effect]]:
    """Pigeon: left side, lean_forward, rep 1 just started."""
    state = begun(routine, tick_seconds=tick_seconds)
    state, _ = step(state, Done(state.seq), routine)  # position done
    return step(state, Done(state.seq), routine)  # start the hold


def at_phase(phase: Phase, routine: Routine = PIGEON) -> RoutineState:
    """Drive a walkthrough until it reaches `phase` (by Done and timers)."""
    state = initial_state(routine)
    state, effects = step(state, Begin(), routine)
    for _ in range(500):
        if state.phase == phase:
            return state
        pending = timers(effects)
        if phase == Phase.PAUSED and state.phase == Phase.HOLDING:
            event: Event = Pause(state.seq)
        elif pending:
            event = TimerFired(pending[0].timer_seq, pending[0].kind)
        elif state.phase == Phase.ASK_AFTER_RATING:
            event = AfterRating(4)
        else:
            event = Done(state.seq)
        state, effects = step(state, event, routine)
    raise AssertionError(f"never reached {phase}")


def run_all(
    routine: Routine, state: RoutineState, effects: list[Effect], *, rating: float = 3, side: str = "left"
) -> tuple[RoutineState, list[Effect]]:
    """Drive to the end, pressing Done where the user must and firing every armed timer; all effects."""
    log = list(effects)
    for _ in range(1000):
        if state.phase in (Phase.FINISHED, Phase.STOPPED):
            return state, log
        pending = timers(effects)
        if pending:
            event: Event = TimerFired(pending[0].timer_seq, pending[0].kind)
        elif state.phase == Phase.ASK_AFTER_RATING:
            event = AfterRating(rating)
        elif state.phase == Phase.ASK_TIGHTER_SIDE:
            event = TighterSide(side)
        else:
            event = Done(state.seq)
        new, effects = transition(routine, state, event)
        assert new.timer_seq == state.timer_seq + 1
        assert new.seq == state.seq + (0 if is_checkpoint(event) else 1)
        state = new
        log.extend(effects)
    raise AssertionError("walkthrough did not end")


def through_checkpoints(state: RoutineState, effects: list[Effect]) -> tuple[RoutineState, list[Effect]]:
    """Fire the TICK and HALFWAY checkpoints until the armed timer is the one that ends the hold or rest."""
    while timers(effects)[0].kind in (TimerKind.TICK, TimerKind.HALFWAY):
        state, effects = fire(state, effects)
    return state, effects


def is_checkpoint(event: Event) -> bool:
    """A TICK or HALFWAY timer: it moves `timer_seq` only, so the buttons on the live message stay valid."""
    return isinstance(event, TimerFired) and event.kind in (TimerKind.TICK, TimerKind.HALFWAY)


def accepted(old: RoutineState, new: RoutineState, effects: list[Effect], *, checkpoint: bool = False) -> None:
    assert new.timer_seq == old.timer_seq + 1
    assert new.seq == old.seq + (0 if checkpoint else 1)
    assert not any(isinstance(effect, Stale | Ignored) for effect in effects)


def unchanged(old: RoutineState, new: RoutineState, effects: list[Effect], expected: Effect) -> None:
    assert new == old
    assert effects == [expected]


# --- the walkthrough order and numbers ------------------------------------------------------------------


def test_walkthrough_order_sides_then_unsided_before_and_after() -> None:
    assert [(s.step.id, s.side) for s in walkthrough(PIGEON)] == [
        ("position", "left"),
        ("lean_forward", "left"),
        ("lean_back_turn", "left"),
        ("position", "right"),
        ("lean_forward", "right"),
        ("lean_back_turn", "right"),
    ]
    assert [(s.step.id, s.side) for s in walkthrough(MIXED)] == [
        ("warm_up", None),
        ("sided", "left"),
        ("sided", "right"),
        ("cool_down", None),
    ]
    assert walkthrough(EMPTY) == ()


def test_per_side_steps_without_sides_are_done_once() -> None:
    routine = replace(ONE_SIDE, sides=())
    assert [(s.step.id, s.side) for s in walkthrough(routine)] == [("hold", None)]


def test_initial_state() -> None:
    state = initial_state(PIGEON)
    assert state == RoutineState(routine_id="pigeon")
    assert (state.phase, state.seq, state.timer_seq, state.gentle, state.tick_seconds, state.version) == (
        Phase.NEW,
        0,
        0,
        False,
        10,
        2,
    )
    assert initial_state(PIGEON, gentle=True).gentle
    assert initial_state(PIGEON, tick_seconds=1).tick_seconds == 5
    with pytest.raises(ValueError, match="tick_seconds"):
        RoutineState(routine_id="pigeon", tick_seconds=4)


def test_progress_and_current_step() -> None:
    state = initial_state(PIGEON)
    assert progress(PIGEON, state) == (0, 6)
    assert current_step(PIGEON, state) is None
    state, effects = holding_first_rep()
    assert progress(PIGEON, state) == (1, 6)
    assert current_step(PIGEON, state) == CurrentStep(
        step=PIGEON.steps[1], side="left", rep=1, reps=3, hold_seconds=30, rest_seconds=10, seconds_left=30
    )
    state, _ = fire(state, effects)  # the first tick
    current = current_step(PIGEON, state)
    assert current is not None
    assert current.seconds_left == 20
    switch = at_phase(Phase.SWITCH_SIDES)
    assert progress(PIGEON, switch) == (3, 6)
    current = current_step(PIGEON, switch)
    assert current is not None
    assert (current.step.id, current.side, current.seconds_left) == ("position", "right", None)
    asking = at_phase(Phase.ASK_AFTER_RATING)
    assert progress(PIGEON, asking) == (6, 6)
    assert current_step(PIGEON, asking) is None


def test_timer_schedule() -> None:
    assert timer_schedule(30, 10, halfway=True, end=TimerKind.HOLD_END) == (  # every 10 s, and the true halfway
        (10, TimerKind.TICK),
        (15, TimerKind.HALFWAY),
        (20, TimerKind.TICK),
        (30, TimerKind.HOLD_END),
    )
    assert timer_schedule(30, 5, halfway=True, end=TimerKind.HOLD_END) == (
        (5, TimerKind.TICK),
        (10, TimerKind.TICK),
        (15, TimerKind.HALFWAY),
        (20, TimerKind.TICK),
        (25, TimerKind.TICK),
        (30, TimerKind.HOLD_END),
    )
    assert timer_schedule(60, 10, halfway=True, end=TimerKind.HOLD_END) == (
        (10, TimerKind.TICK),
        (20, TimerKind.TICK),
        (30, TimerKind.HALFWAY),
        (40, TimerKind.TICK),
        (50, TimerKind.TICK),
        (60, TimerKind.HOLD_END),
    )
    assert timer_schedule(30, 10, halfway=False, end=TimerKind.HOLD_END) == (
        (10, TimerKind.TICK),
        (20, TimerKind.TICK),
        (30, TimerKind.HOLD_END),
    )
    assert timer_schedule(9, 5, halfway=True, end=TimerKind.HOLD_END) == ((9, TimerKind.HOLD_END),)
    assert timer_schedule(10, 10, halfway=True, end=TimerKind.HOLD_END) == (
        (5, TimerKind.HALFWAY),
        (10, TimerKind.HOLD_END),
    )
    assert timer_schedule(10, 10, halfway=False, end=TimerKind.REST_END) == ((10, TimerKind.REST_END),)


@given(
    duration=st.integers(1, 600),
    tick=st.integers(5, 60),
    halfway=st.booleans(),
)
def test_live_message_edited_at_most_once_per_tick(duration: int, tick: int, halfway: bool) -> None:
    schedule = timer_schedule(duration, tick, halfway=halfway, end=TimerKind.HOLD_END)
    assert schedule[-1] == (duration, TimerKind.HOLD_END)
    moments = [0, *(moment for moment, _ in schedule)]
    assert moments == sorted(set(moments))
    kinds = [kind for _, kind in schedule]
    assert kinds.count(TimerKind.HALFWAY) == (1 if halfway and duration >= 10 else 0)
    for before, after in itertools.pairwise(moments):
        assert after - before >= min(5, duration)  # a hold shorter than 5 s has only its end
    ticks = [moment for moment, kind in schedule if kind == TimerKind.TICK]
    assert all(moment % tick == 0 for moment in ticks)  # the documented interval
    assert all(duration - moment >= 5 for moment in ticks)
    for before, after in itertools.pairwise(moments):  # never much later than the interval says
        assert after - before <= tick + 10


# --- every transition of the diagram, one by one ---------------------------------------------------


def test_begin_shows_the_first_step() -> None:
    state = initial_state(PIGEON)
    new, effects = step(state, Begin())
    accepted(state, new, effects)
    assert new.phase == Phase.READY
    assert effects == [ShowStep("position", "left", 1, 1, None)]


def test_begin_with_no_steps_goes_to_the_questions() -> None:
    state = initial_state(EMPTY)
    new, effects = transition(EMPTY, state, Begin())
    accepted(state, new, effects)
    assert new.phase == Phase.ASK_AFTER_RATING
    assert effects == [AskAfterRating()]


def test_begin_twice_is_ignored() -> None:
    state = begun()
    unchanged(state, *step(state, Begin()), Ignored(IgnoreReason.WRONG_PHASE))


def test_ready_done_untimed_shows_the_next_step() -> None:
    state = begun()
    new, effects = step(state, Done(state.seq))
    accepted(state, new, effects)
    assert (new.phase, new.slot) == (Phase.READY, 1)
    assert effects == [ShowStep("lean_forward", "left", 1, 3, 30)]


def test_ready_done_timed_starts_the_hold() -> None:
    state, effects = holding_first_rep()
    assert (state.phase, state.rep, state.elapsed) == (Phase.HOLDING, 1, 0)
    assert effects == [
        StartHold("lean_forward", "left", 1, 3, 30),
        ScheduleTimer(TimerKind.TICK, 10, state.timer_seq),
    ]


def test_ready_skip_skips_the_step() -> None:
    state = begun()
    new, effects = step(state, Skip(state.seq))
    accepted(state, new, effects)
    assert effects == [ShowStep("lean_forward", "left", 1, 3, 30)]


def test_ready_done_or_skip_on_the_last_step_of_a_side_switches_sides() -> None:
    state = begun()
    state, _ = step(state, Skip(state.seq))
    state, _ = step(state, Skip(state.seq))
    new, effects = step(state, Skip(state.seq))
    accepted(state, new, effects)
    assert new.phase == Phase.SWITCH_SIDES
    assert effects == [SwitchSides("left", "right")]
    state = begun(MIXED)
    state, _ = step(state, Done(state.seq), MIXED)  # warm up
    state, _ = step(state, Skip(state.seq), MIXED)  # sided, left
    state, _ = step(state, Done(state.seq), MIXED)  # switch
    state, _ = step(state, Skip(state.seq), MIXED)  # sided, right: next is unsided, no switch
    assert state.phase == Phase.READY
    new, effects = step(state, Skip(state.seq), MIXED)  # cool down was the last
    assert new.phase == Phase.ASK_AFTER_RATING
    assert effects == [AskAfterRating()]


def test_ready_done_on_the_last_untimed_step_asks_the_rating() -> None:
    routine = Routine(id="r", title="", summary="", minutes=1, steps=(Step("only", "", ""),))
    state = begun(routine)
    new, effects = transition(routine, state, Done(state.seq))
    accepted(state, new, effects)
    assert (new.phase, effects) == (Phase.ASK_AFTER_RATING, [AskAfterRating()])


def test_holding_tick_and_halfway_update_the_live_message() -> None:
    state, effects = holding_first_rep(tick_seconds=5)
    assert timers(effects) == [ScheduleTimer(TimerKind.TICK, 5, state.timer_seq)]
    seen = []
    for _ in range(5):
        new, effects = fire(state, effects)
        accepted(state, new, effects, checkpoint=True)
        assert new.phase == Phase.HOLDING
        live, timer = effects
        assert isinstance(live, LiveUpdate)
        assert isinstance(timer, ScheduleTimer)
        assert timer.timer_seq == new.timer_seq
        seen.append((new.elapsed, live.seconds_left, live.halfway, timer.kind, timer.after_seconds))
        state = new
    assert seen == [
        (5, 25, False, TimerKind.TICK, 5),
        (10, 20, False, TimerKind.HALFWAY, 5),
        (15, 15, True, TimerKind.TICK, 5),
        (20, 10, False, TimerKind.TICK, 5),
        (25, 5, False, TimerKind.HOLD_END, 5),
    ]
    assert effects[0] == LiveUpdate("lean_forward", "left", 1, 3, 5, Phase.HOLDING, False)


def test_holding_end_with_more_reps_releases_and_rests() -> None:
    state, effects = through_checkpoints(*holding_first_rep())
    new, effects = fire(state, effects)
    accepted(state, new, effects)
    assert (new.phase, new.rep, new.elapsed) == (Phase.RESTING, 1, 0)
    assert effects == [
        Release("lean_forward", "left", 1, 3, 10),
        ScheduleTimer(TimerKind.REST_END, 10, new.timer_seq),
    ]


def test_holding_done_ends_the_hold_early() -> None:
    state, _ = holding_first_rep()
    new, effects = step(state, Done(state.seq))
    accepted(state, new, effects)
    assert new.phase == Phase.RESTING
    assert effects == [
        CancelTimers(),
        Release("lean_forward", "left", 1, 3, 10),
        ScheduleTimer(TimerKind.REST_END, 10, new.timer_seq),
    ]


def test_holding_end_without_rest_starts_the_next_rep() -> None:
    state = begun(MIXED)
    state, _ = step(state, Done(state.seq), MIXED)
    state, effects = step(state, Done(state.seq), MIXED)
    assert effects == [StartHold("sided", "left", 1, 2, 12), ScheduleTimer(TimerKind.HALFWAY, 6, state.timer_seq)]
    state, effects = fire(state, effects, MIXED)
    new, effects = fire(state, effects, MIXED)
    accepted(state, new, effects)
    assert (new.phase, new.rep) == (Phase.HOLDING, 2)
    assert effects == [
        Release("sided", "left", 1, 2, 0),
        StartHold("sided", "left", 2, 2, 12),
        ScheduleTimer(TimerKind.HALFWAY, 6, new.timer_seq),
    ]
    early, effects = step(state, Done(state.seq), MIXED)
    assert (early.phase, early.rep) == (Phase.HOLDING, 2)
    assert effects[0] == CancelTimers()


def test_holding_end_of_the_last_rep_goes_to_the_next_step() -> None:
    state = at_phase(Phase.HOLDING)
    state = replace(state, rep=3)
    new, effects = step(state, Done(state.seq))
    accepted(state, new, effects)
    assert new.phase == Phase.READY
    assert effects == [
        CancelTimers(),
        Release("lean_forward", "left", 3, 3, 0),
        ShowStep("lean_back_turn", "left", 1, 3, 30),
    ]


def test_holding_skip_skips_the_rest_of_the_step() -> None:
    state, _ = holding_first_rep()
    new, effects = step(state, Skip(state.seq))
    accepted(state, new, effects)
    assert new.phase == Phase.READY
    assert effects == [
        CancelTimers(),
        HoldCut("lean_forward", "left", 1, 3, stopped=False),
        ShowStep("lean_back_turn", "left", 1, 3, 30),
    ]


def test_resting_tick_end_and_done() -> None:
    state, effects = holding_first_rep(tick_seconds=5)
    state, effects = step(state, Done(state.seq))  # to the rest
    assert timers(effects) == [ScheduleTimer(TimerKind.TICK, 5, state.timer_seq)]
    new, effects = fire(state, effects)
    accepted(state, new, effects, checkpoint=True)
    assert new.phase == Phase.RESTING
    assert effects == [
        LiveUpdate("lean_forward", "left", 1, 3, 5, Phase.RESTING),
        ScheduleTimer(TimerKind.REST_END, 5, new.timer_seq),
    ]
    state = new
    new, effects = fire(state, effects)
    accepted(state, new, effects)
    assert (new.phase, new.rep, new.elapsed) == (Phase.HOLDING, 2, 0)
    assert effects == [StartHold("lean_forward", "left", 2, 3, 30), ScheduleTimer(TimerKind.TICK, 5, new.timer_seq)]
    early, effects = step(state, Done(state.seq))
    assert (early.phase, early.rep) == (Phase.HOLDING, 2)
    assert effects[0] == CancelTimers()
    assert effects[1] == StartHold("lean_forward", "left", 2, 3, 30)


def test_resting_skip() -> None:
    state = at_phase(Phase.RESTING)
    new, effects = step(state, Skip(state.seq))
    accepted(state, new, effects)
    assert effects == [
        CancelTimers(),
        HoldCut("lean_forward", "left", 1, 3, stopped=False),
        ShowStep("lean_back_turn", "left", 1, 3, 30),
    ]


def test_pause_and_resume_in_the_middle_of_a_hold_keeps_the_remaining_time() -> None:
    state, effects = holding_first_rep()
    state, effects = fire(state, effects)  # 10 s: a tick
    state, effects = fire(state, effects)  # halfway: 15 s left
    old_timer = timers(effects)[0]
    paused, effects = step(state, Pause(state.seq))
    accepted(state, paused, effects)
    assert (paused.phase, paused.paused_phase, paused.elapsed) == (Phase.PAUSED, Phase.HOLDING, 15)
    assert effects == [
        CancelTimers(),
        Paused(),
        LiveUpdate("lean_forward", "left", 1, 3, 15, Phase.PAUSED),
    ]
    # the timer armed before the pause is dead
    unchanged(paused, *step(paused, TimerFired(old_timer.timer_seq, old_timer.kind)), Stale())
    resumed, effects = step(paused, Resume(paused.seq))
    accepted(paused, resumed, effects)
    assert (resumed.phase, resumed.paused_phase, resumed.elapsed) == (Phase.HOLDING, None, 15)
    assert effects == [
        Resumed(),
        LiveUpdate("lean_forward", "left", 1, 3, 15, Phase.HOLDING),
        ScheduleTimer(TimerKind.TICK, 5, resumed.timer_seq),
    ]
    done, effects = fire(*through_checkpoints(resumed, effects))
    assert done.phase == Phase.RESTING


def test_pause_and_resume_a_rest() -> None:
    state = at_phase(Phase.RESTING)
    paused, effects = step(state, Pause(state.seq))
    accepted(state, paused, effects)
    assert paused.paused_phase == Phase.RESTING
    assert effects[-1] == LiveUpdate("lean_forward", "left", 1, 3, 10, Phase.PAUSED)
    resumed, effects = step(paused, Resume(paused.seq))
    assert resumed.phase == Phase.RESTING
    assert effects[-1] == ScheduleTimer(TimerKind.REST_END, 10, resumed.timer_seq)


def test_paused_skip_goes_on() -> None:
    state = at_phase(Phase.PAUSED)
    new, effects = step(state, Skip(state.seq))
    accepted(state, new, effects)
    assert (new.phase, new.paused_phase) == (Phase.READY, None)
    assert effects == [
        CancelTimers(),
        HoldCut("lean_forward", "left", 1, 3, stopped=False),
        ShowStep("lean_back_turn", "left", 1, 3, 30),
    ]


@pytest.mark.parametrize(
    ("phase", "event_type"),
    [
        (Phase.READY, Pause),
        (Phase.READY, Resume),
        (Phase.HOLDING, Resume),
        (Phase.PAUSED, Pause),
        (Phase.PAUSED, Done),
        (Phase.SWITCH_SIDES, Skip),
        (Phase.SWITCH_SIDES, Pause),
        (Phase.ASK_AFTER_RATING, Done),
    ],
)
def test_events_that_make_no_sense_are_ignored(phase: Phase, event_type: type[Done | Skip | Pause | Resume]) -> None:
    state = at_phase(phase)
    unchanged(state, *step(state, event_type(state.seq)), Ignored(IgnoreReason.WRONG_PHASE))


def test_a_timer_in_a_phase_without_timers_is_ignored() -> None:
    state = begun()
    new, effects = step(state, TimerFired(state.timer_seq, TimerKind.HOLD_END))
    unchanged(state, new, effects, Ignored(IgnoreReason.WRONG_PHASE))


def test_a_current_timer_of_the_wrong_kind_is_ignored() -> None:
    state, _ = holding_first_rep()
    for kind in (TimerKind.HALFWAY, TimerKind.HOLD_END, TimerKind.REST_END, TimerKind.READY_END):
        unchanged(state, *step(state, TimerFired(state.timer_seq, kind)), Ignored(IgnoreReason.UNEXPECTED_TIMER))


def test_switch_sides_done_shows_the_first_step_of_the_next_side() -> None:
    state = at_phase(Phase.SWITCH_SIDES)
    new, effects = step(state, Done(state.seq))
    accepted(state, new, effects)
    assert new.phase == Phase.READY
    assert effects == [ShowStep("position", "right", 1, 1, None)]


def test_after_rating_then_tighter_side_then_finished() -> None:
    state = at_phase(Phase.ASK_AFTER_RATING)
    for bad in (-1, 10.5, float("nan"), float("inf")):
        unchanged(state, *step(state, AfterRating(bad)), Ignored(IgnoreReason.BAD_RATING))
    unchanged(state, *step(state, TighterSide("left")), Ignored(IgnoreReason.WRONG_PHASE))
    rated, effects = step(state, AfterRating(2.5))
    accepted(state, rated, effects)
    assert (rated.phase, rated.after_rating, effects) == (Phase.ASK_TIGHTER_SIDE, 2.5, [AskTighterSide()])
    unchanged(rated, *step(rated, AfterRating(3)), Ignored(IgnoreReason.WRONG_PHASE))
    unchanged(rated, *step(rated, TighterSide("up")), Ignored(IgnoreReason.BAD_SIDE))
    for side in ("left", "right", "same"):
        done, effects = step(rated, TighterSide(side))
        accepted(rated, done, effects)
        assert (done.phase, done.tighter_side) == (Phase.FINISHED, side)
        assert effects == [Finished(completed=True, after_rating=2.5, tighter_side=side)]


def test_the_questions_can_be_skipped() -> None:
    state = at_phase(Phase.ASK_AFTER_RATING)
    asked, effects = step(state, Skip(state.seq))
    accepted(state, asked, effects)
    assert (asked.phase, asked.after_rating, effects) == (Phase.ASK_TIGHTER_SIDE, None, [AskTighterSide()])
    done, effects = step(asked, Skip(asked.seq))
    accepted(asked, done, effects)
    assert effects == [Finished(completed=True, after_rating=None, tighter_side=None)]


def test_no_tighter_side_question_without_two_sides() -> None:
    for routine in (ONE_SIDE, EMPTY):
        state = at_phase(Phase.ASK_AFTER_RATING, routine)
        done, effects = transition(routine, state, AfterRating(0))
        assert done.phase == Phase.FINISHED
        assert effects == [Finished(completed=True, after_rating=0.0, tighter_side=None)]
        _, effects = transition(routine, state, Skip(state.seq))
        assert effects == [Finished(completed=True, after_rating=None, tighter_side=None)]


@pytest.mark.parametrize(
    "phase",
    [
        Phase.NEW,
        Phase.READY,
        Phase.HOLDING,
        Phase.RESTING,
        Phase.PAUSED,
        Phase.SWITCH_SIDES,
        Phase.ASK_AFTER_RATING,
        Phase.ASK_TIGHTER_SIDE,
    ],
)
def test_stop_from_every_active_phase(phase: Phase) -> None:
    state = initial_state(PIGEON) if phase == Phase.NEW else at_phase(phase)
    new, effects = step(state, Stop(state.seq))
    accepted(state, new, effects)
    assert (new.phase, new.paused_phase) == (Phase.STOPPED, None)
    completed = phase in (Phase.ASK_AFTER_RATING, Phase.ASK_TIGHTER_SIDE)
    rating = 4.0 if phase == Phase.ASK_TIGHTER_SIDE else None
    cut = (
        [HoldCut("lean_forward", "left", 1, 3, stopped=True)]
        if phase in (Phase.HOLDING, Phase.RESTING, Phase.PAUSED)
        else []
    )
    assert effects == [CancelTimers(), *cut, Stopped(), Finished(completed, rating, None)]


@pytest.mark.parametrize("phase", [Phase.FINISHED, Phase.STOPPED])
def test_every_event_after_the_end_is_ignored(phase: Phase) -> None:
    state = replace(at_phase(Phase.ASK_AFTER_RATING), phase=phase)
    events: list[Event] = [
        Begin(),
        Done(state.seq),
        Skip(state.seq),
        Pause(state.seq),
        Resume(state.seq),
        Stop(state.seq),
        Stop(state.seq - 1),
        TimerFired(state.timer_seq, TimerKind.TICK),
        AfterRating(5),
        TighterSide("left"),
        Restore(),
    ]
    for event in events:
        unchanged(state, *step(state, event), Ignored(IgnoreReason.FINISHED))


# --- seq and stale events ----------------------------------------------------------------------------


def test_double_tap_never_advances_twice() -> None:
    state = begun()
    tap = Done(state.seq)
    once, effects = step(state, tap)
    assert effects == [ShowStep("lean_forward", "left", 1, 3, 30)]
    unchanged(once, *step(once, tap), Stale())
    holding, _ = step(once, Done(once.seq))
    tap = Done(holding.seq)
    resting, _ = step(holding, tap)
    assert resting.phase == Phase.RESTING
    unchanged(resting, *step(resting, tap), Stale())  # would otherwise end the rest too


@pytest.mark.parametrize("make", [Done, Skip, Pause, Resume, Stop])
def test_old_and_future_seqs_are_stale(make: type[Done | Skip | Pause | Resume | Stop]) -> None:
    state, _ = holding_first_rep()
    for seq in (state.seq - 1, state.seq + 1, 0, -5):
        unchanged(state, *step(state, make(seq)), Stale())


def test_timers_armed_before_a_skip_or_stop_are_stale() -> None:
    state, effects = holding_first_rep()
    armed = timers(effects)[0]
    skipped, _ = step(state, Skip(state.seq))
    unchanged(skipped, *step(skipped, TimerFired(armed.timer_seq, armed.kind)), Stale())
    early, _ = step(state, Done(state.seq))
    unchanged(early, *step(early, TimerFired(armed.timer_seq, armed.kind)), Stale())
    stopped, _ = step(state, Stop(state.seq))
    unchanged(stopped, *step(stopped, TimerFired(armed.timer_seq, armed.kind)), Ignored(IgnoreReason.FINISHED))


def test_buttons_stay_valid_across_timer_checkpoints() -> None:
    """The live message's Done/Skip/Pause/Stop (made for `seq`) still work after TICK and HALFWAY checkpoints."""
    state, effects = holding_first_rep(tick_seconds=5)
    buttons_seq = state.seq
    for _ in range(3):  # 5 s TICK, 10 s TICK, 15 s HALFWAY
        state, effects = fire(state, effects)
        assert state.seq == buttons_seq
    assert (state.phase, state.elapsed) == (Phase.HOLDING, 15)
    for make in (Done, Skip, Pause, Stop):
        new, effects = step(state, make(buttons_seq))
        accepted(state, new, effects)
    _, effects = step(state, Pause(buttons_seq))
    assert effects[-1] == LiveUpdate("lean_forward", "left", 1, 3, 15, Phase.PAUSED)


def test_a_timer_that_ends_a_hold_or_rest_stales_the_buttons() -> None:
    """Done means "end the hold early" while holding and "end the rest early" while resting: a Done that races
    the end of a hold must not also end the rest."""
    state, effects = holding_first_rep()
    tap = Done(state.seq)
    state, effects = through_checkpoints(state, effects)  # TICK, HALFWAY, TICK: the tap is still good
    state, effects = fire(state, effects)  # HOLD_END: now resting
    assert state.phase == Phase.RESTING
    unchanged(state, *step(state, tap), Stale())
    tap = Done(state.seq)
    state, effects = fire(state, effects)  # REST_END: rep 2 starts
    assert (state.phase, state.rep) == (Phase.HOLDING, 2)
    unchanged(state, *step(state, tap), Stale())


def test_timers_and_buttons_use_separate_counters() -> None:
    state, effects = holding_first_rep()
    (armed,) = timers(effects)
    # a button event carrying the timer's counter (or a timer carrying the buttons') is judged on its own counter
    state = replace(state, timer_seq=state.seq + 7)
    unchanged(state, *step(state, TimerFired(state.seq, armed.kind)), Stale())
    new, _ = step(state, TimerFired(state.timer_seq, armed.kind))
    assert new.elapsed == 10
    unchanged(state, *step(state, Done(state.timer_seq)), Stale())


def test_a_version_1_state_is_read_with_timer_seq_equal_to_seq() -> None:
    state, _ = holding_first_rep()
    old = {key: value for key, value in state.to_dict().items() if key != "timer_seq"}
    old["version"] = 1
    read = RoutineState.from_dict(old)
    assert (read.version, read.seq, read.timer_seq) == (2, state.seq, state.seq)


def test_a_timer_firing_twice_counts_once() -> None:
    state, effects = holding_first_rep()
    armed = timers(effects)[0]
    once, _ = step(state, TimerFired(armed.timer_seq, armed.kind))
    unchanged(once, *step(once, TimerFired(armed.timer_seq, armed.kind)), Stale())


# --- whole walkthroughs ----------------------------------------------------------------------------------


def test_whole_pigeon_walkthrough() -> None:
    state = initial_state(PIGEON)
    state, effects = step(state, Begin())
    state, log = run_all(PIGEON, state, effects, rating=3, side="right")
    assert state.phase == Phase.FINISHED
    assert (state.after_rating, state.tighter_side) == (3.0, "right")
    expected: list[Effect] = []
    for side, other in (("left", "right"), ("right", None)):
        expected.append(ShowStep("position", side, 1, 1, None))
        for step_id in ("lean_forward", "lean_back_turn"):
            expected.append(ShowStep(step_id, side, 1, 3, 30))
            for rep in (1, 2, 3):
                expected.append(StartHold(step_id, side, rep, 3, 30))
                expected.append(Release(step_id, side, rep, 3, 10 if rep < 3 else 0))
        if other is not None:
            expected.append(SwitchSides(side, other))
    shown = [e for e in log if isinstance(e, ShowStep | StartHold | Release | SwitchSides)]
    assert shown == expected
    assert log[-3:] == [AskAfterRating(), AskTighterSide(), Finished(True, 3.0, "right")]
    halfway = [e for e in log if isinstance(e, LiveUpdate) and e.halfway]
    assert len(halfway) == 12
    assert all(e.seconds_left == 15 for e in halfway)
    assert not any(isinstance(e, Stale | Ignored | CancelTimers) for e in log)


def test_whole_mixed_walkthrough() -> None:
    state, effects = step(initial_state(MIXED), Begin(), MIXED)
    state, log = run_all(MIXED, state, effects)
    shown = [e for e in log if isinstance(e, ShowStep | StartHold | Release | SwitchSides)]
    assert shown == [
        ShowStep("warm_up", None, 1, 1, None),
        ShowStep("sided", "left", 1, 2, 12),
        StartHold("sided", "left", 1, 2, 12),
        Release("sided", "left", 1, 2, 0),
        StartHold("sided", "left", 2, 2, 12),
        Release("sided", "left", 2, 2, 0),
        SwitchSides("left", "right"),
        ShowStep("sided", "right", 1, 2, 12),
        StartHold("sided", "right", 1, 2, 12),
        Release("sided", "right", 1, 2, 0),
        StartHold("sided", "right", 2, 2, 12),
        Release("sided", "right", 2, 2, 0),
        ShowStep("cool_down", None, 1, 1, 8),
        StartHold("cool_down", None, 1, 1, 8),
        Release("cool_down", None, 1, 1, 0),
    ]
    # the cool down has no halfway cue (and is too short for one anyway): its only timer is the end
    last_timer = [e for e in log if isinstance(e, ScheduleTimer)][-1]
    assert (last_timer.kind, last_timer.after_seconds) == (TimerKind.HOLD_END, 8)
    assert state.phase == Phase.FINISHED


def test_gentle_variant_fewer_reps_and_shorter_holds() -> None:
    assert step_reps(PIGEON, PIGEON.steps[1], True) == 2
    assert step_hold_seconds(PIGEON, PIGEON.steps[1], True) == 18  # 30 * 0.6
    assert step_reps(PIGEON, PIGEON.steps[0], True) == 1
    assert step_hold_seconds(PIGEON, PIGEON.steps[0], True) is None
    state = initial_state(PIGEON, gentle=True)
    state, effects = step(state, Begin())
    state, log = run_all(PIGEON, state, effects)
    holds = [e for e in log if isinstance(e, StartHold)]
    assert len(holds) == 2 * 2 * 2
    assert {(e.reps, e.seconds) for e in holds} == {(2, 18)}
    assert ShowStep("lean_forward", "left", 1, 2, 18) in log
    assert ScheduleTimer(TimerKind.HALFWAY, 9, 3) in log


def test_gentle_rounding_minimum_and_never_longer() -> None:
    def routine(hold: int, reps: int, scale: float, gentle_reps: int) -> Routine:
        return Routine(
            id="g",
            title="",
            summary="",
            minutes=1,
            steps=(Step("s", "", "", reps=reps, hold_seconds=hold),),
            gentle=GentleVariant(reps=gentle_reps, hold_scale=scale),
        )

    def numbers(r: Routine) -> tuple[int, int | None]:
        return step_reps(r, r.steps[0], True), step_hold_seconds(r, r.steps[0], True)

    assert numbers(routine(25, 3, 0.5, 2)) == (2, 13)  # 12.5 rounds half up
    assert numbers(routine(20, 3, 0.1, 5)) == (3, 5)  # at least 5 s; never more reps than the step
    assert numbers(routine(3, 1, 0.5, 0)) == (1, 3)  # never longer than the normal hold; at least one rep


# --- Restore and the stored state ------------------------------------------------------------------


def roundtrip(state: RoutineState) -> RoutineState:
    return RoutineState.from_dict(json.loads(json.dumps(state.to_dict())))


def test_restore_after_a_restart_in_the_middle_of_a_hold_rearms_the_remaining_time() -> None:
    state, effects = holding_first_rep(tick_seconds=5)
    state, effects = fire(state, effects)  # 5 s
    state, effects = fire(state, effects)  # 10 s
    stored = json.dumps(state.to_dict())
    restarted = RoutineState.from_dict(json.loads(stored))
    assert restarted == state
    new, effects = step(restarted, Restore())
    assert new == restarted
    assert effects == [
        CancelTimers(),
        LiveUpdate("lean_forward", "left", 1, 3, 20, Phase.HOLDING),
        ScheduleTimer(TimerKind.HALFWAY, 5, restarted.timer_seq),
    ]
    # the re-armed timer carries on the walkthrough
    new, effects = fire(new, effects)
    assert (new.elapsed, effects[0]) == (
        15,
        LiveUpdate("lean_forward", "left", 1, 3, 15, Phase.HOLDING, True),
    )


@pytest.mark.parametrize(
    ("phase", "expected"),
    [
        (Phase.READY, [ShowStep("position", "left", 1, 1, None)]),
        (Phase.SWITCH_SIDES, [SwitchSides("left", "right")]),
        (Phase.PAUSED, [LiveUpdate("lean_forward", "left", 1, 3, 30, Phase.PAUSED)]),
        (Phase.ASK_AFTER_RATING, [AskAfterRating()]),
        (Phase.ASK_TIGHTER_SIDE, [AskTighterSide()]),
    ],
)
def test_restore_rebuilds_the_view_of_every_phase(phase: Phase, expected: list[Effect]) -> None:
    state = roundtrip(at_phase(phase))
    new, effects = step(state, Restore())
    assert new == state
    assert effects == expected


def test_restore_during_a_rest_and_before_begin() -> None:
    state = roundtrip(at_phase(Phase.RESTING))
    new, effects = step(state, Restore())
    assert new == state
    assert effects == [
        CancelTimers(),
        LiveUpdate("lean_forward", "left", 1, 3, 10, Phase.RESTING),
        ScheduleTimer(TimerKind.REST_END, 10, state.timer_seq),
    ]
    fresh = initial_state(PIGEON)
    assert step(fresh, Restore()) == (fresh, [])


def test_to_dict_is_plain_json() -> None:
    state = replace(at_phase(Phase.PAUSED), after_rating=None)
    data = state.to_dict()
    assert data == {
        "version": 2,
        "routine_id": "pigeon",
        "gentle": False,
        "phase": "paused",
        "seq": state.seq,
        "timer_seq": state.timer_seq,
        "slot": 1,
        "rep": 1,
        "elapsed": 0,
        "paused_phase": "holding",
        "after_rating": None,
        "tighter_side": None,
        "tick_seconds": 10,
        "hands_free": False,
    }
    assert roundtrip(state) == state
    rated = replace(at_phase(Phase.ASK_TIGHTER_SIDE), tighter_side="left")
    assert roundtrip(rated) == rated
    assert RoutineState.from_dict({**rated.to_dict(), "after_rating": 4}).after_rating == 4.0


@pytest.mark.parametrize(
    "change",
    [
        {"version": 3},
        {"version": None},
        {"timer_seq": -1},
        {"timer_seq": "2"},
        {"phase": "flying"},
        {"phase": 3},
        {"seq": "1"},
        {"seq": True},
        {"seq": -1},
        {"rep": 0},
        {"gentle": 1},
        {"routine_id": None},
        {"after_rating": "high"},
        {"after_rating": True},
        {"tighter_side": 1},
        {"tick_seconds": 2},
        {"paused_phase": "holding"},  # but the phase is not PAUSED
        {"phase": "paused"},  # but no paused_phase
        {"phase": "paused", "paused_phase": "ready"},
    ],
)
def test_from_dict_rejects_malformed_data(change: dict[str, object]) -> None:
    data = {**initial_state(PIGEON).to_dict(), **change}
    with pytest.raises(ValueError):  # noqa: PT011 - any ValueError; the messages are for logs
        RoutineState.from_dict(data)
    missing = initial_state(PIGEON).to_dict()
    del missing["seq"]
    with pytest.raises(ValueError, match="seq"):
        RoutineState.from_dict(missing)


def test_a_state_that_does_not_fit_the_routine_is_refused() -> None:
    with pytest.raises(ValueError, match="routine"):
        transition(MIXED, initial_state(PIGEON), Begin())
    past = replace(at_phase(Phase.READY), slot=6)
    with pytest.raises(ValueError, match="slot"):
        transition(PIGEON, past, Restore())


# --- the diagram matches the code --------------------------------------------------------------------


def diagram_edges() -> tuple[set[tuple[str, str, str]], set[tuple[str, str]], set[str]]:
    """(direct edges (from, event, to), edges into the `next` choice (from, event), targets of `next`)."""
    block = re.search(r"```mermaid\n(.*?)```", DIAGRAM.read_text(), re.S)
    assert block is not None
    direct: set[tuple[str, str, str]] = set()
    into_next: set[tuple[str, str]] = set()
    out_of_next: set[str] = set()
    for line in block.group(1).splitlines():
        match = re.fullmatch(r"\s*(\S+) --> (\S+)(?:\s*:\s*(.*))?", line)
        if match is None:
            continue
        source, target, label = match.group(1), match.group(2), match.group(3) or ""
        event = label.split("[")[0].strip()
        if "[*]" in (source, target):
            continue
        if source == "next":
            out_of_next.add(target)
        elif target == "next":
            into_next.add((source, event))
        else:
            direct.add((source, event, target))
    return direct, into_next, out_of_next


def event_name(event: Event) -> str:
    return event.kind.name if isinstance(event, TimerFired) else type(event).__name__


def explore(routine: Routine, gentle: bool, tick_seconds: int, hands_free: bool = False) -> set[tuple[str, str, str]]:
    """Every accepted transition reachable with current-seq events, as (from phase, event, to phase)."""
    seen: set[RoutineState] = set()
    edges: set[tuple[str, str, str]] = set()
    start = initial_state(routine, gentle, tick_seconds=tick_seconds, hands_free=hands_free)
    queue = deque([start])
    while queue:
        state = queue.popleft()
        key = replace(state, seq=0, timer_seq=0)
        if key in seen:
            continue
        seen.add(key)
        events: list[Event] = [
            Begin(),
            Done(state.seq),
            Skip(state.seq),
            Pause(state.seq),
            Resume(state.seq),
            Stop(state.seq),
            *(TimerFired(state.timer_seq, kind) for kind in TimerKind),
            AfterRating(5),
            AfterRating(11),
            TighterSide("left"),
            TighterSide("same"),
            TighterSide("up"),
            Restore(),
        ]
        for event in events:
            new, _ = transition(routine, state, event)
            if new != state:
                edges.add((state.phase.name, event_name(event), new.phase.name))
                queue.append(new)
    return edges


def test_diagram_matches_the_machine() -> None:
    direct, into_next, out_of_next = diagram_edges()
    observed: set[tuple[str, str, str]] = set()
    for routine in ROUTINES:
        for gentle in (False, True):
            for tick in (5, 10):
                for hands_free in (False, True):
                    observed |= explore(routine, gentle, tick, hands_free)
    via_next = {(source, event, target) for source, event in into_next for target in out_of_next}
    assert observed - direct - via_next == set(), "transitions missing from the diagram"
    assert direct - observed == set(), "diagram arrows the machine never takes"
    for source, event in into_next:
        assert any((source, event, target) in observed for target in out_of_next), (source, event)
    for target in out_of_next:
        assert any((s, e, target) in observed for s, e in into_next), target


# --- properties under random events ----------------------------------------------------------------


@st.composite
def event_for(draw: st.DrawFn, state: RoutineState) -> Event:
    """Mostly the current seq (so walkthroughs get somewhere), sometimes another; Stop is rare."""
    seq = draw(st.one_of(st.just(state.seq), st.just(state.seq), st.integers(-2, state.seq + 2)))
    timer_seq = st.one_of(st.just(state.timer_seq), st.just(state.timer_seq), st.integers(-2, state.timer_seq + 2))
    if draw(st.integers(0, 29)) == 0:
        return Stop(seq)
    event: Event = draw(
        st.one_of(
            st.just(Begin()),
            st.just(Done(seq)),
            st.just(Skip(seq)),
            st.just(Pause(seq)),
            st.just(Resume(seq)),
            st.builds(TimerFired, timer_seq, st.sampled_from(TimerKind)),
            st.builds(AfterRating, st.one_of(st.integers(-3, 13), st.floats(allow_nan=True))),
            st.builds(TighterSide, st.sampled_from(["left", "right", "same", "up", ""])),
            st.just(Restore()),
        )
    )
    return event


@settings(max_examples=100, deadline=None)
@given(
    data=st.data(),
    routine=st.sampled_from(ROUTINES),
    gentle=st.booleans(),
    tick=st.integers(1, 20),
)
def test_random_events_never_break_the_machine(data: st.DataObject, routine: Routine, gentle: bool, tick: int) -> None:
    state = initial_state(routine, gentle, tick_seconds=tick)
    for _ in range(data.draw(st.integers(1, 120))):
        event = data.draw(event_for(state))
        new, effects = transition(routine, state, event)
        assert new.seq >= state.seq
        if new == state:
            assert len(effects) <= 3  # Stale, Ignored, or a Restore's view
        else:
            assert new.timer_seq == state.timer_seq + 1
            assert new.seq == state.seq + (0 if is_checkpoint(event) else 1)
            assert not any(isinstance(effect, Stale | Ignored) for effect in effects)
        over = state.phase in (Phase.FINISHED, Phase.STOPPED)
        if isinstance(event, Done | Skip | Pause | Resume | Stop) and not over:
            assert (effects == [Stale()]) == (event.seq != state.seq)
        if isinstance(event, TimerFired) and not over:
            assert (effects == [Stale()]) == (event.timer_seq != state.timer_seq)
        armed = timers(effects)
        assert len(armed) <= 1
        if new != state or isinstance(event, Restore):
            # exactly one timer pending while a hold or rest runs, armed with the current seq
            running = new.phase in (Phase.HOLDING, Phase.RESTING)
            assert [t.timer_seq for t in armed] == ([new.timer_seq] if running else [])
            for timer in armed:
                assert timer.after_seconds > 0
        assert roundtrip(new) == new
        assert json.loads(json.dumps(new.to_dict())) == new.to_dict()
        state = new


def test_the_machine_is_pure_stdlib() -> None:
    domain = DIAGRAM.parent
    allowed_own = {"bot.domain.routine_model", "bot.domain.routine_events", "bot.domain.routine_effects"}
    for name in ("routine_machine.py", "routine_events.py", "routine_effects.py"):
        tree = ast.parse((domain / name).read_text())
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                modules = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                modules = [node.module or ""]
            else:
                continue
            for module in modules:
                root = module.split(".")[0]
                assert module in allowed_own or root in sys.stdlib_module_names or module == "__future__", (
                    name,
                    module,
                )


# --- hands-free mode --------------------------------------------------------------------------------------


def hands_free_run(routine: Routine = PIGEON) -> tuple[RoutineState, list[Effect], list[Event]]:
    """Begin hands-free and fire every armed timer (never a tap) until the after rating is asked."""
    state = initial_state(routine, hands_free=True)
    state, effects = step(state, Begin(), routine)
    log, events = list(effects), []
    while state.phase != Phase.ASK_AFTER_RATING:
        (armed,) = timers(effects)
        event = TimerFired(armed.timer_seq, armed.kind)
        events.append(event)
        state, effects = step(state, event, routine)
        log.extend(effects)
    return state, log, events


def test_hands_free_runs_to_the_after_rating_without_a_tap() -> None:
    state, log, _ = hands_free_run()
    assert state.phase == Phase.ASK_AFTER_RATING
    starts = [effect for effect in log if isinstance(effect, StartHold)]
    assert len(starts) == 12  # 2 timed steps x 3 reps x 2 sides
    cues = [effect for effect in log if isinstance(effect, Cue)]
    kinds = [cue.kind for cue in cues]
    assert kinds.count(CueKind.HOLD_START) == 12
    assert kinds.count(CueKind.HOLD_END) == 12
    assert kinds.count(CueKind.SWITCH_SIDES) == 1
    # every hold start is cued right after its live message, every release right after its Release
    for index, effect in enumerate(log):
        if isinstance(effect, StartHold):
            assert log[index + 1] == Cue(CueKind.HOLD_START, effect.step_id, effect.side, effect.rep, effect.reps)
        if isinstance(effect, Release):
            assert log[index + 1] == Cue(
                CueKind.HOLD_END, effect.step_id, effect.side, effect.rep, effect.reps, effect.rest_seconds
            )
    switch = next(effect for effect in log if isinstance(effect, SwitchSides))
    assert switch == SwitchSides("left", "right", PIGEON.switch_seconds)


def test_hands_free_get_ready_comes_from_content() -> None:
    routine = replace(PIGEON, get_ready_seconds=7, switch_seconds=25)
    state = initial_state(routine, hands_free=True)
    state, effects = step(state, Begin(), routine)
    assert effects == [
        ShowStep("position", "left", 1, 1, None, 7),
        ScheduleTimer(TimerKind.READY_END, 7, state.timer_seq),
    ]
    assert state.counts_down
    state, effects = fire(state, effects, routine)  # position: untimed, moves on by itself
    assert effects == [
        ShowStep("lean_forward", "left", 1, 3, 30, 7),
        ScheduleTimer(TimerKind.READY_END, 7, state.timer_seq),
    ]
    state, effects = fire(state, effects, routine)  # the first hold starts by itself
    assert state.phase == Phase.HOLDING
    assert effects[:2] == [
        StartHold("lean_forward", "left", 1, 3, 30),
        Cue(CueKind.HOLD_START, "lean_forward", "left", 1, 3),
    ]
    own = replace(routine, steps=(replace(routine.steps[0], get_ready_seconds=30), *routine.steps[1:]))
    assert timers(step(initial_state(own, hands_free=True), Begin(), own)[1]) == [
        ScheduleTimer(TimerKind.READY_END, 30, 1)
    ]


@pytest.mark.parametrize("phase", [Phase.READY, Phase.SWITCH_SIDES, Phase.HOLDING, Phase.RESTING])
def test_hands_free_every_countdown_can_be_paused_and_resumed(phase: Phase) -> None:
    state = initial_state(PIGEON, hands_free=True)
    state, effects = step(state, Begin())
    for _ in range(200):
        if state.phase == phase:
            break
        (armed,) = timers(effects)
        state, effects = step(state, TimerFired(armed.timer_seq, armed.kind))
    assert state.phase == phase and state.counts_down
    paused, effects = step(state, Pause(state.seq))
    accepted(state, paused, effects)
    assert (paused.phase, paused.paused_phase, paused.counts_down) == (Phase.PAUSED, phase, False)
    assert effects[:2] == [CancelTimers(), Paused()]
    assert roundtrip(paused) == paused  # survives a restart
    resumed, effects = step(paused, Resume(paused.seq))
    assert resumed.phase == phase
    assert len(timers(effects)) == 1  # and it runs on by itself
    if phase == Phase.READY:
        assert any(isinstance(effect, ShowStep) for effect in effects)
    if phase == Phase.SWITCH_SIDES:
        assert any(isinstance(effect, SwitchSides) for effect in effects)


def test_hands_free_taps_still_work_and_cancel_the_countdown() -> None:
    state = initial_state(PIGEON, hands_free=True)
    state, _ = step(state, Begin())
    state, effects = step(state, Done(state.seq))  # "Next" on the position step before its time is up
    assert effects[0] == CancelTimers()
    state, effects = step(state, Done(state.seq))  # "Start now"
    assert effects[0] == CancelTimers() and state.phase == Phase.HOLDING


def test_a_state_stored_before_hands_free_reads_as_tap_mode() -> None:
    state, _ = holding_first_rep()
    old = {key: value for key, value in state.to_dict().items() if key != "hands_free"}
    assert RoutineState.from_dict(old) == state
    assert not state.hands_free
    with pytest.raises(ValueError, match="can be paused"):
        RoutineState(routine_id="pigeon", phase=Phase.PAUSED, paused_phase=Phase.READY)
