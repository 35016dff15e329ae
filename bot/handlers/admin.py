"""/stats for coaches (`settings.admin_user_ids`); for anybody else it does not exist (the unknown-command answer)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.context import app_context
from bot.handlers import common
from bot.services import admin as service
from bot.ui.message import OutgoingMessage


async def on_stats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    user, chat = update.effective_user, update.effective_chat
    assert chat is not None
    if user is None or user.id not in ctx.settings.admin_user_ids:
        await common.on_unknown_command(update, context)
        return
    async with ctx.db.unit_of_work(read_only=True) as uow:
        stats = await service.coach_stats(uow, ctx.clock.now())
    texts = ctx.content.texts
    none = texts.render("admin.no_data")
    text = texts.render(
        "admin.stats",
        active_users=stats.active_users,
        finished=stats.finished,
        started=stats.started,
        completion=f"{stats.completion_rate:.0%}" if stats.completion_rate is not None else none,
        change=f"{stats.average_change:+.1f}" if stats.average_change is not None else none,
    )
    await ctx.sender.send(chat.id, OutgoingMessage(text))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("stats", on_stats))
