"""Everything that changes a user's settings: the reminder time and timezone (buttons or typed, during set-up and
later), /settings and its menu, the second reminder and the snooze length. Pausing: `bot.handlers.pausing`."""

from __future__ import annotations

from datetime import time
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.domain.time_of_day import TimeParseError, parse_time_of_day
from bot.domain.timezones import TimezoneMatch, parse_timezone
from bot.domain.typed_answers import parse_minutes
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services import settings as service
from bot.services.questions import OpenQuestion, QuestionKind
from bot.services.scheduling import SECOND
from bot.services.user_scope import UserScope
from bot.ui.callbacks_settings import (
    TYPE_IT,
    ChangeSetting,
    PickTime,
    PickTimezone,
    RoutinePref,
    SecondTime,
    SettingsMenu,
    SnoozeLength,
)
from bot.ui.message import Reply
from bot.views import common as common_views
from bot.views import settings as views

_MENU = {"second": views.ask_second_time, "snooze": views.ask_snooze, "pause": views.ask_pause}
_MENU_QUESTIONS = {"second": QuestionKind.SECOND_TIME, "snooze": QuestionKind.SNOOZE, "pause": QuestionKind.PAUSE}


async def on_settings(_update: Update, context: BotContext) -> None:
    """/settings: the summary with every change offered."""
    scope = await context.scope()
    async with context.app.db.unit_of_work(read_only=True) as uow:
        snap = await service.current(uow, scope.user_id)
    if snap is None:
        await context.reply(common_views.not_started(scope.content))
        return
    await context.reply(views.settings_message(scope, snap))


async def on_change_setting(update: Update, context: BotContext) -> None:
    """Change time / Change timezone / Keep it, under the settings summary."""
    scope = await context.scope()
    _query, data = parsed_callback(update, ChangeSetting)
    if data is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    async with context.app.db.unit_of_work(read_only=data.what == "keep") as uow:
        if data.what == "keep":
            snap = await service.current(uow, scope.user_id)
            ok = snap is not None
        else:
            awaiting = service.AWAIT_TIME if data.what == "time" else service.AWAIT_TIMEZONE
            ok = await service.ask_for(uow, scope, awaiting)
    if not ok:
        await context.reply(common_views.stale_button(scope.content))
    elif data.what == "keep":
        assert snap is not None
        await context.reply(views.unchanged(scope, snap.next_due))
    elif data.what == "time":
        await context.reply(views.ask_time(scope.content))
    else:
        await context.reply(views.change_timezone(scope.content))


async def on_settings_menu(update: Update, context: BotContext) -> None:
    """Second reminder / Snooze length / Pause in the /settings menu: ask for the new value (tap or type it)."""
    scope = await context.scope()
    _query, data = parsed_callback(update, SettingsMenu)
    ask = _MENU.get(data.what) if data is not None else None
    if ask is None or data is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    async with context.app.db.unit_of_work() as uow:
        await service.ask_for(uow, scope, _MENU_QUESTIONS[data.what])
    await context.reply(Reply.of(ask(scope.content)))


async def _set_time(context: BotContext, scope: UserScope, local_time: time) -> bool:
    """Set the time the user is asked for; False if they are not asked for one."""
    async with context.app.db.unit_of_work() as uow:
        result = await service.set_time(uow, scope, local_time)
    if isinstance(result, service.NotExpected):
        return False
    await context.reply(views.time_set(scope, result))
    return True


async def _set_timezone(context: BotContext, name: str, is_fixed_offset: bool) -> bool:
    """Set the timezone the user is asked for; False if they are not asked for one."""
    scope = await context.scope()
    async with context.app.db.unit_of_work() as uow:
        result = await service.set_timezone(uow, scope, name, is_fixed_offset)
    if isinstance(result, service.NotExpected):
        return False
    context.forget_scope()  # confirmed in the new zone
    await context.reply(views.timezone_set(await context.scope(), result))
    return True


async def on_pick_time(update: Update, context: BotContext) -> None:
    """A preset reminder time, or "Other time…" to type one."""
    scope = await context.scope()
    _query, data = parsed_callback(update, PickTime)
    if data is not None and data.hhmm == TYPE_IT:
        async with context.app.db.unit_of_work(read_only=True) as uow:
            expecting = await service.expecting_time(uow, scope.user_id, scope.now) is not None
        await context.reply(
            views.ask_time_typed(scope.content) if expecting else common_views.stale_button(scope.content)
        )
        return
    parsed = parse_time_of_day(data.hhmm) if data is not None else TimeParseError.UNREADABLE
    if isinstance(parsed, TimeParseError) or not await _set_time(context, scope, parsed):
        await context.reply(common_views.stale_button(scope.content))


async def on_pick_timezone(update: Update, context: BotContext) -> None:
    """A timezone button, or "Other…" to type one."""
    scope = await context.scope()
    _query, data = parsed_callback(update, PickTimezone)
    if data is not None and data.name == TYPE_IT:
        async with context.app.db.unit_of_work(read_only=True) as uow:
            expecting = await service.expecting_timezone(uow, scope.user_id, scope.now)
        reply = views.ask_timezone_typed(scope.content) if expecting else common_views.stale_button(scope.content)
        await context.reply(reply)
        return
    match = parse_timezone(data.name) if data is not None else None
    if match is None or not await _set_timezone(context, match.name, match.is_fixed_offset):
        await context.reply(common_views.stale_button(scope.content))


async def on_second_time(update: Update, context: BotContext) -> None:
    """A preset second reminder time, "Off", or "Other time…" to type one."""
    scope = await context.scope()
    _query, data = parsed_callback(update, SecondTime)
    if data is not None and data.hhmm == TYPE_IT:
        async with context.app.db.unit_of_work() as uow:
            ok = await service.ask_for(uow, scope, service.AWAIT_SECOND_TIME)
        await context.reply(views.ask_time_typed(scope.content) if ok else common_views.stale_button(scope.content))
        return
    parsed = parse_time_of_day(data.hhmm) if data is not None and data.hhmm != "off" else None
    if data is None or isinstance(parsed, TimeParseError):
        await context.reply(common_views.stale_button(scope.content))
        return
    await _set_second(context, scope, parsed)


async def _set_second(context: BotContext, scope: UserScope, local_time: time | None) -> None:
    async with context.app.db.unit_of_work() as uow:
        result = await service.set_second_reminder(uow, scope, local_time)
    reply = views.second_set(scope, result, local_time) if result else common_views.stale_button(scope.content)
    await context.reply(reply)


async def on_snooze_length(update: Update, context: BotContext) -> None:
    """A snooze length from the list in coach.yaml."""
    scope = await context.scope()
    _query, data = parsed_callback(update, SnoozeLength)
    allowed = list(scope.content.coach.snooze_minutes_options)
    result = None
    if data is not None:
        async with context.app.db.unit_of_work() as uow:
            result = await service.set_snooze_minutes(uow, scope, data.minutes, allowed)
    if data is None or result is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    await context.reply(views.snooze_set(scope, result, data.minutes))


async def answer_time(context: BotContext, _question: OpenQuestion) -> bool:
    """A typed reminder time (the morning one, or the second one when that was asked)."""
    scope = await context.scope()
    parsed = parse_time_of_day(await context.understood())
    if isinstance(parsed, TimeParseError):
        out_of_range = parsed in (TimeParseError.HOUR_OUT_OF_RANGE, TimeParseError.MINUTE_OUT_OF_RANGE)
        await context.reply(views.time_unreadable(scope.content, context.text, out_of_range=out_of_range))
        return True
    async with context.app.db.unit_of_work(read_only=True) as uow:
        slot = await service.expecting_time(uow, scope.user_id, scope.now)
    if slot == SECOND:
        await _set_second(context, scope, parsed)
        return True
    return await _set_time(context, scope, parsed)


async def answer_timezone(context: BotContext, _question: OpenQuestion) -> bool:
    """A typed timezone (a city, a zone name, a UTC offset)."""
    scope = await context.scope()
    zone = scope.content.understanding.zone_for(context.text)  # "München", "Múnich", "Мюнхен"
    match = TimezoneMatch(zone, is_fixed_offset=False) if zone is not None else parse_timezone(context.text)
    if match is None:
        await context.reply(views.timezone_unknown((await context.scope()).content, context.text))
        return True
    return await _set_timezone(context, match.name, match.is_fixed_offset)


async def answer_snooze(context: BotContext, _question: OpenQuestion) -> bool:
    """A typed snooze length: one of the offered lengths, in minutes."""
    scope = await context.scope()
    minutes = parse_minutes(await context.understood())
    allowed = list(scope.content.coach.snooze_minutes_options)
    result = None
    if minutes in allowed:
        async with context.app.db.unit_of_work() as uow:
            result = await service.set_snooze_minutes(uow, scope, minutes, allowed)
    if minutes is None or result is None:
        await context.reply(views.snooze_unreadable(scope.content, allowed))
        return True
    await context.reply(views.snooze_set(scope, result, minutes))
    return True


async def on_routine_pref(update: Update, context: BotContext) -> None:
    """Hands-free or a tap per step; sound cues on or off (the last row of /settings)."""
    scope = await context.scope()
    _query, data = parsed_callback(update, RoutinePref)
    snap = None
    if data is not None:
        async with context.app.db.unit_of_work() as uow:
            snap = await service.set_routine_pref(uow, scope, data.what)
    if data is None or snap is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    await context.reply(views.routine_pref_set(scope, snap, data.what))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("settings", on_settings))
    for callback_type, callback in (
        (ChangeSetting, on_change_setting),
        (SettingsMenu, on_settings_menu),
        (PickTime, on_pick_time),
        (PickTimezone, on_pick_timezone),
        (SecondTime, on_second_time),
        (SnoozeLength, on_snooze_length),
        (RoutinePref, on_routine_pref),
    ):
        application.add_handler(CallbackQueryHandler(callback, pattern=callback_pattern(callback_type)))
