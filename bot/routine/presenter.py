"""Showing what a routine input did (`Outcome`): the tapped button's answer, the messages and edits rendered by
`bot.views.routine`, which message is the live one, and the timer to arm or cancel."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.content.loader import Content
from bot.domain.routine_effects import CancelTimers
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
    routine = app.content.routine(session.routine_id if session is not None else "")
    await app.sender.send(pending.chat_id, views.interrupted(app.content, routine, pending.session_id))


async def _show(
    app: AppContext, outcome: Outcome, messages: list[OutgoingMessage], edit: OutgoingMessage | None
) -> None:
    """Edit the live message (if asked), take the buttons off it when new messages follow, send them, and
    remember the last one sent as the new live message."""
    chat_id = outcome.chat_id if outcome.chat_id is not None else outcome.user_id
    assert chat_id is not None
    live = outcome.live_message_id
    new_live = live
    if edit is not None:
        if live is None:
            messages = [edit, *messages]
        else:
            new_live = await app.sender.edit(chat_id, live, edit)
    elif messages and live is not None:
        await app.sender.remove_buttons(chat_id, live)
    for message in messages:
        new_live = await app.sender.send(chat_id, message)
    if outcome.session_id is not None and new_live is not None and new_live != live:
        async with app.db.unit_of_work() as uow:
            await walking.set_live_message(uow, outcome.session_id, new_live)


def _messages(content: Content, outcome: Outcome) -> tuple[list[OutgoingMessage], OutgoingMessage | None]:
    """What to send, and what to show in place of the live message, for the outcome."""
    routine, session_id = outcome.routine, outcome.session_id
    match outcome.kind:
        case OutcomeKind.ASK_BEFORE if routine is not None and session_id is not None:
            return [views.ask_before(content, routine, session_id)], None
        case OutcomeKind.ASK_GENTLE if session_id is not None and outcome.before is not None:
            return [views.gentle_offer(content, session_id, outcome.before)], None
        case OutcomeKind.SKIPPED_TODAY:
            return [views.skipped_today(content)], None
        case OutcomeKind.STOPPED:
            return [views.stopped(content)], None
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
            return plan.send, plan.edit
        case _:
            return [], None


async def present(app: AppContext, timers: RoutineTimers, outcome: Outcome) -> None:
    """Act on the outcome after its commit: cancel timers, show its messages, arm its timer."""
    content = app.content
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
        send, edit = _messages(content, outcome)
        if send or edit is not None:
            await _show(app, outcome, send, edit)
    if outcome.timer is not None:
        timers.arm(outcome.timer)
