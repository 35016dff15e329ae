"""Rendering a coach's photo or video on its way to a routine: where should it go (a button per step and intro),
and where it went."""

from __future__ import annotations

from bot.content.loader import Content
from bot.domain.coaching import INTRO
from bot.services.coaching.media import Attached, Received
from bot.ui.callbacks_coaching import AttachMedia
from bot.ui.message import Button, OutgoingMessage, Reply
from bot.views.coaching import button_label


def where(content: Content, received: Received) -> OutgoingMessage:
    texts = content.texts
    rows: list[tuple[Button, ...]] = []
    for routine in content.routines.values():
        label = button_label(texts.render("coaching.media_intro_button", title=routine.title))
        rows.append((Button(label, AttachMedia(received.media_id, routine.id, INTRO)),))
        for step in routine.steps:
            label = button_label(texts.render("coaching.media_step_button", title=routine.title, step=step.title))
            rows.append((Button(label, AttachMedia(received.media_id, routine.id, step.id)),))
    return OutgoingMessage(texts.render("coaching.media_where"), tuple(rows))


def attached(content: Content, result: Attached) -> Reply:
    texts = content.texts
    routine = content.routine(result.routine_id)
    step = texts.render("coaching.media_intro_name") if result.step_id == INTRO else routine.step(result.step_id).title
    text = texts.render("coaching.media_attached", step=step, title=routine.title)
    return Reply(toast=text, clear_buttons=True, messages=(OutgoingMessage(text),))
