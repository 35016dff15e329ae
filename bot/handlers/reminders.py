"""The daily reminder's buttons: a 0-10 rating or Start (both begin the routine), Snooze, Skip today and the skip
reason. Every tap is checked against the database by `bot.services.reminders`."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.domain.typed_answers import typed_skip_reason
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services import questions
from bot.services import reminders as service
from bot.services.questions import OpenQuestion, QuestionKind
from bot.ui.callbacks_reminders import ReminderRate, ReminderSkip, ReminderSnooze, ReminderStart, SkipReason
from bot.ui.message import Reply
from bot.views import reminders as views

_STALE = service.Refused("stale")


async def _show(context: BotContext, reply: Reply, typed_on: int | None) -> None:
    """A tap's answer on the tapped reminder; a typed word's on the reminder it answers (`typed_on`)."""
    if typed_on is None:
        await context.reply(reply)
    else:
        await context.reply_on(typed_on, reply)


async def _start_from_reminder(
    update: Update, context: BotContext, delivery_id: int, before: float | None, typed_on: int | None = None
) -> None:
    app = context.app
    scope = await context.scope()
    async with app.db.unit_of_work(read_only=True) as uow:
        refused = await service.check_actionable(uow, scope, delivery_id)
    if refused is not None:
        await context.reply(views.refused(scope.content, refused))
        return
    await _show(context, views.starting(scope.content), typed_on)
    await app.routine.begin(user_id=scope.user_id, delivery_id=delivery_id, before=before, update_id=update.update_id)


async def start_typed(update: Update, context: BotContext, delivery_id: int, message_id: int | None) -> None:
    """ "start" typed on the open reminder: its Start."""
    await _start_from_reminder(update, context, delivery_id, None, typed_on=message_id or 0)


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
    _query, data = parsed_callback(update, ReminderSnooze)
    if data is None:
        await context.reply(views.refused((await context.scope()).content, _STALE))
        return
    await _snooze(context, data.delivery_id, None)


async def snooze_typed(context: BotContext, delivery_id: int, message_id: int | None) -> None:
    """ "later" or "snooze" typed on the open reminder: its Snooze."""
    await _snooze(context, delivery_id, message_id or 0)


async def _snooze(context: BotContext, delivery_id: int, typed_on: int | None) -> None:
    scope = await context.scope()
    async with context.app.db.unit_of_work() as uow:
        result = await service.snooze(uow, scope, delivery_id)
    if isinstance(result, service.Refused):
        await context.reply(views.refused(scope.content, result))
        return
    reply = views.snoozed(scope, result.until)
    await _show(context, reply if typed_on is None else Reply(replace=reply.replace, messages=reply.messages), typed_on)


async def on_reminder_skip(update: Update, context: BotContext) -> None:
    """Skip today: the day is skipped, and the reason is asked."""
    _query, data = parsed_callback(update, ReminderSkip)
    if data is None:
        await context.reply(views.refused((await context.scope()).content, _STALE))
        return
    await _skip(context, data.delivery_id, None)


async def skip_typed(context: BotContext, delivery_id: int, message_id: int | None) -> None:
    """ "skip" typed on the open reminder: its Skip today (the reason is asked on the reminder)."""
    await _skip(context, delivery_id, message_id or 0)


async def _skip(context: BotContext, delivery_id: int, typed_on: int | None) -> None:
    scope = await context.scope()
    async with context.app.db.unit_of_work() as uow:
        result = await service.skip(uow, scope, delivery_id)
        if not isinstance(result, service.Refused):
            await questions.ask(uow, scope.user_id, QuestionKind.SKIP_REASON, scope.now, ref=result.delivery_id)
    if isinstance(result, service.Refused):
        await context.reply(views.refused(scope.content, result))
        return
    await _show(context, views.ask_skip_reason(scope.content, result.delivery_id), typed_on)


async def on_skip_reason(update: Update, context: BotContext) -> None:
    """The reason for a skipped day (one of coach.yaml's, or none)."""
    scope = await context.scope()
    _query, data = parsed_callback(update, SkipReason)
    allowed = {*scope.content.coach.skip_reasons, views.NO_REASON}
    if data is None or data.reason not in allowed:
        await context.reply(views.refused(scope.content, _STALE))
        return
    reason = None if data.reason == views.NO_REASON else data.reason
    await _skip_reason(context, data.delivery_id, reason)


async def _skip_reason(context: BotContext, delivery_id: int, reason: str | None) -> None:
    scope = await context.scope()
    async with context.app.db.unit_of_work() as uow:
        result = await service.skip_reason(uow, scope, delivery_id, reason)
        if not isinstance(result, service.Refused):
            await questions.clear(uow, scope.user_id, QuestionKind.SKIP_REASON)
    if isinstance(result, service.Refused):
        await context.reply(views.refused(scope.content, result))
        return
    await context.reply(views.skipped(scope, reason, result))


async def answer_skip_reason(context: BotContext, question: OpenQuestion) -> bool:
    """A typed reason for the skipped day ("travelling", "I'm ill", "no reason"); anything else: "other"."""
    scope = await context.scope()
    reasons = list(scope.content.coach.skip_reasons)
    labels = {r: scope.texts.render(f"skip_reasons.{r}") for r in [*reasons, views.NO_REASON]}
    picked = typed_skip_reason(context.text, labels) or typed_skip_reason(await context.understood(), labels)
    if picked is None and "other" in reasons:
        picked = "other"
    if picked is None or question.ref is None:
        await context.reply(views.skip_reason_unreadable(scope.content))
        return True
    await _skip_reason(context, question.ref, None if picked == views.NO_REASON else picked)
    return True


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    for callback_type, callback in (
        (ReminderRate, on_reminder_rate),
        (ReminderStart, on_reminder_start),
        (ReminderSnooze, on_reminder_snooze),
        (ReminderSkip, on_reminder_skip),
        (SkipReason, on_skip_reason),
    ):
        application.add_handler(CallbackQueryHandler(callback, pattern=callback_pattern(callback_type)))
