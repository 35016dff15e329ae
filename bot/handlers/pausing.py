"""/pause (for some days or until /resume), /resume and /stop, and the pause buttons."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.domain.typed_answers import parse_days
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services import pausing as service
from bot.services import settings as settings_service
from bot.services.questions import OpenQuestion, QuestionKind
from bot.ui.callbacks_settings import PauseFor
from bot.views import common as common_views
from bot.views import settings as views


async def _pause(context: BotContext, days: int | None) -> None:
    scope = await context.scope()
    async with context.app.db.unit_of_work() as uow:
        result = await service.pause(uow, scope, days)
    await context.reply(views.paused(scope, result) if result else common_views.not_started(scope.content))


async def on_pause(_update: Update, context: BotContext) -> None:
    """/pause asks for how long; /pause N pauses for N days."""
    scope = await context.scope()
    args = context.args or []
    if not args:
        if not scope.onboarded:
            await context.reply(common_views.not_started(scope.content))
            return
        async with context.app.db.unit_of_work() as uow:
            await settings_service.ask_for(uow, scope, QuestionKind.PAUSE)
        await context.reply(views.ask_pause(scope.content))
        return
    if len(args) != 1 or not args[0].isdigit() or not 1 <= int(args[0]) <= service.MAX_PAUSE_DAYS:
        await context.reply(views.pause_invalid(scope.content))
        return
    await _pause(context, int(args[0]))


async def answer_pause(context: BotContext, _question: OpenQuestion) -> bool:
    """A typed pause length ("2 weeks", "3 days", "until I resume")."""
    days = parse_days(await context.understood())
    if days is None or not 0 <= days <= service.MAX_PAUSE_DAYS:
        await context.reply(views.pause_invalid((await context.scope()).content))
        return True
    await _pause(context, days or None)
    return True


async def on_pause_for(update: Update, context: BotContext) -> None:
    """A pause length button (days, or until /resume)."""
    _query, data = parsed_callback(update, PauseFor)
    if data is None or not 0 <= data.days <= service.MAX_PAUSE_DAYS:
        await context.reply(common_views.stale_button((await context.scope()).content))
        return
    await _pause(context, data.days or None)


async def on_resume(_update: Update, context: BotContext) -> None:
    """/resume: reminders back on."""
    scope = await context.scope()
    async with context.app.db.unit_of_work() as uow:
        result = await service.resume(uow, scope)
    if result is None:
        await context.reply(common_views.not_started(scope.content))
        return
    scheduled, was_paused = result
    await context.reply(views.resumed(scope, scheduled, was_paused=was_paused))


async def on_stop(_update: Update, context: BotContext) -> None:
    """/stop: reminders off; the data stays."""
    scope = await context.scope()
    async with context.app.db.unit_of_work() as uow:
        known = await service.stop(uow, scope)
    await context.reply(views.stopped(scope.content) if known else common_views.not_started(scope.content))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("pause", on_pause))
    application.add_handler(CommandHandler("resume", on_resume))
    application.add_handler(CommandHandler("stop", on_stop))
    application.add_handler(CallbackQueryHandler(on_pause_for, pattern=callback_pattern(PauseFor)))
