"""`CoachDigest`: a JobQueue tick that sends the coaches' digests that are due (`coaches.digest_due_at`), like the
outcome prompter: claim and move on in one unit of work, send after the commit (at most once); a digest that could
not go out within hours is dropped. A tick with nothing due only reads."""

from __future__ import annotations

from datetime import datetime

from bot.reminders.ticking import DatabaseTick
from bot.services.coaching import digest
from bot.views import coaching_digest as views


class CoachDigest(DatabaseTick):
    """A component (see `bot.context.Component`; the job and its ticks: `DatabaseTick`)."""

    job_name = "coach-digest"
    what = "a digest"
    recipient = "the coach"

    async def _run(self, now: datetime | None) -> int:
        moment = now or self.ctx.clock.now()
        ctx = self.ctx
        async with ctx.db.unit_of_work(read_only=True) as uow:
            if not await digest.any_due(uow, moment):
                return 0
        async with ctx.db.unit_of_work() as uow:
            due = await digest.claim_due(
                uow, ctx.settings.admin_user_ids, ctx.content, moment, ctx.settings.default_timezone
            )
        sent = 0
        for item in due:
            if not item.stale:
                message = views.digest(await ctx.content_of_user(item.coach_id), list(item.lines))
                sent += await self._send(item.coach_id, message)
        return sent
