"""A coach's prescription for one client (the 📝 button under their summary): the routine, hold time, repetitions
and daily reminders, a tap each; the client is told what changed and by whom. Refused for anyone else's client."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.handlers.coaching_common import tell
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services.coaching import prescriptions
from bot.ui.callbacks_coaching import Prescribe
from bot.ui.message import Reply
from bot.views import coaching as views
from bot.views import coaching_roster as roster_views
from bot.views import coaching_rx as rx_views


async def on_prescribe(update: Update, context: BotContext) -> None:
    """Show the prescription editor, or apply one change and tell the client."""
    app = context.app
    scope = await context.scope()
    _query, data = parsed_callback(update, Prescribe)
    view = None
    if data is not None:
        async with app.db.unit_of_work() as uow:
            if data.what == "show":
                view = await prescriptions.show(
                    uow, app.settings.admin_user_ids, scope.user_id, data.link_id, scope.now
                )
            else:
                view = await prescriptions.change(
                    uow, app.settings.admin_user_ids, scope.user_id, data.link_id, data.what, data.value,
                    scope.content, scope.now, scope.default_timezone,
                )  # fmt: skip
    if view is None:
        await context.reply(roster_views.not_your_client(scope.content))
        return
    editor = rx_views.editor(scope.content, view)
    if data is None or data.what == "show":
        await context.reply(Reply(messages=(editor,)))
        return
    await context.reply(Reply(toast=scope.content.texts.render("coaching.rx_saved"), replace=editor))
    client_content = await app.content_of_user(view.client_id)
    label = views.coach_label(client_content, view.coach_name)
    await tell(app, view.client_id, rx_views.told_client(client_content, view, label))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CallbackQueryHandler(on_prescribe, pattern=callback_pattern(Prescribe)))
