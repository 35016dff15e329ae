"""/start, the reminder time and timezone (buttons or typed), and the change buttons of the settings summary."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.context import AppContext, app_context
from bot.domain.time_of_day import TimeParseError, parse_time_of_day
from bot.domain.timezones import parse_timezone
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services import onboarding as service
from bot.ui.callbacks_onboarding import TYPE_IT, ChangeSetting, PickTime, PickTimezone
from bot.ui.message import OutgoingMessage
from bot.views import onboarding as views
from bot.views.when import describe_when


async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None
    assert chat is not None
    now = ctx.clock.now()
    async with ctx.db.unit_of_work() as uow:
        result = await service.start(
            uow, user.id, chat.id, now, default_snooze=ctx.content.coach.default_snooze_minutes
        )
    await ctx.sender.send_all(chat.id, views.start(ctx.content, result, user.first_name, now))


async def _apply_time(ctx: AppContext, user_id: int, chat_id: int, text: str) -> bool:
    """Set a time from typed text; False if the user is not being asked for a time."""
    texts = ctx.content.texts
    now = ctx.clock.now()
    parsed = parse_time_of_day(text)
    if isinstance(parsed, TimeParseError):
        async with ctx.db.unit_of_work(read_only=True) as uow:
            if await service.expecting_time(uow, user_id) is None:
                return False
        out_of_range = parsed in (TimeParseError.HOUR_OUT_OF_RANGE, TimeParseError.MINUTE_OUT_OF_RANGE)
        key = "onboarding.time_out_of_range" if out_of_range else "onboarding.time_unreadable"
        await ctx.sender.send(chat_id, OutgoingMessage(texts.render(key, text=text.strip()[:40])))
        return True
    async with ctx.db.unit_of_work() as uow:
        result = await service.set_time(uow, user_id, parsed, now)
    if isinstance(result, service.NotExpected):
        return False
    await ctx.sender.send_all(chat_id, views.time_set(ctx.content, result, now))
    return True


async def _apply_timezone(ctx: AppContext, user_id: int, chat_id: int, text: str) -> bool:
    """Set a timezone from typed text; False if the user is not being asked for one."""
    texts = ctx.content.texts
    now = ctx.clock.now()
    match = parse_timezone(text)
    if match is None:
        async with ctx.db.unit_of_work(read_only=True) as uow:
            if not await service.expecting_timezone(uow, user_id):
                return False
        await ctx.sender.send(
            chat_id, OutgoingMessage(texts.render("onboarding.timezone_unknown", text=text.strip()[:40]))
        )
        return True
    async with ctx.db.unit_of_work() as uow:
        result = await service.set_timezone(uow, user_id, match.name, match.is_fixed_offset, now)
    if isinstance(result, service.NotExpected):
        return False
    await ctx.sender.send_all(chat_id, views.timezone_set(ctx.content, result, now))
    return True


async def _stale(ctx: AppContext, query_id: str) -> None:
    await ctx.sender.answer(query_id, ctx.content.texts.render("common.stale_button"))


async def on_pick_time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, PickTime)
    user_id = chat_id = query.from_user.id
    if data is None:
        return await _stale(ctx, query.id)
    if data.hhmm == TYPE_IT:
        async with ctx.db.unit_of_work(read_only=True) as uow:
            expecting = await service.expecting_time(uow, user_id)
        if expecting is None:
            return await _stale(ctx, query.id)
        await ctx.sender.answer(query.id)
        await ctx.sender.send(chat_id, views.ask_time_typed(ctx.content))
        return None
    parsed = parse_time_of_day(data.hhmm)
    if isinstance(parsed, TimeParseError):
        return await _stale(ctx, query.id)
    now = ctx.clock.now()
    async with ctx.db.unit_of_work() as uow:
        result = await service.set_time(uow, user_id, parsed, now)
    if isinstance(result, service.NotExpected):
        return await _stale(ctx, query.id)
    await ctx.sender.answer(query.id)
    await ctx.sender.send_all(chat_id, views.time_set(ctx.content, result, now))
    return None


async def on_pick_timezone(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, PickTimezone)
    user_id = chat_id = query.from_user.id
    if data is None:
        return await _stale(ctx, query.id)
    if data.name == TYPE_IT:
        async with ctx.db.unit_of_work(read_only=True) as uow:
            expecting = await service.expecting_timezone(uow, user_id)
        if not expecting:
            return await _stale(ctx, query.id)
        await ctx.sender.answer(query.id)
        await ctx.sender.send(chat_id, views.ask_timezone_typed(ctx.content))
        return None
    match = parse_timezone(data.name)
    if match is None:
        return await _stale(ctx, query.id)
    now = ctx.clock.now()
    async with ctx.db.unit_of_work() as uow:
        result = await service.set_timezone(uow, user_id, match.name, match.is_fixed_offset, now)
    if isinstance(result, service.NotExpected):
        return await _stale(ctx, query.id)
    await ctx.sender.answer(query.id)
    await ctx.sender.send_all(chat_id, views.timezone_set(ctx.content, result, now))
    return None


async def on_change_setting(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, ChangeSetting)
    user_id = chat_id = query.from_user.id
    if data is None:
        return await _stale(ctx, query.id)
    now = ctx.clock.now()
    if data.what == "keep":
        async with ctx.db.unit_of_work(read_only=True) as uow:
            user = await uow.users.get(user_id)
            snap = await service.snapshot(uow, user) if user is not None and user.onboarding_step is None else None
        if snap is None:
            return await _stale(ctx, query.id)
        await ctx.sender.answer(query.id)
        next_when = describe_when(ctx.content.texts, snap.next_due, snap.timezone, now)
        text = ctx.content.texts.render("settings.unchanged", next_when=next_when)
        await ctx.sender.send(chat_id, OutgoingMessage(text))
        return None
    awaiting = service.AWAIT_TIME if data.what == "time" else service.AWAIT_TIMEZONE
    async with ctx.db.unit_of_work() as uow:
        ok = await service.ask_for(uow, user_id, awaiting, now)
    if not ok:
        return await _stale(ctx, query.id)
    await ctx.sender.answer(query.id)
    message = views.ask_time(ctx.content) if data.what == "time" else views.change_timezone(ctx.content)
    await ctx.sender.send(chat_id, message)
    return None


async def consume_text(ctx: AppContext, update: Update) -> bool:
    """Typed text that answers onboarding or a time/timezone question; False if it is not for us."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    assert message.text is not None
    async with ctx.db.unit_of_work(read_only=True) as uow:
        known = await uow.users.get(user.id)
        expecting_time = await service.expecting_time(uow, user.id) is not None
        expecting_zone = await service.expecting_timezone(uow, user.id)
    if known is None:
        await ctx.sender.send(message.chat_id, OutgoingMessage(ctx.content.texts.render("common.not_started")))
        return True
    if expecting_time:
        return await _apply_time(ctx, user.id, message.chat_id, message.text)
    if expecting_zone:
        return await _apply_timezone(ctx, user.id, message.chat_id, message.text)
    return False


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("start", on_start))
    application.add_handler(CallbackQueryHandler(on_pick_time, pattern=callback_pattern(PickTime)))
    application.add_handler(CallbackQueryHandler(on_pick_timezone, pattern=callback_pattern(PickTimezone)))
    application.add_handler(CallbackQueryHandler(on_change_setting, pattern=callback_pattern(ChangeSetting)))
