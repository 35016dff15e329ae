"""A coach's own photo or video: sent to the bot, kept by its Telegram file id, attached to a routine's step (or
intro) with a button. Anybody else's photo or video goes on as before: its caption read as typed text, or the
"I can only read text" answer."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, MessageHandler, filters

from bot.context import BotContext
from bot.handlers import text
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services.coaching import media
from bot.ui.callbacks_coaching import AttachMedia
from bot.views import coaching_media as views
from bot.views import common as common_views


async def on_media(update: Update, context: BotContext) -> None:
    """A photo or video: a coach's is kept and they choose its step; anyone else's is read as before."""
    app = context.app
    scope = await context.scope()
    message = update.effective_message
    kind, file_id = "", ""
    if message is not None and message.video is not None:
        kind, file_id = "video", message.video.file_id
    elif message is not None and message.photo:
        kind, file_id = "photo", message.photo[-1].file_id
    received = None
    if kind:
        async with app.db.unit_of_work() as uow:
            received = await media.receive(uow, app.settings.admin_user_ids, scope.user_id, kind, file_id, scope.now)
    if received is not None:
        await context.reply(views.where(scope.content, received))
    elif context.text and not context.text.startswith("/"):
        await text.on_text(update, context)
    else:
        await context.reply(common_views.unsupported_message(scope.content))


async def on_attach(update: Update, context: BotContext) -> None:
    """A step's button under "Where should this go?"."""
    app = context.app
    scope = await context.scope()
    _query, data = parsed_callback(update, AttachMedia)
    result = None
    if data is not None:
        async with app.db.unit_of_work() as uow:
            result = await media.attach(
                uow, app.settings.admin_user_ids, scope.user_id, data.media_id, data.routine_id, data.step_id,
                scope.content,
            )  # fmt: skip
    if result is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    await context.reply(views.attached(scope.content, result))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & (filters.PHOTO | filters.VIDEO), on_media))
    application.add_handler(CallbackQueryHandler(on_attach, pattern=callback_pattern(AttachMedia)))
