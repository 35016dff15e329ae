"""Typed text (and captions): one handler that asks each reader, in a fixed order, whether the text is for it.

Order: a report of pain or a warning sign first (whatever else was asked, it gets the safety advice); then the
answer to a coach's invite the user just opened (yes / no / stop; other command words pass on); then plain
words that mean a command ("help", "stop", "skip", "later": what they do depends on the moment, see `words`);
an unknown user is asked to /start; a routine's number or name right after /routine; then the answer to the open
question (`prompts_typed`: one registry for every question the bot asks); then a stiffness rating typed at any
time; then small talk ("thanks", "hi", "👍"); anything else gets a short hint.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import Update
from telegram.ext import Application, MessageHandler, filters

from bot.context import BotContext
from bot.handlers import coaching_invite, prompts_typed, ratings, routine_choice, safety, words
from bot.views import common as views

TextConsumer = Callable[[BotContext], Awaitable[bool]]
MAX_TEXT = 1000


async def _not_started(context: BotContext) -> bool:
    """A user the bot does not know yet: anything else than pain or a command word gets "tap /start"."""
    scope = await context.scope()
    if scope.known:
        return False
    await context.reply(views.not_started(scope.content))
    return True


CONSUMERS: tuple[TextConsumer, ...] = (
    safety.consume_text,
    coaching_invite.consume_text,  # yes / no / stop right after opening an invite link (a new user too)
    words.consume_command,
    _not_started,
    routine_choice.consume_text,  # a routine's number or name right after /routine
    prompts_typed.consume_text,
    ratings.consume_text,
    words.consume_small_talk,
)


async def on_text(_update: Update, context: BotContext) -> None:
    """Typed text (not a command): offered to each reader in turn; a hint if none takes it."""
    if len(context.text) > MAX_TEXT:
        await context.reply(views.too_long((await context.scope()).content))
        return
    for consume in CONSUMERS:
        if await consume(context):
            return
    await context.reply(views.unknown_text((await context.scope()).content))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # A photo or other media with a caption is read as text ("my back is a 6" under a photo).
    typed = filters.TEXT | (filters.CAPTION & ~filters.CaptionRegex(r"^/"))
    application.add_handler(MessageHandler(filters.UpdateType.MESSAGE & typed & ~filters.COMMAND, on_text))
