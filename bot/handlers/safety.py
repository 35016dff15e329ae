"""Pain and warning signs typed at any point (during a hold, on a reminder, in answer to a question, out of the
blue): the safety advice at once, a running hold paused, a safety event stored; and the buttons under the advice
(the gentler version, rest today)."""

from __future__ import annotations

from functools import partial
from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler

from bot.context import BotContext
from bot.domain.pain_text import recognise
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.routine.runtime import Work
from bot.services import safety as service
from bot.services.routine import walking
from bot.ui.callbacks_safety import SafetyChoice
from bot.views import common as common_views
from bot.views import safety as views


async def consume_text(context: BotContext) -> bool:
    """Text that reports pain or a warning sign: advice first, then what counts down paused; False if none."""
    scope = await context.scope()
    kind = recognise(context.text, scope.content.safety_words)
    if kind is None:
        return False
    async with context.app.db.unit_of_work() as uow:
        report = await service.report(uow, scope, kind)
    await context.reply(views.advice(scope.content, report))
    if report.session_id is not None and report.pause_seq is not None:
        # The one entry point that pauses whatever counts down (a hold, a rest, a hands-free "get ready" or switch).
        work: Work = partial(walking.pause_active, user_id=scope.user_id)
        await context.app.routine.run(scope.user_id, work)
    return True


async def on_choice(update: Update, context: BotContext) -> None:
    """The gentler version or rest today, under the safety advice."""
    query, data = parsed_callback(update, SafetyChoice)  # the advice's buttons come off, then the choice acts
    scope = await context.scope()
    applies = False
    if data is not None and (data.choice == "rest" or data.session_id):
        async with context.app.db.unit_of_work(read_only=True) as uow:
            applies = await service.choice_applies(uow, scope, session_id=data.session_id, delivery_id=data.delivery_id)
    if data is None or not applies:
        await context.reply(common_views.stale_button(scope.content))
        return
    user_id = query.from_user.id
    work: Work
    if data.choice == "gentle":
        work = partial(service.go_gentler, user_id=user_id, session_id=data.session_id)
    else:
        work = partial(
            service.rest_today,
            user_id=user_id,
            session_id=data.session_id or None,
            delivery_id=data.delivery_id or None,
        )
    await context.reply(views.choice_taken())
    await context.app.routine.run(user_id, work)


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(CallbackQueryHandler(on_choice, pattern=callback_pattern(SafetyChoice)))
