"""Small helpers shared by handlers: matching callback data to a handler and parsing it."""

from __future__ import annotations

import re
from typing import TypeVar

from telegram import CallbackQuery, Update

from bot.ui.callbacks import VERSION, CallbackData, unpack_as

C = TypeVar("C", bound=CallbackData)


def callback_pattern(cls: type[CallbackData]) -> re.Pattern[str]:
    """Matches callback data of `cls` (any version, so an old button still reaches its handler to be answered)."""
    return re.compile(rf"^\d+\|{re.escape(cls.prefix)}(\||$)")


def parsed_callback(update: Update, cls: type[C]) -> tuple[CallbackQuery, C | None]:
    query = update.callback_query
    assert query is not None
    return query, unpack_as(query.data, cls)


__all__ = ["VERSION", "callback_pattern", "parsed_callback"]
