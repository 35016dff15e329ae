"""Stiffness ratings typed at any time ("6", "my back is a 7 today"), and their Undo / Change buttons."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.domain.rating_text import RatingKind, parse_rating
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services import ratings as service
from bot.services import reminders as reminder_service
from bot.ui.callbacks_ratings import ChangeRating, SetRating, UndoRating
from bot.views import common as common_views
from bot.views import ratings as views
from bot.views import reminders as reminder_views

log = logging.getLogger(__name__)


async def consume_text(context: BotContext) -> bool:
    """A typed rating becomes an ad hoc rating; False if the text holds no rating at all."""
    parsed = parse_rating(await context.understood())
    if parsed.kind == RatingKind.NOT_A_RATING:
        return False
    scope = await context.scope()
    if parsed.kind == RatingKind.OUT_OF_RANGE and parsed.value is not None:
        await context.reply(views.out_of_range(scope.content, parsed.value))
        return True
    if parsed.kind != RatingKind.OK or parsed.value is None:
        await context.reply(views.ambiguous(scope.content, parsed.candidates))
        return True
    update = context.incoming
    assert update is not None
    async with context.app.db.unit_of_work(read_only=True) as uow:
        reminder = await reminder_service.open_reminder(uow, scope)
    if reminder is not None:  # the reminder asked: the day's before rating, and the routine begins
        await context.reply_on(reminder.message_id, reminder_views.rated_typed(scope.content, parsed.value))
        await context.app.routine.begin(
            user_id=scope.user_id,
            delivery_id=reminder.delivery_id,
            before=parsed.value,
            update_id=update.update_id,
            source="text",
        )
        return True
    try:
        async with context.app.db.unit_of_work() as uow:
            # A number typed minutes after another: both are kept, and the reply says so (Undo fixes a slip).
            first = await service.just_typed(uow, scope.user_id, scope.today, scope.now)
            earlier = first.value if first is not None else None
            saved = await service.save_rating(
                uow,
                user_id=scope.user_id,
                value=parsed.value,
                kind="adhoc",
                source="text",
                now=scope.now,
                default_timezone=scope.default_timezone,
                update_id=update.update_id,
            )
    except ValueError:
        await context.reply(common_views.not_started(scope.content))
        return True
    log.info("ad hoc rating stored%s", " (re-sent update)" if saved.duplicate else "")
    assert saved.local_date is not None
    if earlier is not None and not saved.duplicate:
        reply = views.saved_again(scope.content, saved.rating_id, saved.value, earlier, saved.local_date, scope.today)
    else:
        reply = views.saved(scope.content, saved.rating_id, saved.value, saved.local_date, scope.today)
    await context.reply(reply)
    return True


async def on_undo(update: Update, context: BotContext) -> None:
    """Undo a typed rating (within the correction window)."""
    scope = await context.scope()
    query, data = parsed_callback(update, UndoRating)
    if data is None or query.message is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    window = scope.content.coach.rating_correction_minutes
    async with context.app.db.unit_of_work() as uow:
        result = await service.undo_rating(
            uow, user_id=scope.user_id, rating_id=data.rating_id, now=scope.now, window_minutes=window
        )
    if isinstance(result, service.CorrectionRefused):
        await context.reply(views.refused(scope.content, result))
        return
    log.info("ad hoc rating undone")
    await context.reply(views.undone(scope.content, result.value, result.local_date, scope.today))


async def on_change(update: Update, context: BotContext) -> None:
    """Change a typed rating: show the 0-10 scale (within the correction window)."""
    scope = await context.scope()
    query, data = parsed_callback(update, ChangeRating)
    if data is None or query.message is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    window = scope.content.coach.rating_correction_minutes
    async with context.app.db.unit_of_work(read_only=True) as uow:
        result = await service.can_change(
            uow, user_id=scope.user_id, rating_id=data.rating_id, now=scope.now, window_minutes=window
        )
    if isinstance(result, service.CorrectionRefused):
        await context.reply(views.refused(scope.content, result))
        return
    await context.reply(views.ask_change(scope.content, result.rating_id))


async def on_set(update: Update, context: BotContext) -> None:
    """The new value picked on the scale shown by Change."""
    scope = await context.scope()
    query, data = parsed_callback(update, SetRating)
    if data is None or query.message is None or not 0 <= data.value <= 10:
        await context.reply(common_views.stale_button(scope.content))
        return
    window = scope.content.coach.rating_correction_minutes
    async with context.app.db.unit_of_work() as uow:
        result = await service.change_rating(
            uow, user_id=scope.user_id, rating_id=data.rating_id, value=data.value, now=scope.now, window_minutes=window
        )
    if isinstance(result, service.CorrectionRefused):
        await context.reply(views.refused(scope.content, result))
        return
    log.info("ad hoc rating changed")
    assert result.local_date is not None
    await context.reply(views.changed(scope.content, result.rating_id, result.value, result.local_date, scope.today))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CallbackQueryHandler(on_undo, pattern=callback_pattern(UndoRating)))
    application.add_handler(CallbackQueryHandler(on_change, pattern=callback_pattern(ChangeRating)))
    application.add_handler(CallbackQueryHandler(on_set, pattern=callback_pattern(SetRating)))
