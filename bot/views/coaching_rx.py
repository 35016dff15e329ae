"""Rendering a prescription: the coach's editor (routine, hold, repetitions, reminders, a button each) and what the
client is told."""

from __future__ import annotations

from bot.content.loader import Content
from bot.services.coaching.prescriptions import RxView
from bot.ui.callbacks_coaching import OpenClient, Prescribe
from bot.ui.message import Button, OutgoingMessage
from bot.views.coaching import button_label


def _hold(content: Content, view: RxView) -> int:
    if view.hold_seconds is not None:
        return view.hold_seconds
    timed = [s.hold_seconds for s in content.routine(view.routine_id).steps if s.hold_seconds]
    return timed[0] if timed else content.coach.coaching.hold_seconds.min


def _reps(content: Content, view: RxView) -> int:
    if view.reps is not None:
        return view.reps
    timed = [s.reps for s in content.routine(view.routine_id).steps if s.hold_seconds]
    return timed[0] if timed else 1


def editor(content: Content, view: RxView) -> OutgoingMessage:
    texts = content.texts
    bounds = content.coach.coaching
    as_written = texts.render("coaching.rx_as_written")
    lines = [
        texts.render("coaching.rx_header", name=view.client_name),
        texts.render("coaching.rx_routine", title=content.routine(view.routine_id).title),
        texts.render("coaching.rx_hold", seconds=view.hold_seconds)
        if view.hold_seconds is not None
        else texts.render("coaching.rx_hold_as_written"),
        texts.render("coaching.rx_reps", reps=view.reps if view.reps is not None else as_written),
        texts.render(
            "coaching.rx_reminders",
            count=view.reminders if view.reminders is not None else texts.render("coaching.rx_reminders_own"),
        ),
    ]
    hold, reps, link = _hold(content, view), _reps(content, view), view.link_id
    step = bounds.hold_seconds.step
    rows: list[tuple[Button, ...]] = [
        tuple(
            Button(("✓ " if r.id == view.routine_id else "") + r.title, Prescribe(link, "routine", r.id))
            for r in content.routines.values()
        ),
        (
            Button(texts.render("coaching.rx_hold_less"), Prescribe(link, "hold", str(max(hold - step, 0)))),
            Button(texts.render("coaching.rx_hold_more"), Prescribe(link, "hold", str(hold + step))),
        ),
        (
            Button(texts.render("coaching.rx_reps_less"), Prescribe(link, "reps", str(max(reps - 1, 0)))),
            Button(texts.render("coaching.rx_reps_more"), Prescribe(link, "reps", str(reps + 1))),
        ),
        tuple(
            Button(button_label(texts.render("coaching.rx_reminders_button", count=n)), Prescribe(link, "rem", str(n)))
            for n in range(1, bounds.reminders_max + 1)
        ),
        (Button(texts.render("coaching.rx_clear"), Prescribe(link, "clear", "")),),
        (Button(texts.render("coaching.back_button"), OpenClient(link)),),
    ]
    return OutgoingMessage("\n".join(lines), tuple(rows))


def told_client(content: Content, view: RxView, coach_label: str) -> OutgoingMessage:
    """What the client is told: what changed, by whom, from the next stretch."""
    texts = content.texts
    if "clear" in view.changed:
        return OutgoingMessage(texts.render("coaching.rx_told_cleared", coach=coach_label))
    parts = []
    what = view.changed[0] if view.changed else ""
    if what == "routine":
        parts.append(texts.render("coaching.rx_told_routine", title=content.routine(view.routine_id).title))
    elif what == "hold" and view.hold_seconds is not None:
        parts.append(texts.render("coaching.rx_told_hold", seconds=view.hold_seconds))
    elif what == "reps" and view.reps is not None:
        parts.append(texts.render("coaching.rx_told_reps", reps=view.reps))
    elif what == "rem" and view.reminders is not None:
        parts.append(texts.render("coaching.rx_told_reminders", count=view.reminders))
    changes = button_label(", ".join(parts))  # rendered parts go in as a value: escaped once, not twice
    return OutgoingMessage(texts.render("coaching.rx_told", coach=coach_label, changes=changes))


def routine_note(content: Content, coach_name: str | None, routine_id: str) -> OutgoingMessage:
    """/routine while a coach's prescription applies: who chose which routine, and how to get the choice back."""
    coach = coach_name or content.texts.render("coaching.unnamed_coach")
    title = content.routine(routine_id).title
    return OutgoingMessage(content.texts.render("coaching.rx_routine_note", coach=coach, title=title))
