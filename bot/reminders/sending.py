"""Sending one due reminder: the dispatcher's fan-out path (see `bot.reminders.dispatcher`).

The text comes from `bot.views.reminders` (plain data in, no queue rows); the request goes through the sending
seam's `Sender.send_prepared`. The reminder keyboard differs between reminders only in the delivery id, so it is
serialised once per (snooze length, language) with a stand-in id, and each reminder's id is put into the stand-in's
places: serialising a 14-button keyboard per reminder costs more than the rest of the send (bench/).
"""

from __future__ import annotations

from bot.content.loader import Content
from bot.domain.local_time import user_zone
from bot.reminders.queue import ClaimedReminder
from bot.services.scheduling import MORNING
from bot.telegram_io.sender import Paced, Sender, prepared_keyboard
from bot.ui.callbacks import MAX_INT
from bot.views.reminders import reminder_buttons, reminder_text

_STAND_IN_ID = str(MAX_INT)  # no real delivery id reaches it first: ids are < 2**31 - 1


class ReminderSender:
    """Renders and sends one claimed reminder; its message id. `RecipientBlocked` and PTB's errors reach the
    dispatcher, which decides what they mean for the reminder."""

    def __init__(self, content: Content, sender: Sender, default_timezone: str) -> None:
        self._content = content
        self._sender = sender
        self._default_timezone = default_timezone
        # (snooze minutes, language) -> the keyboard's JSON split at the stand-in id
        self._keyboards: dict[tuple[int, str], list[str]] = {}

    def _keyboard(self, delivery_id: int, snooze_minutes: int, language: str) -> str:
        parts = self._keyboards.get((snooze_minutes, language))
        if parts is None:
            rows = reminder_buttons(self._content.for_language(language).texts, MAX_INT, snooze_minutes)
            parts = self._keyboards[snooze_minutes, language] = prepared_keyboard(rows).split(_STAND_IN_ID)
        return str(delivery_id).join(parts)

    def text(self, claimed: ClaimedReminder) -> str:
        late_since = None
        zone = user_zone(claimed.timezone, self._default_timezone)
        if claimed.late:  # late for any reason: the bot, Telegram or the database was away
            late_since = claimed.due_at.astimezone(zone).time()
        content = self._content.for_language(claimed.language)
        minutes = content.routine(content.coach.default_routine).minutes
        # The greeting fits the time it is due (the send itself follows within seconds, or says it is late).
        local = claimed.due_at.astimezone(zone).time()
        return reminder_text(
            content.texts,
            morning=claimed.slot == MORNING,
            minutes=minutes,
            late_since=late_since,
            local_time=local,
        )

    async def __call__(self, claimed: ClaimedReminder, paced: Paced) -> int:
        keyboard = self._keyboard(claimed.delivery_id, claimed.snooze_minutes, claimed.language)
        return await self._sender.send_prepared(claimed.chat_id, self.text(claimed), keyboard, paced)
