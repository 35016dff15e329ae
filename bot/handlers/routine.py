"""/stretch, the routine's buttons and typed ratings inside a routine, and `begin_routine` for the reminder.

Thin: parse the update, call `bot.routine.flow.run` with the service call; the flow answers the tap, renders
and arms timers. Callback data is only a pointer: the service checks it against the database.
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.context import AppContext, app_context
from bot.db.unit_of_work import UnitOfWork
from bot.domain.rating_text import RatingKind, parse_rating
from bot.domain.routine_events import AfterRating, Done, Event, Pause, Resume, Skip, Stop, TighterSide
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.routine import flow
from bot.services import routine as service
from bot.services.ratings import RatingSource
from bot.services.routine import Outcome
from bot.ui.callbacks_routine import (
    NONE,
    SKIP,
    RoutineAction,
    RoutineAnswer,
    RoutineBefore,
    RoutineExisting,
    RoutineGentle,
)
from bot.views import routine as views

_ACTIONS: dict[str, type[Done | Skip | Pause | Resume | Stop]] = {
    "done": Done,
    "skip": Skip,
    "pause": Pause,
    "resume": Resume,
    "stop": Stop,
}


def _button_rating(text: str) -> float | None:
    """A 0-10 rating from button data ("7", "7.5"), or None if it is not one."""
    try:
        value = float(text)
    except ValueError:
        return None
    if not 0 <= value <= 10 or (value * 2) != int(value * 2):
        return None
    return value


async def begin_routine(
    ctx: AppContext,
    *,
    user_id: int,
    chat_id: int,
    delivery_id: int | None,
    before: float | None,
    update_id: int | None,
) -> None:
    """Start today's routine for the user (the reminder's Start or 0-10 buttons, and /stretch).

    A session already active -> offer Resume / Start over and change nothing else. `before` None -> ask the
    before rating first. A high before rating -> the gentle offer first. Otherwise the walkthrough begins.
    """
    del chat_id  # the user's stored chat is used (private chats: the same id)

    def work(uow: UnitOfWork) -> Awaitable[Outcome]:
        return service.start(
            uow,
            ctx.content,
            user_id=user_id,
            delivery_id=delivery_id,
            before=before if before is None else _button_rating(str(before)),
            update_id=update_id,
            now=ctx.clock.now(),
            pacing=flow.pacing(ctx),
            default_timezone=ctx.settings.default_timezone,
        )

    await flow.run(ctx, user_id, work)


async def on_stretch(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    user, chat = update.effective_user, update.effective_chat
    assert user is not None
    assert chat is not None
    await begin_routine(ctx, user_id=user.id, chat_id=chat.id, delivery_id=None, before=None, update_id=None)


async def _stale(ctx: AppContext, query_id: str) -> None:
    await ctx.sender.answer(query_id, ctx.content.texts.render("common.stale_button"))


async def on_action(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, RoutineAction)
    if data is None:
        return await _stale(ctx, query.id)
    event = _ACTIONS[data.action](data.seq)
    await _apply(ctx, query.from_user.id, data.session_id, event, query_id=query.id)
    return None


async def _apply(
    ctx: AppContext,
    user_id: int,
    session_id: int,
    event: Event,
    *,
    query_id: str | None = None,
    source: RatingSource = "button",
    update_id: int | None = None,
) -> Outcome:
    def work(uow: UnitOfWork) -> Awaitable[Outcome]:
        return service.apply_event(
            uow,
            ctx.content,
            user_id=user_id,
            session_id=session_id,
            event=event,
            now=ctx.clock.now(),
            pacing=flow.pacing(ctx),
            source=source,
            update_id=update_id,
        )

    return await flow.run(ctx, user_id, work, query_id=query_id)


async def on_answer(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, RoutineAnswer)
    if data is None:
        return await _stale(ctx, query.id)
    event: Event
    if data.value == SKIP:
        event = Skip(data.seq)
    elif data.question == "after":
        value = _button_rating(data.value)
        if value is None:
            return await _stale(ctx, query.id)
        event = AfterRating(value)
    else:
        event = TighterSide(data.value)
    await _apply(ctx, query.from_user.id, data.session_id, event, query_id=query.id, update_id=update.update_id)
    return None


async def on_before(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, RoutineBefore)
    if data is None:
        return await _stale(ctx, query.id)
    value = None if data.value == SKIP else _button_rating(data.value)
    if value is None and data.value != SKIP:
        return await _stale(ctx, query.id)
    user_id = query.from_user.id

    def work(uow: UnitOfWork) -> Awaitable[Outcome]:
        return service.answer_before(
            uow,
            ctx.content,
            user_id=user_id,
            session_id=data.session_id,
            value=value,
            source="button",
            now=ctx.clock.now(),
            update_id=update.update_id,
            pacing=flow.pacing(ctx),
        )

    await flow.run(ctx, user_id, work, query_id=query.id)
    return None


async def on_gentle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, RoutineGentle)
    if data is None:
        return await _stale(ctx, query.id)
    user_id = query.from_user.id

    def work(uow: UnitOfWork) -> Awaitable[Outcome]:
        return service.answer_gentle(
            uow,
            ctx.content,
            user_id=user_id,
            session_id=data.session_id,
            choice=data.choice,
            now=ctx.clock.now(),
            pacing=flow.pacing(ctx),
        )

    await flow.run(ctx, user_id, work, query_id=query.id)
    return None


async def on_existing(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    query, data = parsed_callback(update, RoutineExisting)
    if data is None:
        return await _stale(ctx, query.id)
    before = None if data.before == NONE else _button_rating(data.before)
    user_id = query.from_user.id

    def work(uow: UnitOfWork) -> Awaitable[Outcome]:
        return service.answer_existing(
            uow,
            ctx.content,
            user_id=user_id,
            session_id=data.session_id,
            choice=data.choice,
            delivery_id=data.delivery_id or None,
            before=before,
            now=ctx.clock.now(),
            pacing=flow.pacing(ctx),
            default_timezone=ctx.settings.default_timezone,
        )

    await flow.run(ctx, user_id, work, query_id=query.id)
    return None


async def consume_text(ctx: AppContext, update: Update) -> bool:
    """A typed number that answers the running routine's before or after rating; False if none is asked."""
    message, user = update.effective_message, update.effective_user
    assert message is not None
    assert user is not None
    assert message.text is not None
    async with ctx.db.unit_of_work(read_only=True) as uow:
        waiting = await service.waiting_for_rating(uow, user.id)
    if waiting is None:
        return False
    question, session_id, _ = waiting
    parsed = parse_rating(message.text)
    if parsed.kind == RatingKind.NOT_A_RATING:
        return False
    if parsed.kind != RatingKind.OK or parsed.value is None:
        hint = views.rating_hint(ctx.content, message.text, out_of_range=parsed.kind == RatingKind.OUT_OF_RANGE)
        await ctx.sender.send(message.chat_id, hint)
        return True
    value = parsed.value
    if question == "after":
        await _apply(ctx, user.id, session_id, AfterRating(value), source="text", update_id=update.update_id)
        return True

    def work(uow: UnitOfWork) -> Awaitable[Outcome]:
        return service.answer_before(
            uow,
            ctx.content,
            user_id=user.id,
            session_id=session_id,
            value=value,
            source="text",
            now=ctx.clock.now(),
            update_id=update.update_id,
            pacing=flow.pacing(ctx),
        )

    await flow.run(ctx, user.id, work)
    return True


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("stretch", on_stretch))
    application.add_handler(CallbackQueryHandler(on_action, pattern=callback_pattern(RoutineAction)))
    application.add_handler(CallbackQueryHandler(on_answer, pattern=callback_pattern(RoutineAnswer)))
    application.add_handler(CallbackQueryHandler(on_before, pattern=callback_pattern(RoutineBefore)))
    application.add_handler(CallbackQueryHandler(on_gentle, pattern=callback_pattern(RoutineGentle)))
    application.add_handler(CallbackQueryHandler(on_existing, pattern=callback_pattern(RoutineExisting)))
