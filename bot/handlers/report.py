"""/report: a one-page report for a physio (A4 PDF and the same page as a picture), for a period the user picks
(buttons, or typed: `/report 30` for the last 30 days, `/report all`)."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.charts.pool import RenderBusy
from bot.charts.report_page import render_report
from bot.context import BotContext
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services import report as service
from bot.ui.callbacks_report import ReportPeriod
from bot.ui.message import Reply
from bot.views import common as common_views
from bot.views import report as views

log = logging.getLogger(__name__)


async def _send_report(update: Update, context: BotContext, days: int) -> None:
    scope = await context.scope()
    async with context.app.db.unit_of_work(read_only=True) as uow:
        facts = await service.gather(uow, scope, days)
    if facts is None:
        await context.reply(common_views.not_started(scope.content))
        return
    if not facts.has_data:
        await context.reply(views.no_data(scope.content))
        return
    name = update.effective_user.first_name if update.effective_user is not None else None
    page = views.report_data(scope.content, facts, name=name, today=scope.today)
    try:  # CPU work: in a worker process, never in the event loop's interpreter
        pdf, png = await context.app.renders.run(render_report, page)
    except RenderBusy:
        await context.reply(common_views.busy(scope.content))
        return
    log.info("report sent (%d days)", (facts.end - facts.start).days + 1)
    await context.reply(views.report_files(scope.content, facts, pdf, png))


def _typed_days(args: list[str] | None) -> int | None:
    """`/report 30` -> 30, `/report all` -> 0; None without (or with an unreadable) argument."""
    if not args:
        return None
    word = args[0].strip().lower()
    if word in ("all", "everything", "0"):
        return 0
    if word.isdigit() and 1 <= int(word) <= service.MAX_DAYS:
        return int(word)
    return None


async def on_report(update: Update, context: BotContext) -> None:
    """/report: ask for the period (or use the one typed after the command)."""
    scope = await context.scope()
    days = _typed_days(context.args)
    if days is None:
        if not scope.known:
            await context.reply(common_views.not_started(scope.content))
            return
        await context.reply(views.ask_period(scope.content))
        return
    await _send_report(update, context, days)


async def on_report_period(update: Update, context: BotContext) -> None:
    """A period button under the /report question."""
    scope = await context.scope()
    _query, data = parsed_callback(update, ReportPeriod)
    if data is None or data.days not in service.PERIODS:
        await context.reply(common_views.stale_button(scope.content))
        return
    await context.reply(Reply(clear_buttons=True))
    await _send_report(update, context, data.days)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("report", on_report))
    application.add_handler(CallbackQueryHandler(on_report_period, pattern=callback_pattern(ReportPeriod)))
