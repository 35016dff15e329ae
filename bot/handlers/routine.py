"""/stretch, the routine's buttons, and typed answers to the routine's questions (before/after rating, gentle offer,
which side felt tighter).

Thin: parse the update, hand the service call to the routine runtime (`context.app.routine.run`), which answers
the tap, renders and arms timers. Callback data is only a pointer: the service checks it against the database.
"""

from __future__ import annotations

from functools import partial
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler

from bot.context import BotContext
from bot.domain.rating_text import RatingKind, parse_rating
from bot.domain.routine_events import AfterRating, Done, Event, Pause, Resume, Skip, Stop, TighterSide
from bot.domain.typed_answers import GENTLE_WORDS, SIDE_WORDS, choose
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.routine.runtime import Work
from bot.services.questions import OpenQuestion, QuestionKind
from bot.services.routine import starting, walking
from bot.ui.callbacks_routine import (
    NONE,
    SKIP,
    RoutineAction,
    RoutineAnswer,
    RoutineBefore,
    RoutineExisting,
    RoutineGentle,
)
from bot.views import common as common_views
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


async def _run(context: BotContext, work: Work) -> None:
    """Apply `work` to the user's routine, answering the tapped button (if any) with the outcome."""
    update = context.incoming
    assert update is not None and update.effective_user is not None
    query = update.callback_query
    await context.app.routine.run(update.effective_user.id, work, query_id=query.id if query is not None else None)


def _user_id(context: BotContext) -> int:
    update = context.incoming
    assert update is not None and update.effective_user is not None
    return update.effective_user.id


async def _stale(context: BotContext) -> None:
    await context.reply(common_views.stale_button((await context.scope()).content))


async def on_stretch(update: Update, context: BotContext) -> None:
    """/stretch: start today's routine now."""
    assert update.effective_user is not None
    await context.app.routine.begin(user_id=update.effective_user.id, delivery_id=None, before=None, update_id=None)


async def on_action(update: Update, context: BotContext) -> None:
    """Done / Start / Next, Skip, Pause, Resume and Stop on the routine's messages."""
    query, data = parsed_callback(update, RoutineAction)
    if data is None:
        return await _stale(context)
    event = _ACTIONS[data.action](data.seq)
    await _run(
        context, partial(walking.apply_event, user_id=query.from_user.id, session_id=data.session_id, event=event)
    )
    return None


async def on_answer(update: Update, context: BotContext) -> None:
    """The after rating or "which side felt tighter?" (or Skip) at the end of the routine."""
    query, data = parsed_callback(update, RoutineAnswer)
    if data is None:
        return await _stale(context)
    event: Event
    if data.value == SKIP:
        event = Skip(data.seq)
    elif data.question == "after":
        value = _button_rating(data.value)
        if value is None:
            return await _stale(context)
        event = AfterRating(value)
    else:
        event = TighterSide(data.value)
    work = partial(
        walking.apply_event,
        user_id=query.from_user.id,
        session_id=data.session_id,
        event=event,
        update_id=update.update_id,
    )
    await _run(context, work)
    return None


async def on_before(update: Update, context: BotContext) -> None:
    """The before rating (or Skip rating) asked before the walkthrough begins."""
    query, data = parsed_callback(update, RoutineBefore)
    value = None if data is None or data.value == SKIP else _button_rating(data.value)
    if data is None or (value is None and data.value != SKIP):
        return await _stale(context)
    work = partial(
        starting.answer_before,
        user_id=query.from_user.id,
        session_id=data.session_id,
        value=value,
        source="button",
        update_id=update.update_id,
    )
    await _run(context, work)
    return None


async def on_gentle(update: Update, context: BotContext) -> None:
    """The answer to the gentle offer: gentler, normal, or skip today."""
    query, data = parsed_callback(update, RoutineGentle)
    if data is None:
        return await _stale(context)
    await _run(
        context,
        partial(starting.answer_gentle, user_id=query.from_user.id, session_id=data.session_id, choice=data.choice),
    )
    return None


async def on_existing(update: Update, context: BotContext) -> None:
    """A session is already running: resume it, start over, or stop it."""
    query, data = parsed_callback(update, RoutineExisting)
    if data is None:
        return await _stale(context)
    work = partial(
        starting.answer_existing,
        user_id=query.from_user.id,
        session_id=data.session_id,
        choice=data.choice,
        delivery_id=data.delivery_id or None,
        before=None if data.before == NONE else _button_rating(data.before),
    )
    await _run(context, work)
    return None


async def answer_rating(context: BotContext, question: OpenQuestion) -> bool:
    """A typed number that answers the running routine's before or after rating; anything else asks again."""
    update = context.incoming
    assert update is not None and update.effective_user is not None and question.ref is not None
    user_id, session_id = update.effective_user.id, question.ref
    parsed = parse_rating(await context.understood())
    if parsed.kind == RatingKind.NOT_A_RATING:
        return False  # not a number: the other readers of text (plain words, small talk) may know it
    if parsed.kind != RatingKind.OK or parsed.value is None:
        out_of_range = parsed.kind == RatingKind.OUT_OF_RANGE
        await context.reply(views.rating_hint((await context.scope()).content, context.text, out_of_range=out_of_range))
        return True
    work: Work
    if question.kind == QuestionKind.AFTER:
        event = AfterRating(parsed.value)
        work = partial(
            walking.apply_event,
            user_id=user_id,
            session_id=session_id,
            event=event,
            source="text",
            update_id=update.update_id,
        )
    else:
        work = partial(
            starting.answer_before,
            user_id=user_id,
            session_id=session_id,
            value=parsed.value,
            source="text",
            update_id=update.update_id,
        )
    await _run(context, work)
    return True


async def answer_gentle(context: BotContext, question: OpenQuestion) -> bool:
    """A typed answer to the gentle offer: "gentle", "normal" or "skip"."""
    choice = choose(await context.understood(), GENTLE_WORDS)
    if choice is None or question.ref is None:
        await context.reply(views.typed_hint((await context.scope()).content, "gentle"))
        return True
    work = partial(
        starting.answer_gentle,
        user_id=_user_id(context),
        session_id=question.ref,
        choice="gentle" if choice == "gentle" else "normal" if choice == "normal" else "skip",
    )
    await _run(context, work)
    return True


async def answer_side(context: BotContext, question: OpenQuestion) -> bool:
    """A typed answer to "Which side felt tighter?": left, right, about the same, or skip."""
    choice = choose(await context.understood(), SIDE_WORDS)
    if choice is None or question.ref is None or question.session_seq is None:
        await context.reply(views.typed_hint((await context.scope()).content, "side"))
        return True
    event: Event = Skip(question.session_seq) if choice == "skip" else TighterSide(choice)
    work = partial(walking.apply_event, user_id=_user_id(context), session_id=question.ref, event=event)
    await _run(context, work)
    return True


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CommandHandler("stretch", on_stretch))
    for callback_type, callback in (
        (RoutineAction, on_action),
        (RoutineAnswer, on_answer),
        (RoutineBefore, on_before),
        (RoutineGentle, on_gentle),
        (RoutineExisting, on_existing),
    ):
        application.add_handler(CallbackQueryHandler(callback, pattern=callback_pattern(callback_type)))
