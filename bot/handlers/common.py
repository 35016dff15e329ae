"""Help, the private-chat guard, replies to the unexpected, blocked and unblocked chats, and the error handler."""

from __future__ import annotations

import contextlib
import logging
from typing import Any

from telegram import ChatMember, Update
from telegram.constants import ChatType
from telegram.error import InvalidToken, NetworkError, TimedOut
from telegram.ext import (
    Application,
    ApplicationHandlerStop,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.context import AppContext, BotContext
from bot.db.commits import current_commits
from bot.db.errors import classify
from bot.logging_setup import log_failure
from bot.services.coaching import coaches
from bot.services.users import set_blocked, set_unblocked
from bot.telegram_io.sender import RecipientBlocked, ReplyTarget
from bot.views import common as views

log = logging.getLogger(__name__)

# Every kind of edit Telegram sends (edited_message, edited_channel_post, edited_business_message...).
EDIT_KINDS = tuple(kind for kind in Update.ALL_TYPES if kind.startswith("edited_"))


async def guard_private_chats(update: Update, context: BotContext) -> None:
    """Stretchbot is personal: updates from groups and channels stop here (a command gets a one-line answer).

    Edits of earlier messages stop here too, everywhere: what was stored stays as confirmed, and an old message
    edited into "/delete" or "/stop" does not run it (python-telegram-bot's CommandHandler would).
    """
    if any(getattr(update, kind, None) is not None for kind in EDIT_KINDS):
        raise ApplicationHandlerStop
    chat = update.effective_chat
    if chat is None or chat.type == ChatType.PRIVATE:
        return
    app = context.app
    message = update.message
    if message is not None and message.text and message.text.startswith("/") and chat.type != ChatType.CHANNEL:
        with contextlib.suppress(RecipientBlocked):
            await app.sender.send(chat.id, views.private_only(app.content_without_query(update)))
    if update.callback_query is not None:
        await app.sender.answer(update.callback_query.id)
    raise ApplicationHandlerStop


async def on_help(update: Update, context: BotContext) -> None:
    """/help: what the bot can do (and the coach's commands for coaches)."""
    scope = await context.scope()
    admins = context.app.settings.admin_user_ids
    async with context.app.db.unit_of_work(read_only=True) as uow:
        coach = await coaches.is_coach(uow, admins, scope.user_id)
    await context.reply(views.help_text(scope.content, coach=coach, admin=scope.user_id in admins))


async def on_unknown_command(_update: Update, context: BotContext) -> None:
    """A command the bot does not have."""
    scope = await context.scope()
    await context.reply(views.unknown_command(scope.content, context.text))


async def on_unsupported_message(_update: Update, context: BotContext) -> None:
    """Stickers, photos, voice...: a friendly word, nothing changes (edits never get here: see the guard)."""
    scope = await context.scope()
    await context.reply(views.unsupported_message(scope.content))


async def on_stale_button(_update: Update, context: BotContext) -> None:
    """A button whose data no handler claims (an old version, forged or garbage data)."""
    scope = await context.scope()
    await context.reply(views.stale_button(scope.content))


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    """The user blocked (kicked) or unblocked the bot in their private chat."""
    app = context.app
    change = update.my_chat_member
    if change is None or change.chat.type != ChatType.PRIVATE:
        return
    status = change.new_chat_member.status
    now = app.clock.now()
    async with app.db.unit_of_work() as uow:
        if status in (ChatMember.BANNED, ChatMember.LEFT):
            await set_blocked(uow, change.from_user.id, now)
        elif status == ChatMember.MEMBER:
            await set_unblocked(uow, change.from_user.id, now, app.settings.default_timezone)


async def _mark_blocked(app: AppContext, chat_id: int) -> None:
    """A send got 403: the user (private chat id == user id) blocked the bot."""
    async with app.db.unit_of_work() as uow:
        if await set_blocked(uow, chat_id, app.clock.now()):
            log.info("a user blocked the bot; reminders stopped for them")


def what_became_of_the_input(error: BaseException | None) -> views.InputFate:
    """The apology that is true: the input was not stored (the database failed), it was (a commit came before the
    error), or neither can be said (try again)."""
    if error is not None and classify(error) is not None:
        return "not_stored"
    record = current_commits()
    return "saved" if record is not None and record.commits else "unknown"


async def on_error(update: object, context: BotContext) -> None:
    """Log the failure without user data, tell the user truthfully what became of their input, keep running."""
    error = context.error
    app = context.app
    if isinstance(error, RecipientBlocked):
        await _mark_blocked(app, error.chat_id)
        return
    if isinstance(error, InvalidToken):
        return  # the token was revoked: the runner says so in one line and stops the bot (exit code 3)
    if update is None and isinstance(error, NetworkError | TimedOut):
        return  # polling failed: Telegram is away, and its outage is logged once a minute (TelegramReachability)
    kind = type(update).__name__ if update is not None else "job"
    # An unavailable database is logged once a minute by its DatabaseHealth, not once per update.
    if error is not None and not app.db.health.record_failure(error):
        log_failure(log, "error while handling %s", error, kind)  # types and stack only: no user data
        await app.errors.report("update" if update is not None else "job", error)  # counted; to the operator
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    query = update.callback_query
    if query is None and update.effective_chat.type != ChatType.PRIVATE:
        return
    try:
        target = ReplyTarget(update.effective_chat.id, query.id if query is not None else None)
        fate = what_became_of_the_input(error)
        await app.sender.deliver(
            target, views.failed(app.content_without_query(update), fate, tapped=query is not None)
        )
    except Exception as exc:  # the error handler must never raise
        log.warning("could not tell the user about an error: %s", type(exc).__name__)


def register_guards(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(TypeHandler(Update, guard_private_chats), group=-1)
    application.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))


def register_fallbacks(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """Registered last in group 0, so they only see what no other handler took."""
    application.add_handler(CommandHandler("help", on_help), group=0)
    application.add_handler(MessageHandler(filters.COMMAND, on_unknown_command), group=0)
    application.add_handler(CallbackQueryHandler(on_stale_button), group=0)
    application.add_handler(
        MessageHandler(~filters.COMMAND & ~filters.TEXT & ~filters.StatusUpdate.ALL, on_unsupported_message),
        group=0,
    )
    application.add_error_handler(on_error)
