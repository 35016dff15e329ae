"""/start: begin or continue set-up, or welcome back a user who finished it (the answers to its questions, the time
and the timezone, are settings: `bot.handlers.settings`)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from bot.services import onboarding as service
from bot.views import onboarding as views


async def on_start(update: Update, context: BotContext) -> None:
    """/start: greet a new user and ask the reminder time, or show a known user their settings."""
    app = context.app
    scope = await context.scope()
    async with app.db.unit_of_work() as uow:
        result = await service.start(uow, scope, default_snooze=scope.content.coach.default_snooze_minutes)
    name = update.effective_user.first_name if update.effective_user is not None else ""
    await context.reply(views.start(scope, result, name))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("start", on_start))
