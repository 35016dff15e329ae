"""The coach's /clients: the roster (paged, attention first) and, on a client's button, their summary, progress
chart and one-page report. Only the coach's own clients who agreed; every look is an access event the client sees.
The chart and the report are drawn off the event loop, as /progress and /report do."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.charts.pool import RenderBusy
from bot.charts.progress_chart import render_progress_png
from bot.charts.report_page import render_report
from bot.context import BotContext
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services.coaching import roster
from bot.ui.callbacks_coaching import OpenClient, RosterPage
from bot.ui.message import Reply
from bot.views import coaching as views
from bot.views import coaching_roster as roster_views
from bot.views import common as common_views
from bot.views import report as report_views
from bot.views.calendar import day_month

log = logging.getLogger(__name__)


async def _roster(context: BotContext, page: int, *, tapped: bool) -> None:
    app = context.app
    scope = await context.scope()
    async with app.db.unit_of_work() as uow:
        lines = await roster.roster(
            uow, app.settings.admin_user_ids, scope.user_id, scope.content, scope.now, scope.default_timezone
        )
    if lines is None:
        await context.reply(views.not_coach(scope.content) if not tapped else common_views.stale_button(scope.content))
        return
    shown = roster_views.roster(scope.content, lines, page)
    await context.reply(Reply(replace=shown) if tapped else Reply.of(shown))


async def on_clients(_update: Update, context: BotContext) -> None:
    """/clients: the coach's clients, those needing attention first."""
    await _roster(context, 0, tapped=False)


async def on_page(update: Update, context: BotContext) -> None:
    """Previous / Next under the roster, and "All clients" under a summary."""
    scope = await context.scope()
    _query, data = parsed_callback(update, RosterPage)
    if data is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    await _roster(context, data.page, tapped=True)


async def on_client(update: Update, context: BotContext) -> None:
    """A client's button: their summary, chart and report (refused for anyone else's client)."""
    app = context.app
    scope = await context.scope()
    _query, data = parsed_callback(update, OpenClient)
    view = None
    if data is not None:
        async with app.db.unit_of_work() as uow:
            view = await roster.client_view(
                uow, app.settings.admin_user_ids, scope.user_id, data.link_id, scope.content, scope.now,
                scope.default_timezone,
            )  # fmt: skip
    if view is None:
        await context.reply(roster_views.not_your_client(scope.content))
        return
    content = scope.content
    await context.reply(Reply(messages=(roster_views.summary(content, view, day_month(view.since, content.formats)),)))
    messages = []  # then the pictures, drawn in the render pool (never in the event loop's interpreter)
    try:
        if view.progress.has_data:
            png = await app.renders.run(render_progress_png, roster_views.chart_data(content, view))
            messages.append(roster_views.chart(content, view, png))
        if view.facts is not None and view.facts.has_data:
            page = report_views.report_data(content, view.facts, name=view.name, today=view.scope.today)
            pdf, report_png = await app.renders.run(render_report, page)
            messages.extend(roster_views.report_files(content, view.name, view.facts, pdf, report_png))
    except RenderBusy:
        messages.append(common_views.busy(content))
    log.info("a coach opened a client's summary")
    await context.reply_on(None, Reply(messages=tuple(messages)))  # the tap was answered with the summary


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("clients", on_clients))
    application.add_handler(CallbackQueryHandler(on_page, pattern=callback_pattern(RosterPage)))
    application.add_handler(CallbackQueryHandler(on_client, pattern=callback_pattern(OpenClient)))
