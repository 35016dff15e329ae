"""Rendering the coach's /stats."""

from __future__ import annotations

from bot.content.loader import Content
from bot.services.admin import CoachStats
from bot.ui.message import OutgoingMessage
from bot.views.numbers import format_percent, format_points


def stats(content: Content, figures: CoachStats) -> OutgoingMessage:
    texts = content.texts
    none = texts.render("admin.no_data")
    rate, change = figures.completion_rate, figures.average_change
    text = texts.render(
        "admin.stats",
        active_users=figures.active_users,
        finished=figures.finished,
        started=figures.started,
        completion=format_percent(rate * 100, content.formats) if rate is not None else none,
        change=("+" if change > 0 else "") + format_points(change, content.formats) if change is not None else none,
    )
    return OutgoingMessage(text)
