"""Telegram handlers: thin adapters that parse an update, call a service, and hand the view's result to
`BotContext.reply` (the sending seam).

`register_handlers` adds them in a fixed order; the first matching handler in a group wins.
"""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from bot.handlers import (
    admin,
    coaching_admin,
    coaching_client,
    coaching_digest,
    coaching_invite,
    coaching_media,
    coaching_roster,
    coaching_rx,
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
    coaching_invite.register(application)  # before onboarding: /start with an invite payload
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
    coaching_client.register(application)
    coaching_roster.register(application)
    coaching_rx.register(application)
    coaching_digest.register(application)
    coaching_media.register(application)  # before text: a coach's photo or video is not a caption to read
    coaching_admin.register(application)
    text.register(application)
    common.register_fallbacks(application)  # last: unknown commands, stray text, unsupported messages; errors
