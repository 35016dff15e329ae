"""Typed "pause", "resume", "skip", "stop" or "next" while a routine runs: the same events as its buttons."""

from __future__ import annotations

from functools import partial

from bot.context import BotContext
from bot.db.unit_of_work import UnitOfWork
from bot.domain.routine_events import Done, Pause, Resume, Skip, Stop
from bot.domain.routine_words import parse_routine_word
from bot.routine.runtime import Work
from bot.services.routine import walking
from bot.services.routine.outcome import Outcome, OutcomeKind, RoutineEnv
from bot.views import routine as views

_EVENTS: dict[str, type[Pause | Resume | Skip | Stop | Done]] = {
    "pause": Pause,
    "resume": Resume,
    "skip": Skip,
    "stop": Stop,
    "done": Done,
}


async def consume_text(context: BotContext) -> bool:
    """A typed routine word while a routine runs; False if the text is not one or no routine runs."""
    word = parse_routine_word(context.text)
    if word is None:
        return False
    update = context.incoming
    assert update is not None and update.effective_user is not None
    user_id = update.effective_user.id
    async with context.app.db.unit_of_work(read_only=True) as uow:
        walk = await walking.active_walk(uow, user_id)
    if walk is None:
        return False
    session_id, seq = walk
    work: Work
    if word == "pause":  # the same entry point other flows use to pause a routine

        async def work(uow: UnitOfWork, env: RoutineEnv) -> Outcome:
            paused = await walking.pause_active(uow, env, user_id=user_id)
            return paused or Outcome(OutcomeKind.IGNORED, session_id=session_id, user_id=user_id)

    else:
        work = partial(walking.apply_event, user_id=user_id, session_id=session_id, event=_EVENTS[word](seq))
    outcome = await context.app.routine.run(user_id, work)
    if outcome.kind in (OutcomeKind.IGNORED, OutcomeKind.STALE):
        await context.reply(views.typed_word_not_now(context.app.content, word))
    return True
