"""Showing what a routine input did (`Outcome`): the tapped button's answer, the messages and edits rendered by
`bot.views.routine`, which message is the live one, the hands-free sound cue (a new message; the one before it is
deleted), the pacing of new messages, and the timer to arm or cancel."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from bot.content.loader import Content
from bot.domain.coaching import TELEGRAM_FILE
from bot.domain.routine_effects import CancelTimers
from bot.domain.routine_model import with_texts_of
from bot.routine.timers import RoutineTimers
from bot.services.routine import walking
from bot.services.routine.outcome import Outcome, OutcomeKind, PendingTimer
from bot.ui.message import OutgoingMessage
from bot.views import common as common_views
from bot.views import routine as views

if TYPE_CHECKING:
    from bot.context import AppContext


async def ask_to_continue(app: AppContext, pending: PendingTimer) -> None:
    async with app.db.unit_of_work(read_only=True) as uow:
        session = await uow.sessions.get(pending.session_id)
    content = app.content_for(pending.language)
    routine = content.routine(session.routine_id if session is not None else "")
    await app.sender.send(pending.chat_id, views.interrupted(content, routine, pending.session_id))


async def _show(app: AppContext, outcome: Outcome, plan: views.RenderPlan) -> None:
    """Edit the live message (if asked), take the buttons off it when new messages follow, send them (each in its
    chat's slot, the `Sender`'s `ChatPacer`: at most one new message a second), remember the last one sent as the
    new live message; then send the sound cue and delete the one before it (or just delete it, at the end)."""
    chat_id = outcome.chat_id if outcome.chat_id is not None else outcome.user_id
    assert chat_id is not None
    messages, edit = plan.send, plan.edit
    live = outcome.live_message_id
    new_live = live
    cue, old_cue = plan.cue, outcome.cue_message_id
    sound = True
    hands_free = outcome.state is not None and outcome.state.hands_free
    if (cue is not None or messages) and outcome.user_id is not None and hands_free:
        async with app.db.unit_of_work(read_only=True) as uow:
            sound = await walking.sound_cues(uow, outcome.user_id)
    if not sound:  # sound cues off: no cue, and the routine's new messages come silently
        cue = None
        messages = [replace(message, silent=True) for message in messages]

    async def send(message: OutgoingMessage) -> int:
        return await _send(app, chat_id, message)

    if edit is not None:
        if live is None:
            messages = [edit, *messages]
        else:
            new_live = await app.sender.edit(chat_id, live, edit)
    elif messages and live is not None:
        await app.sender.remove_buttons(chat_id, live)
    for message in messages:
        new_live = await send(message)
    new_cue = old_cue
    if plan.clear_cue:  # the questions or the end: their own message is the cue
        new_cue = None
    elif cue is not None:
        new_cue = await send(cue)
    if old_cue is not None and new_cue != old_cue:
        await app.sender.delete(chat_id, old_cue)
    if outcome.session_id is not None and (new_live != live or new_cue != old_cue):
        async with app.db.unit_of_work() as uow:
            await walking.set_messages(
                uow, outcome.session_id, live=new_live if new_live != live else None, cue=new_cue
            )


async def _send(app: AppContext, chat_id: int, message: OutgoingMessage) -> int:
    """Send one message; one with a content picture goes by the picture's cached Telegram file id (uploaded the
    first time, and again when Telegram has forgotten it), and the file id it has now is remembered."""
    photo = message.photo
    if photo is None:
        return await app.sender.send(chat_id, message)
    if photo.location.startswith(TELEGRAM_FILE):  # a coach's photo or video: Telegram has it, by its file id
        coach_file = photo.location.removeprefix(TELEGRAM_FILE)
        return (await app.sender.send_photo(chat_id, message, file_id=coach_file, upload=lambda: coach_file))[0]
    async with app.db.unit_of_work(read_only=True) as uow:
        cached = await uow.media.file_id(photo.key)

    def upload() -> bytes | str:
        if photo.location.startswith(("http://", "https://")):
            return photo.location
        return Path(photo.location).read_bytes()

    message_id, file_id = await app.sender.send_photo(chat_id, message, file_id=cached, upload=upload)
    if file_id is not None and file_id != cached:
        async with app.db.unit_of_work() as uow:
            await uow.media.remember(photo.key, file_id, app.clock.now())
    return message_id


def _plan(content: Content, outcome: Outcome) -> views.RenderPlan:
    """What to send, and what to show in place of the live message, for the outcome."""
    routine, session_id = outcome.routine, outcome.session_id
    match outcome.kind:
        case OutcomeKind.ASK_BEFORE if routine is not None and session_id is not None:
            return views.RenderPlan(send=[views.ask_before(content, routine, session_id)])
        case OutcomeKind.ASK_GENTLE if session_id is not None and outcome.before is not None:
            return views.RenderPlan(send=[views.gentle_offer(content, session_id, outcome.before)])
        case OutcomeKind.SKIPPED_TODAY:
            return views.RenderPlan(send=[views.skipped_today(content)])
        case OutcomeKind.STOPPED:
            return views.RenderPlan(send=[views.stopped(content)], clear_cue=True)
        case OutcomeKind.APPLIED if routine is not None and session_id is not None and outcome.state is not None:
            plan = views.render(
                content,
                routine,
                session_id,
                outcome.state,
                outcome.effects,
                before=outcome.before,
                after=outcome.after,
                fresh=outcome.fresh,
            )
            if outcome.began:
                plan.send.insert(0, views.intro(content, routine, outcome.state.gentle))
            return plan
        case _:
            return views.RenderPlan()


async def present(app: AppContext, timers: RoutineTimers, outcome: Outcome, content: Content | None = None) -> None:
    """Act on the outcome after its commit: cancel timers, show its messages, arm its timer; in `content`'s language
    (the user's), with the routine's texts in it."""
    content = content if content is not None else app.content
    if outcome.routine is not None:  # the session's routine (as prescribed), in the user's language
        outcome.routine = with_texts_of(outcome.routine, content.routine(outcome.routine.id))
    if outcome.session_id is not None and (
        outcome.cancel_timers or any(isinstance(effect, CancelTimers) for effect in outcome.effects)
    ):
        timers.cancel(outcome.session_id)
    routine, session_id, chat_id = outcome.routine, outcome.session_id, outcome.chat_id
    if outcome.kind == OutcomeKind.NOT_STARTED and chat_id is not None:
        for message in common_views.not_started(content).messages:
            await app.sender.send(chat_id, message)
    elif outcome.kind == OutcomeKind.EXISTING and routine and session_id is not None and chat_id is not None:
        message = views.already_running(content, routine, session_id, outcome.delivery_id, outcome.carried_before)
        await app.sender.send(chat_id, message)
    elif outcome.kind == OutcomeKind.INTERRUPTED and routine and session_id is not None and chat_id is not None:
        await app.sender.send(chat_id, views.interrupted(content, routine, session_id))
    else:
        plan = _plan(content, outcome)
        if plan.send or plan.edit is not None or plan.cue is not None or plan.clear_cue:
            await _show(app, outcome, plan)
    if outcome.timer is not None:
        timers.arm(outcome.timer)
