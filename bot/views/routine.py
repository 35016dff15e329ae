"""Rendering the guided routine: the before rating, the gentle offer, step messages, the one live message of a
timed step, the closing questions and the closing message.

`render(...)` turns the effects of one machine transition into a `RenderPlan`: at most one edit of the current
live message, then new messages. Only the last message of the plan (or the edit, when nothing new is sent) gets
buttons, made for the returned state's `seq`; the buttons of an older live message are taken off.
Seconds shown are the routine's own (what the user holds), never divided by the time scale.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from bot.content.loader import Content
from bot.domain.routine_effects import (
    AskAfterRating,
    AskTighterSide,
    Cue,
    CueKind,
    Effect,
    Finished,
    HoldCut,
    LiveUpdate,
    Phase,
    Release,
    ShowStep,
    StartHold,
    Stopped,
    SwitchSides,
)
from bot.domain.routine_machine import RoutineState, current_step, walkthrough
from bot.domain.routine_model import Routine, StepMedia
from bot.services.routine.outcome import OutcomeKind
from bot.ui.callbacks_routine import (
    NONE,
    SKIP,
    RoutineAction,
    RoutineActionName,
    RoutineAnswer,
    RoutineBefore,
    RoutineExisting,
    RoutineGentle,
)
from bot.ui.message import Button, OutgoingMessage, Photo, Rows
from bot.views.numbers import format_rating
from bot.views.rating_keyboard import rating_rows


@dataclass
class RenderPlan:
    """At most one edit of the live message, new messages, then the sound cue (hands-free) that replaces the
    previous one; `clear_cue`: delete the last cue without a new one (the routine reached its questions or end)."""

    edit: OutgoingMessage | None = None
    send: list[OutgoingMessage] = field(default_factory=list)
    cue: OutgoingMessage | None = None
    clear_cue: bool = False


def side_name(content: Content, side: str | None) -> str:
    if side == "left":
        return content.texts.render("routine.side_left")
    if side == "right":
        return content.texts.render("routine.side_right")
    return side or ""


def _other_side(routine: Routine, side: str | None) -> str | None:
    if side is None:
        return None
    others = [s for s in routine.sides if s != side]
    if others:
        return others[0]
    return "right" if side == "left" else "left"


def _video_row(content: Content, routine: Routine) -> Rows:
    if not routine.video_url:
        return ()
    return ((Button(content.texts.render("buttons.routine_video"), url=routine.video_url),),)


_TAP_ANSWERS = {
    OutcomeKind.STALE: "routine.stale_step",
    OutcomeKind.OVER: "routine.session_over",
    OutcomeKind.NOT_FOUND: "common.stale_button",
    OutcomeKind.IGNORED: "routine.not_now",
}


def tap_answer(content: Content, kind: OutcomeKind) -> str | None:
    """The short answer on a tapped routine button when nothing moved (None: just stop the spinner)."""
    key = _TAP_ANSWERS.get(kind)
    return content.texts.render(key) if key else None


# --- before the walkthrough ----------------------------------------------------------------------


def ask_before(content: Content, routine: Routine, session_id: int) -> OutgoingMessage:
    texts = content.texts
    rows = (
        *rating_rows(lambda v: RoutineBefore(session_id, str(v))),
        (Button(texts.render("buttons.routine_skip_rating"), RoutineBefore(session_id, SKIP)),),
        *_video_row(content, routine),
    )
    return OutgoingMessage(texts.render("routine.ask_before", title=routine.title), rows)


def gentle_offer(content: Content, session_id: int, value: float) -> OutgoingMessage:
    texts = content.texts
    rows = (
        (Button(texts.render("buttons.routine_gentle"), RoutineGentle(session_id, "gentle")),),
        (
            Button(texts.render("buttons.routine_normal"), RoutineGentle(session_id, "normal")),
            Button(texts.render("buttons.routine_skip_today"), RoutineGentle(session_id, "skip")),
        ),
    )
    return OutgoingMessage(texts.render("routine.gentle_offer", value=format_rating(value, content.formats)), rows)


def already_running(
    content: Content, routine: Routine, session_id: int, delivery_id: int | None, before: float | None
) -> OutgoingMessage:
    texts = content.texts
    carried = NONE if before is None else format_rating(before)  # callback data: never localized
    rows = (
        (
            Button(
                texts.render("buttons.routine_resume_session"),
                RoutineExisting(session_id, "resume", delivery_id or 0, NONE),
            ),
            Button(
                texts.render("buttons.routine_start_over"),
                RoutineExisting(session_id, "over", delivery_id or 0, carried),
            ),
        ),
    )
    return OutgoingMessage(texts.render("routine.already_running", title=routine.title), rows)


def interrupted(content: Content, routine: Routine, session_id: int) -> OutgoingMessage:
    texts = content.texts
    rows = (
        (
            Button(texts.render("buttons.routine_start_over"), RoutineExisting(session_id, "over", 0, NONE)),
            Button(texts.render("buttons.routine_stop"), RoutineExisting(session_id, "stop", 0, NONE)),
        ),
    )
    return OutgoingMessage(texts.render("routine.interrupted", title=routine.title), rows)


def skipped_today(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("routine.skipped_today"))


def stopped(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("routine.stopped"))


def _released(content: Content, title: str, label: str, reps: int) -> str:
    """The live message after the last rep: "Both done." for two, else the plural text ("Done.", "All 3 done.")."""
    key = "routine.live_released_two" if reps == 2 else "routine.live_released"
    return content.texts.render(key, title=title, side_label=label, reps=reps)


def typed_hint(content: Content, question: Literal["gentle", "side"]) -> OutgoingMessage:
    """A typed answer to the gentle offer or "which side?" that names none of the options: nothing changed."""
    return OutgoingMessage(content.texts.render(f"questions.{question}"))


def rating_hint(content: Content, text: str, *, out_of_range: bool) -> OutgoingMessage:
    key = "routine.rating_out_of_range" if out_of_range else "routine.rating_unclear"
    return OutgoingMessage(content.texts.render(key, text=text.strip()[:40]))


# --- the walkthrough -----------------------------------------------------------------------------


def _action(content: Content, label: str, session_id: int, seq: int, action: RoutineActionName) -> Button:
    return Button(content.texts.render(f"buttons.routine_{label}"), RoutineAction(session_id, seq, action))


def buttons_for(content: Content, routine: Routine, session_id: int, state: RoutineState) -> Rows:
    """The buttons of the message that shows `state` (made for its `seq`)."""
    seq = state.seq

    def act(label: str, action: RoutineActionName) -> Button:
        return _action(content, label, session_id, seq, action)

    texts = content.texts
    match state.phase:
        case Phase.READY if state.hands_free:
            now = current_step(routine, state)
            first = act("start_now", "done") if now is not None and now.hold_seconds else act("next", "done")
            return (
                (first, act("pause", "pause")),
                (act("skip", "skip"), act("stop", "stop")),
                *_video_row(content, routine),
            )
        case Phase.READY:
            now = current_step(routine, state)
            first = act("start", "done") if now is not None and now.hold_seconds else act("done", "done")
            return ((first, act("skip", "skip")), (act("stop", "stop"),), *_video_row(content, routine))
        case Phase.HOLDING:
            return ((act("done", "done"), act("pause", "pause")), (act("skip", "skip"), act("stop", "stop")))
        case Phase.RESTING:
            return ((act("next", "done"), act("pause", "pause")), (act("skip", "skip"), act("stop", "stop")))
        case Phase.PAUSED:
            return ((act("resume", "resume"), act("skip", "skip")), (act("stop", "stop"),))
        case Phase.SWITCH_SIDES if state.hands_free:
            return ((act("next", "done"), act("pause", "pause")), (act("stop", "stop"),))
        case Phase.SWITCH_SIDES:
            return ((act("next", "done"), act("stop", "stop")),)
        case Phase.ASK_AFTER_RATING:
            return (
                *rating_rows(lambda v: RoutineAnswer(session_id, seq, "after", str(v))),
                (Button(texts.render("buttons.routine_skip_rating"), RoutineAnswer(session_id, seq, "after", SKIP)),),
            )
        case Phase.ASK_TIGHTER_SIDE:
            sides = [
                Button(texts.render(f"buttons.routine_{side}"), RoutineAnswer(session_id, seq, "side", side))
                for side in routine.sides
                if side in ("left", "right")
            ]
            return (
                (*sides, Button(texts.render("buttons.routine_same"), RoutineAnswer(session_id, seq, "side", "same"))),
                (Button(texts.render("buttons.routine_skip"), RoutineAnswer(session_id, seq, "side", SKIP)),),
            )
        case _:
            return ()


def step_message(content: Content, routine: Routine, state: RoutineState, effect: ShowStep) -> OutgoingMessage:
    texts = content.texts
    step = routine.step(effect.step_id)
    slots = walkthrough(routine)
    number = min(state.slot + 1, len(slots))
    parts = [texts.render("routine.step_header", number=number, total=len(slots), title=step.title)]
    if effect.side is not None:
        parts.append(texts.render("routine.side_line", side=side_name(content, effect.side)))
    body = step.text.format_map(
        {
            "side": side_name(content, effect.side),
            "other_side": side_name(content, _other_side(routine, effect.side)),
        }
    )
    parts.append("\n" + body)
    ready = effect.get_ready
    if effect.hold_seconds:
        rest = step.rest_seconds > 0 and effect.reps > 1
        key = "routine.timing" if rest else "routine.timing_no_rest"
        values: dict[str, object] = {"reps": effect.reps, "seconds": effect.hold_seconds}
        if rest:
            values["rest"] = step.rest_seconds
        if ready is not None:
            key, values["ready"] = key + "_hands_free", ready
        parts.append("\n" + texts.render(key, **values))
    elif ready is not None:
        parts.append("\n" + texts.render("routine.untimed_hands_free", ready=ready))
    else:
        parts.append("\n" + texts.render("routine.untimed_tap"))
    return OutgoingMessage("\n".join(parts), photo=photo_of(step.image))


def photo_of(media: StepMedia | None) -> Photo | None:
    return None if media is None else Photo(media.key, media.location, media.filename, media.video)


def cue_message(content: Content, cue: Cue) -> OutgoingMessage:
    """A sound cue: a short new message (it makes the phone sound or vibrate, unlike an edit)."""
    texts = content.texts
    match cue.kind:
        case CueKind.HOLD_START:
            label = _side_label(content, cue.side)
            return OutgoingMessage(texts.render("routine.cue_hold_start", side_label=label, rep=cue.rep, reps=cue.reps))
        case CueKind.HOLD_END if cue.rest_seconds > 0:
            return OutgoingMessage(texts.render("routine.cue_hold_end", rest=cue.rest_seconds))
        case CueKind.HOLD_END:
            return OutgoingMessage(texts.render("routine.cue_hold_end_last"))
        case _:
            return OutgoingMessage(texts.render("routine.cue_switch", to_side=side_name(content, cue.side)))


def _side_label(content: Content, side: str | None) -> str:
    return "" if side is None else content.texts.render("routine.side_suffix", side=side_name(content, side))


def live_message(
    content: Content,
    routine: Routine,
    *,
    step_id: str,
    side: str | None,
    rep: int,
    reps: int,
    seconds: int,
    phase: Phase,
    halfway: bool = False,
) -> OutgoingMessage:
    texts = content.texts
    title = routine.step(step_id).title
    label = _side_label(content, side)
    if phase == Phase.RESTING:
        text = texts.render(
            "routine.live_rest", title=title, side_label=label, next_rep=rep + 1, reps=reps, seconds=seconds
        )
    elif phase == Phase.PAUSED:
        text = texts.render("routine.live_paused", title=title, side_label=label, rep=rep, reps=reps, seconds=seconds)
    else:
        text = texts.render("routine.live_hold", title=title, side_label=label, rep=rep, reps=reps, seconds=seconds)
    if halfway:
        text += "\n" + texts.render("routine.live_halfway")
    return OutgoingMessage(text)


def closing(content: Content, before: float | None, after: float | None) -> OutgoingMessage:
    texts = content.texts
    if before is None or after is None:
        return OutgoingMessage(texts.render("routine.closing_no_change_known"))
    b, a = format_rating(before, content.formats), format_rating(after, content.formats)
    change = format_rating(abs(before - after), content.formats)
    if after < before:
        return OutgoingMessage(texts.render("routine.closing_better", before=b, after=a, change=change))
    if after > before:
        return OutgoingMessage(texts.render("routine.closing_worse", before=b, after=a, change=change))
    return OutgoingMessage(texts.render("routine.closing_same", before=b, after=a))


def render(
    content: Content,
    routine: Routine,
    session_id: int,
    state: RoutineState,
    effects: list[Effect],
    *,
    before: float | None,
    after: float | None,
    fresh: bool = False,
) -> RenderPlan:
    """The messages for one transition's effects (see the module docstring). `fresh`: show the view as a new
    message instead of editing the old live message (after Resume)."""
    texts = content.texts
    plan = RenderPlan()
    was_stopped = False
    for effect in effects:
        match effect:
            case ShowStep():
                plan.send.append(step_message(content, routine, state, effect))
            case StartHold():
                view = live_message(
                    content,
                    routine,
                    step_id=effect.step_id,
                    side=effect.side,
                    rep=effect.rep,
                    reps=effect.reps,
                    seconds=effect.seconds,
                    phase=Phase.HOLDING,
                )
                if effect.rep == 1:
                    plan.send.append(view)
                else:
                    plan.edit = view
            case LiveUpdate() if effect.phase == Phase.PAUSED and state.paused_phase in (
                Phase.READY,
                Phase.SWITCH_SIDES,
            ):
                plan.send.append(OutgoingMessage(texts.render("routine.paused_wait")))
            case LiveUpdate():
                plan.edit = live_message(
                    content,
                    routine,
                    step_id=effect.step_id,
                    side=effect.side,
                    rep=effect.rep,
                    reps=effect.reps,
                    seconds=effect.seconds_left,
                    phase=effect.phase,
                    halfway=effect.halfway,
                )
            case Release():
                title = routine.step(effect.step_id).title
                label = _side_label(content, effect.side)
                if effect.rest_seconds > 0:
                    plan.edit = live_message(
                        content,
                        routine,
                        step_id=effect.step_id,
                        side=effect.side,
                        rep=effect.rep,
                        reps=effect.reps,
                        seconds=effect.rest_seconds,
                        phase=Phase.RESTING,
                    )
                else:
                    plan.edit = OutgoingMessage(_released(content, title, label, effect.reps))
            case SwitchSides():
                sides = {
                    "from_side": side_name(content, effect.from_side),
                    "to_side": side_name(content, effect.to_side),
                }
                if effect.seconds is None:
                    text = texts.render("routine.switch_sides", **sides)
                else:
                    text = texts.render("routine.switch_sides_hands_free", ready=effect.seconds, **sides)
                plan.send.append(OutgoingMessage(text, photo=photo_of(routine.switch_image)))
            case Cue():
                plan.cue = cue_message(content, effect)
            case HoldCut():
                key = "routine.live_stopped" if effect.stopped else "routine.live_skipped"
                title = routine.step(effect.step_id).title
                label = _side_label(content, effect.side)
                plan.edit = OutgoingMessage(
                    texts.render(key, title=title, side_label=label, rep=effect.rep, reps=effect.reps)
                )
            case AskAfterRating():
                plan.clear_cue = True
                plan.send.append(OutgoingMessage(texts.render("routine.ask_after")))
            case AskTighterSide():
                plan.send.append(OutgoingMessage(texts.render("routine.ask_tighter")))
            case Stopped():
                was_stopped = True
            case Finished():
                plan.clear_cue = True
                plan.send.append(stopped(content) if was_stopped else closing(content, before, after))
            case _:
                pass
    if fresh and plan.edit is not None:
        plan.send.insert(0, plan.edit)
        plan.edit = None
    buttons = buttons_for(content, routine, session_id, state)
    if plan.send:
        plan.send[-1] = plan.send[-1].with_buttons(buttons)
    elif plan.edit is not None:
        plan.edit = OutgoingMessage(plan.edit.text, buttons)
    return plan


def intro(content: Content, routine: Routine, gentle: bool) -> OutgoingMessage:
    texts = content.texts
    text = texts.render("routine.intro", title=routine.title, minutes=routine.minutes, summary=routine.summary)
    if gentle:
        text += "\n\n" + texts.render("routine.gentle_note")
    return OutgoingMessage(text, photo=photo_of(routine.intro_media))
