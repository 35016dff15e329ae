"""The morning reminder's buttons (rate, Start, Snooze, Skip + reason) and the reminder settings: /settings,
/pause, /resume, /stop, the second reminder, snooze length; plus blocked/unblocked (`my_chat_member`)."""

from __future__ import annotations

import json
from datetime import time
from typing import Any

from telegram import Bot, ChatMember, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden
from telegram.ext import Application, CallbackQueryHandler, ChatMemberHandler, CommandHandler, ContextTypes

from bot.context import AppContext, app_context
from bot.domain.time_of_day import TimeParseError, parse_time_of_day
from bot.handlers import routine
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.reminders.pacing import Paced
from bot.reminders.queue import ClaimedReminder
from bot.services import onboarding as onboarding_service
from bot.services import reminders as service
from bot.services.users import set_blocked, set_unblocked
from bot.telegram_io.sender import RecipientBlocked, keyboard, retrying
from bot.ui.callbacks import MAX_INT
from bot.ui.callbacks_onboarding import TYPE_IT
from bot.ui.callbacks_reminders import (
    PauseFor,
    ReminderRate,
    ReminderSkip,
    ReminderSnooze,
    ReminderStart,
    SecondTime,
    SettingsMenu,
    SkipReason,
    SnoozeLength,
)
from bot.ui.message import OutgoingMessage
from bot.views import onboarding as onboarding_views
from bot.views import reminders as views
from bot.views.when import describe_when

REFUSAL_TEXT = {"stale": "common.stale_button", "handled": "reminder.handled", "old": "reminder.old"}


# The reminder keyboard differs between reminders only in the delivery id: it is built once per snooze length
# with this stand-in id, as JSON, and the id is put in by string replacement (no real id reaches it first).
_ID_PLACEHOLDER = str(MAX_INT)
_KEYBOARDS = "reminder_keyboards"


def _reminder_keyboard(ctx: AppContext, claimed: ClaimedReminder) -> str:
    cache: dict[int, str] = ctx.options.setdefault(_KEYBOARDS, {})
    template = cache.get(claimed.snooze_minutes)
    if template is None:
        buttons = views.reminder_buttons(ctx.content, MAX_INT, claimed.snooze_minutes)
        markup = keyboard(OutgoingMessage("", buttons))
        assert markup is not None
        template = cache[claimed.snooze_minutes] = json.dumps(markup.to_dict())
    return template.replace(_ID_PLACEHOLDER, str(claimed.delivery_id))


async def send_reminder(ctx: AppContext, claimed: ClaimedReminder, paced: Paced) -> int:
    """Render and send one reminder (used by the dispatcher); its message id.

    The fan-out's hot path: the same Bot API request `Sender.send` makes (HTML, no link preview, same buttons),
    through the bot's request and its error mapping, but built as plain JSON and without turning the
    reply into PTB objects: only the message id is needed, and 10,000 reminders at once spend most of their time
    there otherwise.
    """
    parameters: dict[str, Any] = {
        "chat_id": claimed.chat_id,
        "text": views.reminder_text(ctx.content, claimed, claimed.timezone),
        "parse_mode": ParseMode.HTML.value,
        "link_preview_options": {"is_disabled": True},
        "reply_markup": _reminder_keyboard(ctx, claimed),
    }
    try:
        # Past PTB's AIORateLimiter, straight to the bot's request: a 429 must reach the dispatcher at once, so that
        # its pacer holds every sender. The limiter would instead retry this one request by itself and, when its
        # wait ends, let every request queued behind it go at once: a burst that draws the next 429.
        # A 5xx or a failed connection is tried again at once, as every send is (`retrying`); then the dispatcher's
        # backoff takes over.
        # Each attempt is paced on its own: the server counts every request that arrives.
        async def attempt() -> Any:
            async with paced():
                return await Bot._do_post(ctx.sender.bot, "sendMessage", parameters)

        result = await retrying(attempt)
    except Forbidden as exc:
        raise RecipientBlocked(claimed.chat_id) from exc
    assert isinstance(result, dict)
    return int(result["message_id"])


async def _refuse(ctx: AppContext, query_id: str, refused: service.Refused) -> None:
    if refused.why == "snooze_limit":
        text = ctx.content.texts.render("reminder.snooze_limit", count=service.MAX_SNOOZES)
    else:
        text = ctx.content.texts.render(REFUSAL_TEXT.get(refused.why, "common.stale_button"))
    await ctx.sender.answer(query_id, text, alert=refused.why == "snooze_limit")


async def _start_from_reminder(update: Update, ctx: AppContext, delivery_id: int, before: float | None) -> None:
    query = update.callback_query
    assert query is not None
    user_id = query.from_user.id
    async with ctx.db.unit_of_work(read_only=True) as uow:
        refused = await service.check_actionable(uow, delivery_id, user_id, ctx.clock.now())
    if refused is not None:
        return await _refuse(ctx, query.id, refused)
    await ctx.sender.answer(query.id, ctx.content.texts.render("reminder.starting"))
    if query.message is not None:
        await ctx.sender.remove_buttons(user_id, query.message.message_id)
    await routine.begin_routine(
        ctx, user_id=user_id, chat_id=user_id, delivery_id=delivery_id, before=before, update_id=update.update_id
    )
    return None


async def on_reminder_rate(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, ReminderRate)
    if data is None or not 0 <= data.value <= 10:
        return await _refuse(ctx, query.id, service.Refused("stale"))
    await _start_from_reminder(update, ctx, data.delivery_id, float(data.value))
    return None


async def on_reminder_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, ReminderStart)
    if data is None:
        return await _refuse(ctx, query.id, service.Refused("stale"))
    await _start_from_reminder(update, ctx, data.delivery_id, None)
    return None


async def on_reminder_snooze(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, ReminderSnooze)
    if data is None:
        return await _refuse(ctx, query.id, service.Refused("stale"))
    async with ctx.db.unit_of_work() as uow:
        result = await service.snooze(uow, data.delivery_id, query.from_user.id, ctx.clock.now())
    if isinstance(result, service.Refused):
        return await _refuse(ctx, query.id, result)
    message = views.snoozed(ctx.content, result.until, result.timezone)
    await ctx.sender.answer(query.id, message.text)
    if query.message is not None:
        await ctx.sender.edit(query.from_user.id, query.message.message_id, message)
    return None


async def on_reminder_skip(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, ReminderSkip)
    if data is None:
        return await _refuse(ctx, query.id, service.Refused("stale"))
    async with ctx.db.unit_of_work() as uow:
        result = await service.skip(uow, data.delivery_id, query.from_user.id, ctx.clock.now())
    if isinstance(result, service.Refused):
        return await _refuse(ctx, query.id, result)
    await ctx.sender.answer(query.id)
    message = views.ask_skip_reason(ctx.content, result.delivery_id)
    if query.message is not None:
        await ctx.sender.edit(query.from_user.id, query.message.message_id, message)
    else:
        await ctx.sender.send(query.from_user.id, message)
    return None


async def on_skip_reason(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, SkipReason)
    allowed = set(ctx.content.coach.skip_reasons)
    if data is None or (data.reason not in allowed and data.reason != views.NO_REASON):
        return await _refuse(ctx, query.id, service.Refused("stale"))
    reason = None if data.reason == views.NO_REASON else data.reason
    now = ctx.clock.now()
    async with ctx.db.unit_of_work() as uow:
        result = await service.skip_reason(uow, data.delivery_id, query.from_user.id, reason, now)
    if isinstance(result, service.Refused):
        return await _refuse(ctx, query.id, result)
    await ctx.sender.answer(query.id)
    message = OutgoingMessage(views.skipped(ctx.content, reason, result.next_due, result.timezone, now))
    if query.message is not None:
        await ctx.sender.edit(query.from_user.id, query.message.message_id, message)
    else:
        await ctx.sender.send(query.from_user.id, message)
    return None


async def _not_started(ctx: AppContext, chat_id: int) -> None:
    await ctx.sender.send(chat_id, OutgoingMessage(ctx.content.texts.render("common.not_started")))


async def on_settings(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    now = ctx.clock.now()
    async with ctx.db.unit_of_work(read_only=True) as uow:
        known = await uow.users.get(user.id)
        snap = await onboarding_service.snapshot(uow, known) if known and known.onboarding_step is None else None
    if snap is None:
        return await _not_started(ctx, chat.id)
    text = onboarding_views.settings_summary(ctx.content, snap, now)
    await ctx.sender.send(chat.id, OutgoingMessage(text, views.settings_menu(ctx.content)))
    return None


async def on_settings_menu(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, SettingsMenu)
    if data is None or data.what not in ("second", "snooze", "pause"):
        return await _refuse(ctx, query.id, service.Refused("stale"))
    await ctx.sender.answer(query.id)
    message = {"second": views.ask_second_time, "snooze": views.ask_snooze, "pause": views.ask_pause}[data.what]
    await ctx.sender.send(query.from_user.id, message(ctx.content))
    return None


async def _pause(ctx: AppContext, user_id: int, chat_id: int, days: int | None) -> None:
    now = ctx.clock.now()
    async with ctx.db.unit_of_work() as uow:
        result = await service.pause(uow, user_id, days, now)
    if result is None:
        return await _not_started(ctx, chat_id)
    text = views.paused(ctx.content, result.next_due, result.timezone, result.paused_until, now)
    await ctx.sender.send(chat_id, OutgoingMessage(text))
    return None


async def on_pause(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    args = context.args or []
    if not args:
        async with ctx.db.unit_of_work(read_only=True) as uow:
            known = await uow.users.get(user.id)
        if known is None or known.onboarding_step is not None:
            return await _not_started(ctx, chat.id)
        await ctx.sender.send(chat.id, views.ask_pause(ctx.content))
        return None
    if len(args) != 1 or not args[0].isdigit() or not 1 <= int(args[0]) <= service.MAX_PAUSE_DAYS:
        await ctx.sender.send(chat.id, OutgoingMessage(ctx.content.texts.render("pause.invalid")))
        return None
    await _pause(ctx, user.id, chat.id, int(args[0]))
    return None


async def on_pause_for(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, PauseFor)
    if data is None or not 0 <= data.days <= service.MAX_PAUSE_DAYS:
        return await _refuse(ctx, query.id, service.Refused("stale"))
    await ctx.sender.answer(query.id)
    await _pause(ctx, query.from_user.id, query.from_user.id, data.days or None)
    return None


async def on_resume(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    now = ctx.clock.now()
    async with ctx.db.unit_of_work() as uow:
        result = await service.resume(uow, user.id, now)
    if result is None:
        return await _not_started(ctx, chat.id)
    scheduled, was_paused = result
    next_when = describe_when(ctx.content.texts, scheduled.next_due, scheduled.timezone, now)
    key = "resume.done" if was_paused else "resume.not_paused"
    await ctx.sender.send(chat.id, OutgoingMessage(ctx.content.texts.render(key, next_when=next_when)))
    return None


async def on_stop(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None and chat is not None
    async with ctx.db.unit_of_work() as uow:
        known = await service.stop(uow, user.id, ctx.clock.now())
    if not known:
        return await _not_started(ctx, chat.id)
    await ctx.sender.send(chat.id, OutgoingMessage(ctx.content.texts.render("stop.done")))
    return None


async def on_second_time(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, SecondTime)
    if data is None:
        return await _refuse(ctx, query.id, service.Refused("stale"))
    user_id = query.from_user.id
    now = ctx.clock.now()
    if data.hhmm == TYPE_IT:
        async with ctx.db.unit_of_work() as uow:
            ok = await onboarding_service.ask_for(uow, user_id, onboarding_service.AWAIT_SECOND_TIME, now)
        if not ok:
            return await _refuse(ctx, query.id, service.Refused("stale"))
        await ctx.sender.answer(query.id)
        await ctx.sender.send(user_id, onboarding_views.ask_time_typed(ctx.content))
        return None
    parsed: time | None = None
    if data.hhmm != "off":
        candidate = parse_time_of_day(data.hhmm)
        if isinstance(candidate, TimeParseError):
            return await _refuse(ctx, query.id, service.Refused("stale"))
        parsed = candidate
    async with ctx.db.unit_of_work() as uow:
        result = await service.set_second_reminder(uow, user_id, parsed, now)
    if result is None:
        return await _refuse(ctx, query.id, service.Refused("stale"))
    await ctx.sender.answer(query.id)
    texts = ctx.content.texts
    next_when = describe_when(texts, result.next_due, result.timezone, now)
    if parsed is None:
        text = texts.render("settings.second_removed", next_when=next_when)
    else:
        text = texts.render("settings.second_set", time=data.hhmm[:2] + ":" + data.hhmm[2:], next_when=next_when)
    await ctx.sender.send(user_id, OutgoingMessage(text))
    return None


async def on_snooze_length(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, SnoozeLength)
    allowed = list(ctx.content.coach.snooze_minutes_options)
    if data is None:
        return await _refuse(ctx, query.id, service.Refused("stale"))
    async with ctx.db.unit_of_work() as uow:
        result = await service.set_snooze_minutes(uow, query.from_user.id, data.minutes, allowed)
    if result is None:
        return await _refuse(ctx, query.id, service.Refused("stale"))
    await ctx.sender.answer(query.id)
    next_when = describe_when(ctx.content.texts, result.next_due, result.timezone, ctx.clock.now())
    text = ctx.content.texts.render("settings.snooze_set", minutes=data.minutes, next_when=next_when)
    await ctx.sender.send(query.from_user.id, OutgoingMessage(text))
    return None


async def on_my_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The user blocked (kicked) or unblocked the bot in their private chat."""
    ctx = app_context(context)
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    status = change.new_chat_member.status
    now = ctx.clock.now()
    async with ctx.db.unit_of_work() as uow:
        if status in (ChatMember.BANNED, ChatMember.LEFT):
            await set_blocked(uow, change.from_user.id, now)
        elif status == ChatMember.MEMBER:
            await set_unblocked(uow, change.from_user.id, now)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    for callback_type, callback in (
        (ReminderRate, on_reminder_rate),
        (ReminderStart, on_reminder_start),
        (ReminderSnooze, on_reminder_snooze),
        (ReminderSkip, on_reminder_skip),
        (SkipReason, on_skip_reason),
        (SettingsMenu, on_settings_menu),
        (PauseFor, on_pause_for),
        (SecondTime, on_second_time),
        (SnoozeLength, on_snooze_length),
    ):
        application.add_handler(CallbackQueryHandler(callback, pattern=callback_pattern(callback_type)))
    application.add_handler(CommandHandler("settings", on_settings))
    application.add_handler(CommandHandler("pause", on_pause))
    application.add_handler(CommandHandler("resume", on_resume))
    application.add_handler(CommandHandler("stop", on_stop))
    application.add_handler(ChatMemberHandler(on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER))
