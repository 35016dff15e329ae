"""/export (all of the user's data as a CSV document) and /delete (after confirmation, every row, everywhere)."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.context import app_context
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services import data as service
from bot.ui.callbacks_ratings import DeleteData
from bot.ui.message import OutgoingMessage
from bot.views import data as views

log = logging.getLogger(__name__)


async def on_export(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None
    assert chat is not None
    async with ctx.db.unit_of_work(read_only=True) as uow:
        export = await service.export(uow, user.id, ctx.clock.now(), ctx.settings.default_timezone)
    if export is None:
        await ctx.sender.send(chat.id, OutgoingMessage(ctx.content.texts.render("common.not_started")))
        return
    if export.rows == 0:
        await ctx.sender.send(chat.id, views.export_empty(ctx.content))
        return
    await ctx.sender.send(chat.id, views.export_file(ctx.content, export))


async def on_delete(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    chat = update.effective_chat
    assert chat is not None
    await ctx.sender.send(chat.id, views.confirm_delete(ctx.content))


async def on_delete_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, DeleteData)
    if data is None or query.message is None:
        await ctx.sender.answer(query.id, ctx.content.texts.render("common.stale_button"))
        return
    chat_id, message_id = query.message.chat.id, query.message.message_id
    if data.action == "no":
        await ctx.sender.answer(query.id)
        await ctx.sender.edit(chat_id, message_id, views.cancelled(ctx.content))
        return
    async with ctx.db.unit_of_work() as uow:
        anything = await service.delete_everything(uow, query.from_user.id)
    log.info("a user deleted all their data" if anything else "delete requested with nothing stored")
    await ctx.sender.answer(query.id)
    await ctx.sender.edit(chat_id, message_id, views.deleted(ctx.content, anything))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("export", on_export))
    application.add_handler(CommandHandler("delete", on_delete))
    application.add_handler(CallbackQueryHandler(on_delete_answer, pattern=callback_pattern(DeleteData)))
