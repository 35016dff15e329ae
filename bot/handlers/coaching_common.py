"""What the coaching handlers share: telling the other side (a coach that a client left, a client that their coach
changed the plan) in their own chat, and the coach's name as Telegram gives it."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import TelegramError

from bot.context import AppContext
from bot.telegram_io.sender import RecipientBlocked, ReplyTarget
from bot.ui.message import OutgoingMessage, Reply

log = logging.getLogger(__name__)


async def tell(app: AppContext, user_id: int, message: OutgoingMessage) -> None:
    """Send `message` to another user's private chat; a blocked or unreachable chat is logged, never raised."""
    try:
        await app.sender.deliver(ReplyTarget(user_id), Reply.of(message))
    except (RecipientBlocked, TelegramError) as exc:
        log.info("could not tell a coaching party (%s)", type(exc).__name__)


def first_name(update: Update) -> str | None:
    user = update.effective_user
    return user.first_name if user is not None else None
