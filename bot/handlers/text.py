"""Typed text: one handler that asks each flow, in a fixed order, whether the text is meant for it.

Order: the settings questions first (they were asked explicitly; an unknown user is asked to /start there), then
the running routine's pending rating, then a stiffness rating typed at any time; anything else gets a short hint.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from bot.context import BotContext
from bot.handlers import ratings, routine, routine_choice, routine_words, settings
from bot.views import common as views

TextConsumer = Callable[[BotContext], Awaitable[bool]]
MAX_TEXT = 1000

# The running routine's pending rating comes before the ratings consumer, which stays last: any number left
# over is a stiffness rating typed at any time.
CONSUMERS: tuple[TextConsumer, ...] = (
    settings.consume_text,
    routine_choice.consume_text,
    routine.consume_text,
    routine_words.consume_text,
    ratings.consume_text,
)


async def on_text(_update: Update, context: BotContext) -> None:
    """Typed text (not a command): offered to each flow in turn; a hint if none takes it."""
    if len(context.text) > MAX_TEXT:
        await context.reply(views.too_long((await context.scope()).content))
        return
    for consume in CONSUMERS:
        if await consume(context):
            return
    await context.reply(views.unknown_text((await context.scope()).content))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, on_text))
