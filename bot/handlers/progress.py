"""/progress (a chart of the last 30 days and a summary) and /history (the last 14 days as text)."""

from __future__ import annotations

import asyncio
from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler, ContextTypes

from bot.charts.progress_chart import render_progress_png
from bot.context import app_context
from bot.services import progress as service
from bot.ui.message import Attachment, OutgoingMessage
from bot.views import progress as views


async def on_progress(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None
    assert chat is not None
    async with ctx.db.unit_of_work(read_only=True) as uow:
        report = await service.progress(uow, user.id, ctx.clock.now(), ctx.settings.default_timezone)
    if report is None:
        await ctx.sender.send(chat.id, OutgoingMessage(ctx.content.texts.render("common.not_started")))
        return
    if not report.has_data:
        await ctx.sender.send(chat.id, views.no_data(ctx.content))
        return
    png = await asyncio.to_thread(render_progress_png, views.chart_data(ctx.content, report))
    caption = views.summary(ctx.content, report)
    await ctx.sender.send(
        chat.id, OutgoingMessage(caption, attachment=Attachment("photo", f"progress-{report.today}.png", png))
    )


async def on_history(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None
    assert chat is not None
    async with ctx.db.unit_of_work(read_only=True) as uow:
        days = await service.recent_history(uow, user.id, ctx.clock.now(), ctx.settings.default_timezone)
    if days is None:
        await ctx.sender.send(chat.id, OutgoingMessage(ctx.content.texts.render("common.not_started")))
        return
    await ctx.sender.send(chat.id, views.history(ctx.content, days))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("progress", on_progress))
    application.add_handler(CommandHandler("history", on_history))
