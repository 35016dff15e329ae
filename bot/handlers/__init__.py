"""Telegram handlers: thin adapters that parse an update, call a service, and hand the view's result to
`BotContext.reply` (the sending seam).

`register_handlers` adds them in a fixed order; the first matching handler in a group wins.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.handlers import (
    admin,
    common,
    data,
    language,
    onboarding,
    outcomes,
    pausing,
    progress,
    ratings,
    reminders,
    report,
    routine,
    routine_choice,
    safety,
    settings,
    text,
)


def register_handlers(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    common.register_guards(application)  # group -1: ignore groups and channels, answer in private chats only
    onboarding.register(application)
    settings.register(application)
    pausing.register(application)
    reminders.register(application)
    routine.register(application)
    routine_choice.register(application)
    language.register(application)
    safety.register(application)
    ratings.register(application)
    outcomes.register(application)
    progress.register(application)
    report.register(application)
    data.register(application)
    admin.register(application)
    text.register(application)
    common.register_fallbacks(application)  # last: unknown commands, stray text, unsupported messages; errors
