"""Rendering /start: the greeting and safety note, the next set-up question, or the welcome back."""

from __future__ import annotations

from bot.services.onboarding import StartResult
from bot.services.user_scope import UserScope
from bot.ui.message import OutgoingMessage, Reply
from bot.views.settings import ask_time, ask_timezone, change_buttons, summary


def start(scope: UserScope, result: StartResult, name: str) -> Reply:
    texts = scope.texts
    if result.stage == "done":
        header = texts.render("onboarding.welcome_back", name=name)
        if result.reactivated:
            header = texts.render("onboarding.reminders_back_on", name=name)
        body = summary(scope, result.snapshot)
        return Reply.of(OutgoingMessage(f"{header}\n\n{body}", change_buttons(scope.content)))
    messages = []
    if result.resumed:
        messages.append(OutgoingMessage(texts.render("onboarding.still_setting_up")))
    else:
        messages.append(OutgoingMessage(texts.render("onboarding.greeting", name=name)))
        messages.append(OutgoingMessage(texts.render("onboarding.safety")))
    if result.stage == "timezone" and result.pending_time is not None:
        messages.append(ask_timezone(scope.content, result.pending_time))
    else:
        messages.append(ask_time(scope.content))
    return Reply(messages=tuple(messages))
