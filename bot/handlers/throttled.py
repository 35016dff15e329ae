"""Answering the updates of a user who sends faster than the bot handles one user's updates (see
`bot.telegram_io.update_processor`): taps are answered so no spinner hangs, and once per episode a "slow down"."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.constants import ChatType

from bot.context import AppContext
from bot.domain.pain_text import recognise
from bot.telegram_io.sender import RecipientBlocked, ReplyTarget
from bot.views import common as views


def throttled_reply(app: AppContext) -> Callable[[Update, bool], Awaitable[None]]:
    """The processor's `on_throttled` for this application."""

    async def on_throttled(update: Update, note: bool) -> None:
        """A throttled update: answer a tap, say "slow down" once (never in groups, never to channels)."""
        chat = update.effective_chat
        query = update.callback_query
        if chat is None or (query is None and (not note or chat.type != ChatType.PRIVATE)):
            return
        reply = views.slow_down(app.content_without_query(update), note=note, tapped=query is not None)
        try:
            await app.sender.deliver(ReplyTarget(chat.id, query.id if query is not None else None), reply)
        except RecipientBlocked:
            return

    return on_throttled


def reports_pain(app: AppContext) -> Callable[[Update], bool]:
    """The processor's `exempt`: a typed message that reports pain or a warning sign is never throttled away."""

    def exempt(update: Update) -> bool:
        message = update.message
        if message is None:
            return False
        text = message.text or message.caption
        return text is not None and recognise(text, app.content.safety_words) is not None

    return exempt
