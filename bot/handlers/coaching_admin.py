"""/coaches for admins (`ADMIN_USER_IDS`): list the coaches, `/coaches add <user id>`, `/coaches remove <user id>`
(the removed coach's clients stop sharing with them and are told). For anybody else it does not exist."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CommandHandler

from bot.context import BotContext
from bot.handlers.coaching_common import tell
from bot.services.coaching import coaches
from bot.views import coaching as views
from bot.views import common as common_views

MAX_USER_ID = 2**53


def _user_id(text: str) -> int | None:
    cleaned = text.strip()
    if not cleaned.isascii() or not cleaned.isdigit() or len(cleaned) > 16:
        return None
    value = int(cleaned)
    return value if 0 < value < MAX_USER_ID else None


async def on_coaches(_update: Update, context: BotContext) -> None:
    """/coaches [add|remove <id>]: admins manage coaches; usage and the list otherwise."""
    app = context.app
    scope = await context.scope()
    admins = app.settings.admin_user_ids
    if scope.user_id not in admins:
        await context.reply(common_views.unknown_command(scope.content, context.text))
        return
    args = context.args or []
    action = args[0].lower() if args else ""
    if action not in ("add", "remove") or len(args) != 2:
        async with app.db.unit_of_work(read_only=True) as uow:
            entries = await coaches.listing(uow, admins)
        await context.reply(views.coaches_list(scope.content, entries))
        return
    target = _user_id(args[1])
    if target is None:
        await context.reply(views.coach_changed(scope.content, "coaches_bad_id", args[1]))
        return
    if action == "add":
        async with app.db.unit_of_work() as uow:
            added = await coaches.add(uow, admins, scope.user_id, target, scope.now)
        await context.reply(views.coach_changed(scope.content, "coach_added" if added else "coach_exists", str(target)))
        return
    async with app.db.unit_of_work() as uow:
        name = await coaches.name_of(uow, target)
        clients = await coaches.remove(uow, admins, scope.user_id, target, scope.now)
    if clients is None:
        await context.reply(views.coach_changed(scope.content, "coach_not_removable", str(target)))
        return
    await context.reply(views.coach_changed(scope.content, "coach_removed", str(target)))
    for client_id in clients:
        await tell(app, client_id, views.told(await app.content_of_user(client_id), "told_removed", coach=name))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("coaches", on_coaches))
