"""Typed text: one handler that asks each flow, in a fixed order, whether the text is meant for it.

Order: onboarding and settings questions first (they were asked explicitly), then the running routine's pending
question, then a stiffness rating typed at any time; anything else gets a short hint.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import Application, ContextTypes, MessageHandler, filters

from bot.context import AppContext, app_context
from bot.handlers import onboarding, ratings, routine
from bot.ui.message import OutgoingMessage

TextConsumer = Callable[[AppContext, Update], Awaitable[bool]]
MAX_TEXT = 1000

# The running routine's pending rating comes before the ratings consumer, which stays last: any number left
# over is a stiffness rating typed at any time.
CONSUMERS: tuple[TextConsumer, ...] = (onboarding.consume_text, routine.consume_text, ratings.consume_text)


async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    ctx = app_context(context)
    message = update.effective_message
    assert message is not None
    assert message.text is not None
    if len(message.text) > MAX_TEXT:
        await ctx.sender.send(message.chat_id, OutgoingMessage(ctx.content.texts.render("common.too_long")))
        return
    for consume in CONSUMERS:
        if await consume(ctx, update):
            return
    await ctx.sender.send(message.chat_id, OutgoingMessage(ctx.content.texts.render("common.unknown_text")))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, on_text))
