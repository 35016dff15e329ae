"""/language: the language the bot speaks with the user (buttons, `/language Deutsch` typed, the row in /settings).
First contact takes Telegram's language_code (see `bot.services.user_scope`)."""

from __future__ import annotations

import contextlib
from typing import Any

from telegram import BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services import language as service
from bot.ui.callbacks_language import PickLanguage
from bot.views import common as common_views
from bot.views import language as views
from bot.views.menu import menu


async def on_language(_update: Update, context: BotContext) -> None:
    """/language: the choice; `/language <name or code>` changes it at once."""
    scope = await context.scope()
    if not scope.known:
        await context.reply(common_views.not_started(scope.content))
        return
    typed = context.text.partition(" ")[2].strip()
    if not typed:
        await context.reply(views.ask(scope.content))
        return
    code = service.language_named(scope, typed)
    if code is None:
        await context.reply(views.unknown(scope.content, typed))
        return
    await _change(context, code, tapped=False)


async def on_pick(update: Update, context: BotContext) -> None:
    """A language's button (or the Language row of /settings, which asks first)."""
    scope = await context.scope()
    _query, data = parsed_callback(update, PickLanguage)
    if data is None or not scope.known:
        await context.reply(common_views.stale_button(scope.content))
        return
    if data.code == "":
        await context.reply(views.ask(scope.content))
        return
    await _change(context, data.code, tapped=True)


async def _change(context: BotContext, code: str, *, tapped: bool) -> None:
    scope = await context.scope()
    async with context.app.db.unit_of_work() as uow:
        changed = await service.set_language(uow, scope, code)
    if not changed:
        await context.reply(common_views.stale_button(scope.content))
        return
    context.forget_scope()  # the confirmation is in the new language
    scope = await context.scope()
    # The command menu of this chat follows (Telegram's own follows the app's language, not the bot's choice).
    with contextlib.suppress(TelegramError):
        await context.bot.set_my_commands(menu(scope.texts), scope=BotCommandScopeChat(scope.chat_id))
    await context.reply(views.changed(scope.content, tapped=tapped))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("language", on_language))
    application.add_handler(CallbackQueryHandler(on_pick, pattern=callback_pattern(PickLanguage)))
