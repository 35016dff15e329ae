"""Help, the private-chat guard, replies to the unexpected, and the error handler."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from telegram import Update
from telegram.constants import ChatType
from telegram.error import NetworkError, TimedOut
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import app_context
from bot.db.commits import current_commits
from bot.db.errors import classify
from bot.logging_setup import log_failure
from bot.telegram_io.sender import RecipientBlocked
from bot.ui.message import OutgoingMessage

log = logging.getLogger(__name__)


async def guard_private_chats(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stretchbot is personal: updates from groups and channels stop here (a command gets a one-line answer).

    Edits of earlier messages stop here too, everywhere: what was stored stays as confirmed, and an old message
    edited into "/delete" or "/stop" does not run it (python-telegram-bot's CommandHandler would).
    """
    if update.edited_message is not None or update.edited_channel_post is not None:
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    message = update.message
    if message is not None and message.text and message.text.startswith("/") and chat.type != ChatType.CHANNEL:
        ctx = app_context(context)
        with contextlib.suppress(RecipientBlocked):
            await ctx.sender.send(chat.id, OutgoingMessage(ctx.content.texts.render("common.private_only")))
    if update.callback_query is not None:
        await app_context(context).sender.answer(update.callback_query.id)
    raise ApplicationHandlerStop


async def on_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    assert update.effective_chat is not None
    assert update.effective_user is not None
    text = ctx.content.texts.render("help.text")
    if update.effective_user.id in ctx.settings.admin_user_ids:
        text += "\n\n" + ctx.content.texts.render("help.admin")
    await ctx.sender.send(update.effective_chat.id, OutgoingMessage(text))


async def on_unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    assert update.effective_chat is not None
    assert update.effective_message is not None
    command = (update.effective_message.text or "/").split()[0].split("@")[0][:32]
    await ctx.sender.send(
        update.effective_chat.id,
        OutgoingMessage(ctx.content.texts.render("common.unknown_command", command=command)),
    )


async def on_unsupported_message(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Stickers, photos, voice...: a friendly word, nothing changes (edits never get here: see the guard)."""
    ctx = app_context(context)
    assert update.effective_chat is not None
    await ctx.sender.send(
        update.effective_chat.id, OutgoingMessage(ctx.content.texts.render("common.unsupported_message"))
    )


async def on_stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button whose data no handler claims (an old version, forged or garbage data)."""
    query = update.callback_query
    assert query is not None
    ctx = app_context(context)
    await ctx.sender.answer(query.id, ctx.content.texts.render("common.stale_button"))


def error_text_key(error: BaseException | None) -> str:
    """The apology that is true: the input was not stored (the database failed), it was (a commit came before the
    error), or neither can be said (try again)."""
    if error is not None and classify(error) is not None:
        return "common.not_stored"
    record = current_commits()
    return "common.error_saved" if record is not None and record.commits else "common.error"


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure without user data, tell the user truthfully what became of their input, keep running."""
    error = context.error
    ctx = app_context(context)
    if isinstance(error, RecipientBlocked):
        from bot.services.users import mark_blocked

        await mark_blocked(ctx, error.chat_id)
        return
    if update is None and isinstance(error, NetworkError | TimedOut):
        return  # polling failed: Telegram is away, and its outage is logged once a minute (TelegramReachability)
    kind = type(update).__name__ if update is not None else "job"
    # An unavailable database is logged once a minute by its DatabaseHealth, not once per update.
    if error is not None and not ctx.db.health.record_failure(error):
        log_failure(log, "error while handling %s", error, kind)  # types and stack only: no user data
    if not isinstance(update, Update):
        return
    text = ctx.content.texts.render(error_text_key(error))
    try:
        if update.callback_query is not None:
            await ctx.sender.answer(update.callback_query.id, text, alert=True)
        elif update.effective_chat is not None and update.effective_chat.type == ChatType.PRIVATE:
            await ctx.sender.send(update.effective_chat.id, OutgoingMessage(text))
    except Exception as exc:  # the error handler must never raise
        log.warning("could not tell the user about an error: %s", type(exc).__name__)


def register_guards(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(TypeHandler(Update, guard_private_chats), group=-1)


def register_fallbacks(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Registered last in group 0, so they only see what no other handler took."""
    application.add_handler(CommandHandler("help", on_help), group=0)
    application.add_handler(MessageHandler(filters.COMMAND, on_unknown_command), group=0)
    application.add_handler(CallbackQueryHandler(on_stale_button), group=0)
    application.add_handler(
        MessageHandler(~filters.COMMAND & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_unsupported_message),
        group=0,
    )
