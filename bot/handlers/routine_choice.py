"""/routine: list the routines in content/routines and let the user pick one (a button, or its number or name
typed)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services import routine_choice as service
from bot.services.coaching import prescriptions
from bot.ui.callbacks_routine_choice import PickRoutine
from bot.ui.message import Reply
from bot.views import coaching_rx as coaching_rx_views
from bot.views import common as common_views
from bot.views import routine_choice as views


async def _coach_chose(context: BotContext) -> bool:
    """A coach prescribed the routine: /routine says so (and who) instead of offering a choice."""
    scope = await context.scope()
    async with context.app.db.unit_of_work(read_only=True) as uow:
        prescribed = await prescriptions.prescribed_routine(uow, scope.user_id)
    if prescribed is None:
        return False
    coach, routine_id = prescribed
    await context.reply(coaching_rx_views.routine_note(scope.content, coach, routine_id))
    return True


async def on_routine(_update: Update, context: BotContext) -> None:
    """/routine: the routines with their summary and minutes, one button each (or who prescribed it)."""
    scope = await context.scope()
    if await _coach_chose(context):
        return
    async with context.app.db.unit_of_work() as uow:
        result = await service.choices(uow, scope)
    if result is None:
        await context.reply(common_views.not_started(scope.content))
        return
    await context.reply(views.choices(scope.content, result))


async def on_pick(update: Update, context: BotContext) -> None:
    """A routine's button under /routine."""
    scope = await context.scope()
    _query, data = parsed_callback(update, PickRoutine)
    if await _coach_chose(context):
        return
    result = None
    if data is not None:
        async with context.app.db.unit_of_work() as uow:
            result = await service.choose(uow, scope, data.routine_id)
    if result is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    await context.reply(
        Reply(replace=views.choices(scope.content, result), messages=(views.chosen(scope.content, result),))
    )


async def consume_text(context: BotContext) -> bool:
    """A typed routine number or name right after /routine; False if /routine did not ask."""
    scope = await context.scope()
    async with context.app.db.unit_of_work(read_only=True) as uow:
        if not await service.awaiting(uow, scope.user_id):
            return False
    found = service.match_typed(scope, context.text)
    if found is False:  # names more than one: ask again
        await context.reply(views.unknown(scope.content, context.text, ambiguous=True))
        return True
    if found is None or found is True:  # not a routine: stop asking, and let the other flows read it (a rating...)
        async with context.app.db.unit_of_work() as uow:
            await service.stop_asking(uow, scope.user_id)
        return False
    async with context.app.db.unit_of_work() as uow:
        result = await service.choose(uow, scope, found.id)
    if result is None:
        await context.reply(common_views.stale_button(scope.content))
        return True
    await context.reply(views.chosen(scope.content, result))
    return True


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("routine", on_routine))
    application.add_handler(CallbackQueryHandler(on_pick, pattern=callback_pattern(PickRoutine)))
