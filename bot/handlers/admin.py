"""/stats for coaches (`settings.admin_user_ids`); for anybody else it does not exist (the unknown-command answer)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from bot.services import admin as service
from bot.views import admin as views
from bot.views import common as common_views


async def on_stats(_update: Update, context: BotContext) -> None:
    """Bot-wide counts of the last 7 days, for coaches only."""
    app = context.app
    scope = await context.scope()
    if scope.user_id not in app.settings.admin_user_ids:
        await context.reply(common_views.unknown_command(scope.content, context.text))
        return
    async with app.db.unit_of_work(read_only=True) as uow:
        figures = await service.coach_stats(uow, scope.now)
    await context.reply(views.stats(scope.content, figures))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("stats", on_stats))
