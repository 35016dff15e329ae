"""The client's /coach: who they share with and since when, what the coach sees, the log of what the coach looked
at; stop sharing (the coach is told at once) and share or hide the history from before the link."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.handlers.coaching_common import tell
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services.coaching import links
from bot.ui.callbacks_coaching import ShareHistory, StopSharing
from bot.ui.message import Reply
from bot.views import coaching as views
from bot.views import common as common_views


async def on_coach(_update: Update, context: BotContext) -> None:
    """/coach: the client's links, what each coach sees and looked at, with Stop and History buttons."""
    scope = await context.scope()
    if not scope.known:
        await context.reply(common_views.not_started(scope.content))
        return
    async with context.app.db.unit_of_work(read_only=True) as uow:
        result = await links.overview(uow, scope.user_id)
    await context.reply(views.client_overview(scope.content, result, scope.zone))


async def on_stop(update: Update, context: BotContext) -> None:
    """ "Stop sharing with <coach>": the link ends now and the coach is told."""
    app = context.app
    scope = await context.scope()
    _query, data = parsed_callback(update, StopSharing)
    stopped = None
    if data is not None:
        async with app.db.unit_of_work() as uow:
            stopped = await links.stop(uow, scope.user_id, data.link_id, scope.now)
            overview = await links.overview(uow, scope.user_id)
    if stopped is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    await context.reply(
        Reply(
            replace=views.client_overview(scope.content, overview, scope.zone),
            messages=(views.stopped(scope.content, stopped.coach_name),),
        )
    )
    coach_content = await app.content_of_user(stopped.coach_id)
    await tell(app, stopped.coach_id, views.told(coach_content, "told_left", client=stopped.client_label))


async def on_history(update: Update, context: BotContext) -> None:
    """Share or hide the history from before the link."""
    scope = await context.scope()
    _query, data = parsed_callback(update, ShareHistory)
    line = None
    if data is not None:
        async with context.app.db.unit_of_work() as uow:
            line = await links.set_history(uow, scope.user_id, data.link_id, data.share)
            overview = await links.overview(uow, scope.user_id)
    if line is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    await context.reply(
        Reply(
            replace=views.client_overview(scope.content, overview, scope.zone),
            messages=(views.history_changed(scope.content, line),),
        )
    )


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("coach", on_coach))
    application.add_handler(CallbackQueryHandler(on_stop, pattern=callback_pattern(StopSharing)))
    application.add_handler(CallbackQueryHandler(on_history, pattern=callback_pattern(ShareHistory)))
