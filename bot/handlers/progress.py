"""/progress (a chart of the last 30 days and a summary) and /history (the last 14 days as text)."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.charts.pool import RenderBusy
from bot.charts.progress_chart import render_progress_png
from bot.context import BotContext
from bot.services import progress as service
from bot.views import common as common_views
from bot.views import progress as views


async def on_progress(_update: Update, context: BotContext) -> None:
    """/progress: the chart and the summary (or "busy, try again in a minute" when every chart worker is busy)."""
    scope = await context.scope()
    async with context.app.db.unit_of_work(read_only=True) as uow:
        report = await service.progress(uow, scope)
    if report is None:
        await context.reply(common_views.not_started(scope.content))
        return
    if not report.has_data:
        await context.reply(views.no_data(scope.content))
        return
    try:  # CPU work: in a worker process, never in the event loop's interpreter
        png = await context.app.renders.run(render_progress_png, views.chart_data(scope.content, report))
    except RenderBusy:
        await context.reply(common_views.busy(scope.content))
        return
    await context.reply(views.progress_message(scope.content, report, png))


async def on_history(_update: Update, context: BotContext) -> None:
    """/history: the last 14 days as text."""
    scope = await context.scope()
    async with context.app.db.unit_of_work(read_only=True) as uow:
        days = await service.recent_history(uow, scope)
    await context.reply(
        views.history(scope.content, days) if days is not None else common_views.not_started(scope.content)
    )


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("progress", on_progress))
    application.add_handler(CommandHandler("history", on_history))
