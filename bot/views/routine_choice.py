"""Rendering /routine: the routines with their summary and minutes, a button each, and the confirmation."""

from __future__ import annotations

from bot.content.loader import Content
from bot.services.routine_choice import RoutineChoices
from bot.ui.callbacks_routine_choice import PickRoutine
from bot.ui.message import Button, OutgoingMessage


def choices(content: Content, result: RoutineChoices) -> OutgoingMessage:
    texts = content.texts
    lines = [texts.render("routine_choice.header")]
    for number, routine in enumerate(result.routines, start=1):
        key = "routine_choice.item_current" if routine.id == result.current else "routine_choice.item"
        lines.append(
            texts.render(key, number=number, title=routine.title, minutes=routine.minutes, summary=routine.summary)
        )
    lines.append(texts.render("routine_choice.footer"))
    rows = tuple(
        (Button(("✓ " if r.id == result.current else "") + r.title, PickRoutine(r.id)),) for r in result.routines
    )
    return OutgoingMessage("\n\n".join(lines), rows)


def chosen(content: Content, result: RoutineChoices) -> OutgoingMessage:
    texts = content.texts
    routine = content.routine(result.current)
    key = "routine_choice.chosen_running" if result.running else "routine_choice.chosen"
    return OutgoingMessage(texts.render(key, title=routine.title, minutes=routine.minutes))


def unknown(content: Content, typed: str, *, ambiguous: bool) -> OutgoingMessage:
    key = "routine_choice.ambiguous" if ambiguous else "routine_choice.unknown"
    return OutgoingMessage(content.texts.render(key, text=typed.strip()[:40]))
