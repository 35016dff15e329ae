"""/export (all of the user's data as a CSV document) and /delete (after confirmation, every row, everywhere)."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.domain.typed_answers import yes_or_no
from bot.handlers.coaching_common import tell
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services import data as service
from bot.services import questions
from bot.services.coaching import links
from bot.services.questions import OpenQuestion, QuestionKind
from bot.ui.callbacks_ratings import DeleteData
from bot.views import coaching as coaching_views
from bot.views import common as common_views
from bot.views import data as views

log = logging.getLogger(__name__)


async def on_export(_update: Update, context: BotContext) -> None:
    """/export: everything stored about the user, as a CSV file."""
    scope = await context.scope()
    async with context.app.db.unit_of_work(read_only=True) as uow:
        export = await service.export(uow, scope)
    if export is None:
        await context.reply(common_views.not_started(scope.content))
    else:
        await context.reply(views.export_file(scope.content, export))


async def on_delete(_update: Update, context: BotContext) -> None:
    """/delete: ask to confirm erasing everything."""
    scope = await context.scope()
    if scope.known:
        async with context.app.db.unit_of_work() as uow:
            await questions.ask(uow, scope.user_id, QuestionKind.DELETE, scope.now)
    await context.reply(views.confirm_delete(scope.content))


async def answer_delete(context: BotContext, _question: OpenQuestion) -> bool:
    """A typed answer to "Delete all your data?": yes deletes, no keeps; anything else asks again."""
    scope = await context.scope()
    answer = yes_or_no(await context.understood())
    if answer is None:
        await context.reply(views.delete_unreadable(scope.content))
        return True
    await _delete_answer(context, "yes" if answer else "no")
    return True


async def on_delete_answer(update: Update, context: BotContext) -> None:
    """Yes, delete everything / No, keep it."""
    scope = await context.scope()
    query, data = parsed_callback(update, DeleteData)
    if data is None or query.message is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    await _delete_answer(context, data.action)


async def _delete_answer(context: BotContext, action: str) -> None:
    scope = await context.scope()
    if action == "no":
        async with context.app.db.unit_of_work() as uow:
            await questions.clear(uow, scope.user_id, QuestionKind.DELETE)
        await context.reply(views.cancelled(scope.content))
        return
    app = context.app
    async with app.db.unit_of_work() as uow:
        ended = await links.end_all(uow, scope.user_id, scope.now)
        anything = await service.delete_everything(uow, scope.user_id)
    log.info("a user deleted all their data" if anything else "delete requested with nothing stored")
    await context.reply(views.deleted(scope.content, anything))
    for stopped in ended:  # each coach loses access at once, and is told
        coach_content = await app.content_of_user(stopped.coach_id)
        await tell(app, stopped.coach_id, coaching_views.told(coach_content, "told_left", client=stopped.client_label))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("export", on_export))
    application.add_handler(CommandHandler("delete", on_delete))
    application.add_handler(CallbackQueryHandler(on_delete_answer, pattern=callback_pattern(DeleteData)))
