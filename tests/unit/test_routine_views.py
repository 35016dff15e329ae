"""Rendering the routine's effects: one edit of the live message and new messages, buttons only on the last one,
seconds shown unscaled, callback data within Telegram's 64 bytes."""

from __future__ import annotations

from bot.config import DEFAULT_CONTENT_DIR
from bot.content.loader import load_content
from bot.domain.routine_effects import LiveUpdate, Phase, Release, ShowStep, StartHold
from bot.domain.routine_events import Begin, Done, TimerFired
from bot.domain.routine_machine import initial_state, transition
from bot.ui.callbacks import unpack
from bot.ui.callbacks_routine import RoutineAction, RoutineExisting
from bot.views import routine as views
from bot.views.numbers import format_points, format_rating

CONTENT = load_content(DEFAULT_CONTENT_DIR)
PIGEON = CONTENT.routine("pigeon")


def test_a_tick_edits_the_live_message_and_keeps_the_buttons() -> None:
    state, _ = transition(PIGEON, initial_state(PIGEON), Begin())
    state, _ = transition(PIGEON, state, Done(state.seq))
    holding, effects = transition(PIGEON, state, Done(state.seq))
    plan = views.render(CONTENT, PIGEON, 7, holding, effects, before=None, after=None)
    assert plan.edit is None
    assert [m.text.splitlines()[1] for m in plan.send] == ["Hold – rep 1/3"]
    buttons = [b.callback for row in plan.send[0].buttons for b in row]
    assert buttons[0] == RoutineAction(7, holding.seq, "done")
    ticked, effects = transition(PIGEON, holding, TimerFired(holding.timer_seq, effects[-1].kind))  # type: ignore[union-attr]
    assert isinstance(effects[0], LiveUpdate)
    plan = views.render(CONTENT, PIGEON, 7, ticked, effects, before=None, after=None)
    assert plan.send == []
    assert plan.edit is not None
    assert "20 s" in plan.edit.text  # the first tick, at the documented 10 s
    assert "Halfway" not in plan.edit.text
    assert [b.callback for row in plan.edit.buttons for b in row] == buttons  # same seq: still valid
    halfway, effects = transition(PIGEON, ticked, TimerFired(ticked.timer_seq, effects[-1].kind))  # type: ignore[union-attr]
    plan = views.render(CONTENT, PIGEON, 7, halfway, effects, before=None, after=None)
    assert plan.edit is not None
    assert "15 s" in plan.edit.text and "Halfway" in plan.edit.text  # at the true halfway point


def test_the_last_release_then_the_next_step() -> None:
    state, _ = transition(PIGEON, initial_state(PIGEON), Begin())
    effects = [Release("lean_forward", "left", 3, 3, 0), ShowStep("lean_back_turn", "left", 1, 3, 30)]
    plan = views.render(CONTENT, PIGEON, 1, state, effects, before=None, after=None)
    assert plan.edit is not None
    assert plan.edit.buttons == ()
    assert "All 3 done" in plan.edit.text
    assert len(plan.send) == 1
    assert plan.send[0].buttons


def test_fresh_sends_the_view_anew_and_start_hold_of_a_later_rep_edits() -> None:
    state, _ = transition(PIGEON, initial_state(PIGEON), Begin())
    live = LiveUpdate("lean_forward", "left", 1, 3, 20, Phase.HOLDING)
    plan = views.render(CONTENT, PIGEON, 1, state, [live], before=None, after=None, fresh=True)
    assert (plan.edit, len(plan.send)) == (None, 1)
    plan = views.render(
        CONTENT, PIGEON, 1, state, [StartHold("lean_forward", "left", 2, 3, 30)], before=None, after=None
    )
    assert plan.edit is not None
    assert "30 s" in plan.edit.text


def test_closing_texts_and_values() -> None:
    assert "6 → 4" in views.closing(CONTENT, 6, 4).text
    assert "2 points looser" in views.closing(CONTENT, 6, 4).text
    assert "about the same" in views.closing(CONTENT, 5, 5).text
    assert "1.5 points stiffer" in views.closing(CONTENT, 3, 4.5).text
    assert "Rate before and after" in views.closing(CONTENT, None, 4).text
    assert format_rating(7.0) == "7"
    assert format_rating(7.5) == "7.5"
    assert format_points(2.04) == "2"
    assert format_points(1.25) == "1.2"


def test_callback_data_fits_and_round_trips() -> None:
    big = 2**31 - 1
    for data in (RoutineAction(big, big, "resume"), RoutineExisting(big, "over", big, "10")):
        packed = data.pack()
        assert len(packed.encode()) <= 64
        assert unpack(packed) == data
