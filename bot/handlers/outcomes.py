"""The outcome questions: morning-stiffness minutes and the weekly PEG check-in (buttons or typed), and their
on/off switches in /settings. The prompter (`bot.reminders.prompts`) sends the questions; the typed answers come
through `handlers/prompts_typed.py`'s `ANSWERS` (`answer_stiffness`, `answer_peg`), after the safety check and the
plain words (pain typed here gets `handlers/safety.py`'s advice like anywhere else)."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.domain.answers import Answer, Declined, parse_peg_item, parse_stiffness_minutes
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services import outcomes as service
from bot.services import settings as settings_service
from bot.services.questions import OpenQuestion
from bot.services.user_scope import UserScope
from bot.ui.callbacks_outcomes import SKIP, OutcomeSwitch, PegPick, StiffnessPick
from bot.ui.message import Reply
from bot.views import common as common_views
from bot.views import outcomes as views
from bot.views import settings as settings_views

log = logging.getLogger(__name__)


async def _peg_answer(context: BotContext, scope: UserScope, checkin_id: int, item: int, value: int) -> bool:
    """Store one PEG item and show the next question or the weekly summary; False if it no longer fits."""
    async with context.app.db.unit_of_work() as uow:
        step = await service.answer_peg(uow, scope, checkin_id, item, value)
    if isinstance(step, service.NotExpected):
        return False
    recorded = views.peg_recorded(scope.content, item, value)
    follow = (
        views.peg_question(scope.content, checkin_id, step.next_item)
        if step.next_item is not None
        else views.weekly_summary(scope.content, step.summary)  # type: ignore[arg-type]
    )
    if step.next_item is None:
        log.info("weekly check-in completed")
    tapped = context.incoming is not None and context.incoming.callback_query is not None
    await context.reply(Reply(replace=recorded, messages=(follow,)) if tapped else Reply.of(recorded, follow))
    return True


async def answer_stiffness(context: BotContext, question: OpenQuestion) -> bool:
    """A typed answer to the morning-stiffness question (minutes, or skip / not now)."""
    return await _typed_answer(context, question)


async def answer_peg(context: BotContext, question: OpenQuestion) -> bool:
    """A typed answer to the open weekly check-in item (0-10, or skip / not now)."""
    return await _typed_answer(context, question)


async def _typed_answer(context: BotContext, question: OpenQuestion) -> bool:
    scope = await context.scope()
    async with context.app.db.unit_of_work(read_only=True) as uow:
        waiting = await service.awaiting(uow, scope.user_id, question)
    if waiting is None:
        return False
    text = await context.understood()
    parsed = parse_stiffness_minutes(text) if waiting.kind == "stiffness" else parse_peg_item(text)
    if isinstance(parsed, Declined):
        async with context.app.db.unit_of_work() as uow:
            await service.decline(uow, scope)
        await context.reply(views.declined(scope.content, waiting.kind, tapped=False))
        return True
    if isinstance(parsed, Answer):
        if waiting.kind == "peg":
            if await _peg_answer(context, scope, waiting.checkin_id, waiting.item, parsed.value):
                return True
        else:
            assert waiting.local_date is not None
            async with context.app.db.unit_of_work() as uow:
                saved = await service.save_stiffness(uow, scope, waiting.local_date, parsed.value, "text")
            if isinstance(saved, service.StiffnessSaved):
                log.info("morning stiffness stored")
                await context.reply(views.stiffness_saved(scope.content, saved, scope.today, tapped=False))
                return True
        async with context.app.db.unit_of_work() as uow:  # the question closed meanwhile: stop waiting for it
            await service.decline(uow, scope)
        return False
    await context.reply(views.unclear(scope.content, waiting.kind, parsed.reason))
    return True


async def on_stiffness_pick(update: Update, context: BotContext) -> None:
    """A minutes button (or Not now) under the morning-stiffness question."""
    scope = await context.scope()
    _query, data = parsed_callback(update, StiffnessPick)
    day = views.day_of_code(data.day) if data is not None else None
    if data is None or day is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    if data.minutes == SKIP:
        async with context.app.db.unit_of_work() as uow:
            waiting = await service.waiting_for(uow, scope.user_id, scope.now)
            if waiting is not None and waiting.kind == "stiffness" and waiting.local_date == day:
                await service.decline(uow, scope)
        await context.reply(views.declined(scope.content, "stiffness", tapped=True))
        return
    async with context.app.db.unit_of_work() as uow:
        saved = await service.save_stiffness(uow, scope, day, data.minutes, "button")
    if isinstance(saved, service.NotExpected):
        await context.reply(views.stale(scope.content))
        return
    log.info("morning stiffness stored")
    await context.reply(views.stiffness_saved(scope.content, saved, scope.today, tapped=True))


async def on_peg_pick(update: Update, context: BotContext) -> None:
    """A 0-10 button (or Not now) under a weekly check-in question."""
    scope = await context.scope()
    _query, data = parsed_callback(update, PegPick)
    if data is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    if data.value == SKIP:
        async with context.app.db.unit_of_work() as uow:
            declined = await service.decline_checkin(uow, scope, data.checkin_id)
        await context.reply(
            views.declined(scope.content, "peg", tapped=True) if declined else views.stale(scope.content)
        )
        return
    if not await _peg_answer(context, scope, data.checkin_id, data.item, data.value):
        await context.reply(views.stale(scope.content))


async def on_switch(update: Update, context: BotContext) -> None:
    """/settings: the stiffness question or the weekly check-in on or off."""
    scope = await context.scope()
    _query, data = parsed_callback(update, OutcomeSwitch)
    if data is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    async with context.app.db.unit_of_work() as uow:
        result = await service.set_switch(uow, scope, data.what, data.on)
    if result is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    log.info("outcome question %s switched %s", data.what, "on" if data.on else "off")
    async with context.app.db.unit_of_work(read_only=True) as uow:
        snap = await settings_service.current(uow, scope.user_id)
    switched = views.switched(scope.content, data.what, data.on)
    summary = settings_views.settings_message(scope, snap) if snap is not None else None
    await context.reply(Reply(replace=summary, messages=(switched,), clear_buttons=summary is None))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CallbackQueryHandler(on_stiffness_pick, pattern=callback_pattern(StiffnessPick)))
    application.add_handler(CallbackQueryHandler(on_peg_pick, pattern=callback_pattern(PegPick)))
    application.add_handler(CallbackQueryHandler(on_switch, pattern=callback_pattern(OutcomeSwitch)))
