"""Rendering the coach's /stats."""

from __future__ import annotations

from bot.content.loader import Content
from bot.services.admin import CoachStats
from bot.ui.message import OutgoingMessage


def stats(content: Content, figures: CoachStats) -> OutgoingMessage:
    texts = content.texts
    none = texts.render("admin.no_data")
    rate, change = figures.completion_rate, figures.average_change
    text = texts.render(
        "admin.stats",
        active_users=figures.active_users,
        finished=figures.finished,
        started=figures.started,
        completion=f"{rate:.0%}" if rate is not None else none,
        change=f"{change:+.1f}" if change is not None else none,
    )
    return OutgoingMessage(text)
