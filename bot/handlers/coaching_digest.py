"""The coach's /digest: off, daily or weekly at a time of their day (buttons, or typed: `/digest daily 18:00`,
`/digest weekly 7:30`, `/digest off`). The digest itself is sent by `bot.reminders.digest.CoachDigest`."""

from __future__ import annotations

from datetime import time
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.domain.time_of_day import parse_time_of_day
from bot.domain.understanding import Understanding
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services.coaching import digest
from bot.ui.callbacks_coaching import DigestChoice
from bot.ui.message import Reply
from bot.views import coaching as views
from bot.views import coaching_digest as digest_views
from bot.views import common as common_views


def _typed(args: list[str], understanding: Understanding) -> tuple[str, time | None] | None:
    """`off`, `daily 18:00`, `weekly 7:30` (or the coach's language's words: `täglich 18:00`) -> (kind, time); None
    for anything else."""
    if not args:
        return None
    kind = understanding.keyword(args[0])
    if kind == "off" and len(args) == 1:
        return "off", None
    if kind not in ("daily", "weekly") or len(args) < 2:
        return None
    parsed = parse_time_of_day(understanding.translate(" ".join(args[1:])))
    return (kind, parsed) if isinstance(parsed, time) else None


async def _set(context: BotContext, kind: str, at: time | None, *, tapped: bool) -> None:
    app = context.app
    scope = await context.scope()
    async with app.db.unit_of_work() as uow:
        setting = await digest.choose(
            uow, app.settings.admin_user_ids, scope.user_id, kind, at, scope.now, scope.default_timezone
        )
    if setting is None:
        await context.reply(
            common_views.stale_button(scope.content) if tapped else Reply.of(views.not_coach(scope.content))
        )
        return
    shown = digest_views.chosen(scope.content, setting)
    await context.reply(Reply(toast=shown.text if tapped else None, clear_buttons=tapped, messages=(shown,)))


async def on_digest(_update: Update, context: BotContext) -> None:
    """/digest: the current choice and buttons; with arguments, set it as typed (a hint if unreadable)."""
    app = context.app
    scope = await context.scope()
    if context.args:
        typed = _typed(context.args, scope.content.understanding)
        async with app.db.unit_of_work(read_only=True) as uow:
            coach = await digest.current(uow, app.settings.admin_user_ids, scope.user_id)
        if coach is None:
            await context.reply(views.not_coach(scope.content))
        elif typed is None:
            await context.reply(digest_views.usage(scope.content))
        else:
            await _set(context, typed[0], typed[1], tapped=False)
        return
    async with app.db.unit_of_work(read_only=True) as uow:
        setting = await digest.current(uow, app.settings.admin_user_ids, scope.user_id)
    if setting is None:
        await context.reply(views.not_coach(scope.content))
        return
    await context.reply(digest_views.settings(scope.content, setting))


async def on_choice(update: Update, context: BotContext) -> None:
    """A button under /digest."""
    scope = await context.scope()
    _query, data = parsed_callback(update, DigestChoice)
    at = None
    if data is not None and data.what != "off":
        parsed = parse_time_of_day(data.hhmm[:2] + ":" + data.hhmm[2:]) if len(data.hhmm) == 4 else None
        at = parsed if isinstance(parsed, time) else None
        if at is None:
            await context.reply(common_views.stale_button(scope.content))
            return
    if data is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    await _set(context, data.what, at, tapped=True)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("digest", on_digest))
    application.add_handler(CallbackQueryHandler(on_choice, pattern=callback_pattern(DigestChoice)))
