"""Stiffness ratings typed at any time ("6", "my back is a 7 today"), and their Undo / Change buttons."""

from __future__ import annotations

import logging
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes

from bot.context import AppContext, app_context
from bot.domain.rating_text import RatingKind, parse_rating
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services import ratings as service
from bot.ui.callbacks_ratings import ChangeRating, SetRating, UndoRating
from bot.ui.message import OutgoingMessage
from bot.views import ratings as views

log = logging.getLogger(__name__)


async def consume_text(ctx: AppContext, update: Update) -> bool:
    """A typed rating becomes an ad hoc rating; False if the text holds no rating at all."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    assert message.text is not None
    parsed = parse_rating(message.text)
    if parsed.kind == RatingKind.NOT_A_RATING:
        return False
    if parsed.kind == RatingKind.OUT_OF_RANGE and parsed.value is not None:
        await ctx.sender.send(message.chat_id, views.out_of_range(ctx.content, parsed.value))
        return True
    if parsed.kind != RatingKind.OK or parsed.value is None:
        await ctx.sender.send(message.chat_id, views.ambiguous(ctx.content, parsed.candidates))
        return True
    now = ctx.clock.now()
    fallback = ctx.settings.default_timezone
    try:
        async with ctx.db.unit_of_work() as uow:
            saved = await service.save_rating(
                uow,
                user_id=user.id,
                value=parsed.value,
                kind="adhoc",
                source="text",
                now=now,
                update_id=update.update_id,
                fallback_timezone=fallback,
            )
            today = await service.user_today(uow, user.id, now, fallback)
    except ValueError:
        await ctx.sender.send(message.chat_id, OutgoingMessage(ctx.content.texts.render("common.not_started")))
        return True
    log.info("ad hoc rating stored%s", " (re-sent update)" if saved.duplicate else "")
    assert saved.local_date is not None
    await ctx.sender.send(
        message.chat_id, views.saved(ctx.content, saved.rating_id, saved.value, saved.local_date, today)
    )
    return True


async def _refused(ctx: AppContext, query_id: str, refusal: service.CorrectionRefused) -> None:
    key = "ratings.too_late" if refusal.reason == "expired" else "ratings.stale"
    await ctx.sender.answer(query_id, ctx.content.texts.render(key))


async def _stale(ctx: AppContext, query_id: str) -> None:
    await ctx.sender.answer(query_id, ctx.content.texts.render("common.stale_button"))


async def on_undo(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, UndoRating)
    if data is None or query.message is None:
        return await _stale(ctx, query.id)
    user_id, now = query.from_user.id, ctx.clock.now()
    window = ctx.content.coach.rating_correction_minutes
    async with ctx.db.unit_of_work() as uow:
        result = await service.undo_rating(
            uow, user_id=user_id, rating_id=data.rating_id, now=now, window_minutes=window
        )
        today = await service.user_today(uow, user_id, now, ctx.settings.default_timezone)
    if isinstance(result, service.CorrectionRefused):
        return await _refused(ctx, query.id, result)
    log.info("ad hoc rating undone")
    await ctx.sender.answer(query.id)
    await ctx.sender.edit(
        query.message.chat.id,
        query.message.message_id,
        views.undone(ctx.content, result.value, result.local_date, today),
    )
    return None


async def on_change(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, ChangeRating)
    if data is None or query.message is None:
        return await _stale(ctx, query.id)
    window = ctx.content.coach.rating_correction_minutes
    async with ctx.db.unit_of_work(read_only=True) as uow:
        result = await service.can_change(
            uow, user_id=query.from_user.id, rating_id=data.rating_id, now=ctx.clock.now(), window_minutes=window
        )
    if isinstance(result, service.CorrectionRefused):
        return await _refused(ctx, query.id, result)
    await ctx.sender.answer(query.id)
    await ctx.sender.edit(
        query.message.chat.id, query.message.message_id, views.ask_change(ctx.content, result.rating_id)
    )
    return None


async def on_set(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, SetRating)
    if data is None or query.message is None or not 0 <= data.value <= 10:
        return await _stale(ctx, query.id)
    user_id, now = query.from_user.id, ctx.clock.now()
    window = ctx.content.coach.rating_correction_minutes
    async with ctx.db.unit_of_work() as uow:
        result = await service.change_rating(
            uow, user_id=user_id, rating_id=data.rating_id, value=data.value, now=now, window_minutes=window
        )
        today = await service.user_today(uow, user_id, now, ctx.settings.default_timezone)
    if isinstance(result, service.CorrectionRefused):
        return await _refused(ctx, query.id, result)
    log.info("ad hoc rating changed")
    assert result.local_date is not None
    await ctx.sender.answer(query.id)
    await ctx.sender.edit(
        query.message.chat.id,
        query.message.message_id,
        views.changed(ctx.content, result.rating_id, result.value, result.local_date, today),
    )
    return None


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CallbackQueryHandler(on_undo, pattern=callback_pattern(UndoRating)))
    application.add_handler(CallbackQueryHandler(on_change, pattern=callback_pattern(ChangeRating)))
    application.add_handler(CallbackQueryHandler(on_set, pattern=callback_pattern(SetRating)))
