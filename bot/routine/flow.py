"""The one path every routine input takes: button taps, typed ratings, `begin_routine` and fired timers.

`run(ctx, user_id, work)` takes the user's routine lock, runs `work` (a service call) in one unit of work, and
after the commit acts on the `Outcome`: answers the tapped button, cancels or arms the timer, sends or edits the
messages, and remembers which message is the live one.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from bot.context import AppContext
from bot.db.unit_of_work import UnitOfWork
from bot.domain.routine_effects import CancelTimers
from bot.domain.routine_events import TimerFired
from bot.routine.timers import routine_timers
from bot.services import routine as service
from bot.services.routine import Outcome, OutcomeKind, Pacing, PendingTimer, TimerPlan
from bot.ui.message import OutgoingMessage
from bot.views import routine as views

log = logging.getLogger(__name__)

Work = Callable[[UnitOfWork], Awaitable[Outcome]]

_ANSWERS = {
    OutcomeKind.STALE: "routine.stale_step",
    OutcomeKind.OVER: "routine.session_over",
    OutcomeKind.NOT_FOUND: "common.stale_button",
    OutcomeKind.IGNORED: "routine.not_now",
}


def pacing(ctx: AppContext) -> Pacing:
    return Pacing(tick_seconds=ctx.content.coach.live_update_seconds, time_scale=ctx.settings.time_scale)


async def run(ctx: AppContext, user_id: int, work: Work, *, query_id: str | None = None) -> Outcome:
    timers = routine_timers(ctx)
    async with timers.lock(user_id):
        async with ctx.db.unit_of_work() as uow:
            outcome = await work(uow)
        if query_id is not None:
            key = _ANSWERS.get(outcome.kind)
            await ctx.sender.answer(query_id, ctx.content.texts.render(key) if key else None)
        await _act(ctx, outcome)
    return outcome


async def on_timer(ctx: AppContext, plan: TimerPlan) -> None:
    def work(uow: UnitOfWork) -> Awaitable[Outcome]:
        return service.apply_event(
            uow,
            ctx.content,
            user_id=plan.user_id,
            session_id=plan.session_id,
            event=TimerFired(plan.timer_seq, plan.kind),
            now=ctx.clock.now(),
            pacing=pacing(ctx),
        )

    await run(ctx, plan.user_id, work)


async def ask_to_continue(ctx: AppContext, pending: PendingTimer) -> None:
    """After a restart, a session whose state cannot be continued: ask to start over or stop."""
    routine = ctx.content.routine("")
    async with ctx.db.unit_of_work(read_only=True) as uow:
        session = await uow.sessions.get(pending.session_id)
        if session is not None:
            routine = ctx.content.routine(session.routine_id)
    try:
        await ctx.sender.send(pending.chat_id, views.interrupted(ctx.content, routine, pending.session_id))
    except Exception as exc:  # one unreachable user must not stop the others' timers
        log.warning("could not ask about an interrupted routine: %s", type(exc).__name__)


async def _show(
    ctx: AppContext, outcome: Outcome, messages: list[OutgoingMessage], edit: OutgoingMessage | None
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
            new_live = await ctx.sender.edit(chat_id, live, edit)
    elif messages and live is not None:
        await ctx.sender.remove_buttons(chat_id, live)
    for message in messages:
        new_live = await ctx.sender.send(chat_id, message)
    if outcome.session_id is not None and new_live is not None and new_live != live:
        async with ctx.db.unit_of_work() as uow:
            await service.set_live_message(uow, outcome.session_id, new_live)


async def _act(ctx: AppContext, outcome: Outcome) -> None:
    content = ctx.content
    timers = routine_timers(ctx)
    if outcome.session_id is not None and (
        outcome.cancel_timers or any(isinstance(effect, CancelTimers) for effect in outcome.effects)
    ):
        timers.cancel(outcome.session_id)
    routine = outcome.routine
    session_id = outcome.session_id
    match outcome.kind:
        case OutcomeKind.NOT_STARTED:
            assert outcome.chat_id is not None
            await ctx.sender.send(outcome.chat_id, OutgoingMessage(content.texts.render("common.not_started")))
        case OutcomeKind.ASK_BEFORE:
            assert routine is not None
            assert session_id is not None
            await _show(ctx, outcome, [views.ask_before(content, routine, session_id)], None)
        case OutcomeKind.ASK_GENTLE:
            assert session_id is not None
            assert outcome.before is not None
            await _show(ctx, outcome, [views.gentle_offer(content, session_id, outcome.before)], None)
        case OutcomeKind.EXISTING:
            assert routine is not None
            assert session_id is not None
            assert outcome.chat_id is not None
            message = views.already_running(content, routine, session_id, outcome.delivery_id, outcome.carried_before)
            await ctx.sender.send(outcome.chat_id, message)
        case OutcomeKind.SKIPPED_TODAY:
            await _show(ctx, outcome, [views.skipped_today(content)], None)
        case OutcomeKind.STOPPED:
            await _show(ctx, outcome, [views.stopped(content)], None)
        case OutcomeKind.INTERRUPTED:
            assert routine is not None
            assert session_id is not None
            assert outcome.chat_id is not None
            await ctx.sender.send(outcome.chat_id, views.interrupted(content, routine, session_id))
        case OutcomeKind.APPLIED:
            assert routine is not None
            assert session_id is not None
            assert outcome.state is not None
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
            if plan.edit is not None or plan.send:
                await _show(ctx, outcome, plan.send, plan.edit)
        case _:
            pass  # stale, ignored, over, not found: answered (a tap) or silently dropped (a timer)
    if outcome.timer is not None:
        timers.arm(outcome.timer)
