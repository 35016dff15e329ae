"""Saying when something happens, in the user's own time and words ("tomorrow at 07:15")."""

from __future__ import annotations

from datetime import datetime

from bot.services.user_scope import UserScope
from bot.views.calendar import clock, short_date


def describe_when(scope: UserScope, due: datetime | None) -> str:
    """When `due` comes, on the user's calendar; "no reminder planned" for None."""
    texts = scope.texts
    if due is None:
        return texts.render("when.none")
    local = due.astimezone(scope.zone)
    days = (local.date() - scope.today).days
    if days == 0:
        return texts.render("when.today", time=clock(local.time(), scope.content.formats))
    if days == 1:
        return texts.render("when.tomorrow", time=clock(local.time(), scope.content.formats))
    return texts.render(
        "when.date",
        day=short_date(local.date(), scope.content.formats),
        time=clock(local.time(), scope.content.formats),
    )
