"""`OutcomePrompter`: a JobQueue tick that sends the outcome questions that are due (`outcome_prompts`).

The morning-stiffness question goes out `stiffness_delay_minutes` (content) after the morning reminder's time;
the weekly check-in at the reminder's time. Each tick claims due rows in a unit of work that also moves them on
to their next time and opens the question (`bot.services.questions`, the check-in row), then sends after the
commit: a question is sent at most once, and one that could not go out within `STALE_AFTER` is dropped. Paused,
stopped and switched-off users are moved on without a message. Users get their schedule at set-up (and those who
set up before this feature from migration 0004).

A tick with nothing to do only reads (a unit of work that commits nothing would tell `DatabaseHealth` the database
is writable again while its disk is full), and start-up does no database work (a big database starts as fast).
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.reminders.ticking import DatabaseTick
from bot.services import outcomes
from bot.services.outcome_schedule import KINDS, STIFFNESS, any_due, claim_due
from bot.ui.message import OutgoingMessage
from bot.views import outcomes as views

BATCH = 200


class OutcomePrompter(DatabaseTick):
    """A component (see `bot.context.Component`; the job and its ticks: `DatabaseTick`)."""

    job_name = "outcome-prompter"
    what = "an outcome question"
    recipient = "the user"

    def _delay(self, kind: str) -> timedelta:
        minutes = self.ctx.content.coach.outcomes.stiffness_delay_minutes if kind == STIFFNESS else 0
        return timedelta(minutes=minutes)

    async def _run(self, now: datetime | None) -> int:
        sent = 0
        for kind in KINDS:
            while True:
                batch, claimed = await self._claim(kind, now or self.ctx.clock.now())
                for chat_id, message in batch:
                    sent += await self._send(chat_id, message)
                if claimed < BATCH:
                    break
        return sent

    async def _claim(self, kind: str, now: datetime) -> tuple[list[tuple[int, OutgoingMessage]], int]:
        settings = self.ctx.settings
        messages: list[tuple[int, OutgoingMessage]] = []
        async with self.ctx.db.unit_of_work(read_only=True) as uow:
            if not await any_due(uow, kind, now - self._delay(kind)):
                return messages, 0
        async with self.ctx.db.unit_of_work() as uow:
            due = await claim_due(uow, kind, now, self._delay(kind), settings.default_timezone, BATCH)
            for prompt in due:
                if prompt.stale:
                    continue
                content = self.ctx.content_for(prompt.language)
                if kind == STIFFNESS:
                    if await outcomes.ask_stiffness(uow, prompt.user_id, prompt.local_date, now):
                        messages.append((prompt.chat_id, views.stiffness_question(content, prompt.local_date)))
                else:
                    row = await outcomes.open_checkin(uow, prompt.user_id, prompt.local_date, now)
                    if row is not None:
                        messages.append((prompt.chat_id, views.peg_question(content, row.id, 0, intro=True)))
        return messages, len(due)
