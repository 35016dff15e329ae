"""The daily reminder's buttons: a 0-10 rating or Start (both begin the routine), Snooze, Skip today and the skip
reason. Every tap is checked against the database by `bot.services.reminders`."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services import reminders as service
from bot.ui.callbacks_reminders import ReminderRate, ReminderSkip, ReminderSnooze, ReminderStart, SkipReason
from bot.views import reminders as views

_STALE = service.Refused("stale")


async def _start_from_reminder(update: Update, context: BotContext, delivery_id: int, before: float | None) -> None:
    app = context.app
    scope = await context.scope()
    async with app.db.unit_of_work(read_only=True) as uow:
        refused = await service.check_actionable(uow, scope, delivery_id)
    if refused is not None:
        await context.reply(views.refused(scope.content, refused))
        return
    await context.reply(views.starting(scope.content))
    await app.routine.begin(user_id=scope.user_id, delivery_id=delivery_id, before=before, update_id=update.update_id)


async def on_reminder_rate(update: Update, context: BotContext) -> None:
    """A 0-10 button on the reminder: the before rating, and the routine begins."""
    _query, data = parsed_callback(update, ReminderRate)
    if data is None or not 0 <= data.value <= 10:
        await context.reply(views.refused((await context.scope()).content, _STALE))
        return
    await _start_from_reminder(update, context, data.delivery_id, float(data.value))


async def on_reminder_start(update: Update, context: BotContext) -> None:
    """Start on the reminder: the routine begins with the before question."""
    _query, data = parsed_callback(update, ReminderStart)
    if data is None:
        await context.reply(views.refused((await context.scope()).content, _STALE))
        return
    await _start_from_reminder(update, context, data.delivery_id, None)


async def on_reminder_snooze(update: Update, context: BotContext) -> None:
    """Snooze: the reminder comes again after the user's snooze length."""
    scope = await context.scope()
    _query, data = parsed_callback(update, ReminderSnooze)
    result: service.Snoozed | service.Refused = _STALE
    if data is not None:
        async with context.app.db.unit_of_work() as uow:
            result = await service.snooze(uow, scope, data.delivery_id)
    if isinstance(result, service.Refused):
        await context.reply(views.refused(scope.content, result))
        return
    await context.reply(views.snoozed(scope, result.until))


async def on_reminder_skip(update: Update, context: BotContext) -> None:
    """Skip today: the day is skipped, and the reason is asked."""
    scope = await context.scope()
    _query, data = parsed_callback(update, ReminderSkip)
    result: service.Skipped | service.Refused = _STALE
    if data is not None:
        async with context.app.db.unit_of_work() as uow:
            result = await service.skip(uow, scope, data.delivery_id)
    if isinstance(result, service.Refused):
        await context.reply(views.refused(scope.content, result))
        return
    await context.reply(views.ask_skip_reason(scope.content, result.delivery_id))


async def on_skip_reason(update: Update, context: BotContext) -> None:
    """The reason for a skipped day (one of coach.yaml's, or none)."""
    scope = await context.scope()
    _query, data = parsed_callback(update, SkipReason)
    allowed = {*scope.content.coach.skip_reasons, views.NO_REASON}
    if data is None or data.reason not in allowed:
        await context.reply(views.refused(scope.content, _STALE))
        return
    reason = None if data.reason == views.NO_REASON else data.reason
    async with context.app.db.unit_of_work() as uow:
        result = await service.skip_reason(uow, scope, data.delivery_id, reason)
    if isinstance(result, service.Refused):
        await context.reply(views.refused(scope.content, result))
        return
    await context.reply(views.skipped(scope, reason, result))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    for callback_type, callback in (
        (ReminderRate, on_reminder_rate),
        (ReminderStart, on_reminder_start),
        (ReminderSnooze, on_reminder_snooze),
        (ReminderSkip, on_reminder_skip),
        (SkipReason, on_skip_reason),
    ):
        application.add_handler(CallbackQueryHandler(callback, pattern=callback_pattern(callback_type)))
