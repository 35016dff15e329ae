"""Plain words typed instead of commands or buttons ("help", "stop", "skip", "later", "done"), and small talk.

What a word does depends on the moment: at an open outcome question "skip" and "not now" decline it (its reader
answers); during a routine "stop", "skip", "pause", "resume" and "done"/"next" act on it like its buttons, in both
modes ("pause" goes through `walking.pause_active`, so in hands-free mode it also stops a "get ready" or
switch-of-sides countdown); on today's open reminder "later" snoozes it, "skip" skips the day and "start" begins the
routine; otherwise a word does what its slash command does (/stop, /pause, /settings...; /delete asks first).
"""

from __future__ import annotations

from functools import partial

from telegram import Update

from bot.context import BotContext
from bot.domain.plain_words import command_word, small_talk
from bot.domain.routine_effects import Phase
from bot.domain.routine_events import Done, Event, Resume, Skip, Stop
from bot.handlers import common, data, language, onboarding, pausing, progress, reminders, routine, settings
from bot.routine.runtime import Work
from bot.services import questions
from bot.services import reminders as reminder_service
from bot.services.routine import starting, walking
from bot.services.routine.walking import Position
from bot.views import words as views

_COMMANDS = {
    "help": common.on_help,
    "stop": pausing.on_stop,
    "pause": pausing.on_pause,
    "resume": pausing.on_resume,
    "settings": settings.on_settings,
    "progress": progress.on_progress,
    "history": progress.on_history,
    "export": data.on_export,
    "delete": data.on_delete,
    "stretch": routine.on_stretch,
    "language": language.on_language,
}
_WALKING = frozenset(
    {Phase.READY, Phase.HOLDING, Phase.RESTING, Phase.SWITCH_SIDES, Phase.PAUSED, Phase.ASK_AFTER_RATING}
) | {Phase.ASK_TIGHTER_SIDE}
_TIMED = frozenset({Phase.HOLDING, Phase.RESTING})
_WAITING = frozenset({Phase.READY, Phase.SWITCH_SIDES})


def _routine_work(word: str, user_id: int, at: Position) -> Work | None:
    """What `word` does to the running routine (None: nothing it could do now)."""
    event: Event | None = None
    if word == "pause" and at.counts_down:  # a hold, a rest, or a hands-free "get ready" or switch of sides
        return partial(walking.pause_active, user_id=user_id)  # the one entry point, as for a pain report
    if word == "stop":
        event = Stop(at.seq)
    elif word == "skip":
        event = Skip(at.seq)
    elif word == "resume" and at.phase == Phase.PAUSED:
        event = Resume(at.seq)
    elif (word in ("done", "resume", "start") and at.phase in _WAITING) or (word == "done" and at.phase in _TIMED):
        event = Done(at.seq)
    if event is None:
        return None
    return partial(walking.apply_event, user_id=user_id, session_id=at.session_id, event=event)


async def _before_words(context: BotContext, word: str, user_id: int, at: Position) -> bool:
    """ "skip" or "stop" at the before question or the gentle offer (no walkthrough yet)."""
    if word not in ("skip", "stop"):
        return False
    async with context.app.db.unit_of_work(read_only=True) as uow:
        before = await uow.ratings.of_session(at.session_id, "before")
    work: Work
    if word == "stop":
        work = partial(
            starting.answer_existing, user_id=user_id, session_id=at.session_id, choice="stop", delivery_id=None,
            before=None,
        )  # fmt: skip
    elif before is None:  # skip the rating, the walkthrough begins
        work = partial(
            starting.answer_before, user_id=user_id, session_id=at.session_id, value=None, source="text",
            update_id=None,
        )  # fmt: skip
    else:
        work = partial(starting.answer_gentle, user_id=user_id, session_id=at.session_id, choice="skip")
    await context.app.routine.run(user_id, work)
    return True


async def _in_routine(context: BotContext, word: str, user_id: int, at: Position) -> bool:
    if at.phase == Phase.NEW:
        return await _before_words(context, word, user_id, at)
    if word in ("help", "progress", "history", "settings", "export", "delete", "language"):
        return False  # the command itself, below
    work = _routine_work(word, user_id, at)
    if work is None:
        key = "nothing_to_pause" if word == "pause" else "routine_hint"
        if at.phase == Phase.PAUSED and word in ("pause", "done", "start"):
            key = "already_paused"  # "done" cannot go on from a pause: say what does
        await context.reply(views.said((await context.scope()).content, key))
        return True
    await context.app.routine.run(user_id, work)
    return True


async def _on_reminder(update: Update, context: BotContext, word: str) -> bool:
    """ "later", "skip" or "start" typed on today's open reminder: what its buttons do."""
    if word not in ("later", "skip", "start", "stretch"):
        return False
    scope = await context.scope()
    async with context.app.db.unit_of_work(read_only=True) as uow:
        reminder = await reminder_service.open_reminder(uow, scope)
    if reminder is None:
        return False
    if word == "later":
        await reminders.snooze_typed(context, reminder.delivery_id, reminder.message_id)
    elif word == "skip":
        await reminders.skip_typed(context, reminder.delivery_id, reminder.message_id)
    else:
        await reminders.start_typed(update, context, reminder.delivery_id, reminder.message_id)
    return True


async def consume_command(context: BotContext) -> bool:
    """A plain word that means a command or a button, done in the moment's sense; False if the text is none."""
    word = command_word(await context.understood())
    update = context.incoming
    if word is None or update is None or update.effective_user is None:
        return False
    scope = await context.scope()
    user_id = update.effective_user.id
    if word in ("skip", "later") and scope.known:
        async with context.app.db.unit_of_work(read_only=True) as uow:
            if await questions.is_open(uow, user_id, scope.now, *questions.DECLINABLE):
                return False  # "skip" / "not now" declines the open outcome question: its reader says so
    if scope.known:
        async with context.app.db.unit_of_work(read_only=True) as uow:
            at = await walking.position(uow, user_id)
        if at is not None and (at.phase in _WALKING or at.phase == Phase.NEW):
            if await _in_routine(context, word, user_id, at):
                return True
        elif await _on_reminder(update, context, word):
            return True
    if word == "start":
        handler = onboarding.on_start if not scope.onboarded else routine.on_stretch
        await handler(update, context)
        return True
    command = _COMMANDS.get(word)
    if command is not None:
        await command(update, context)
        return True
    key = {"later": "later_idle", "skip": "skip_idle", "done": "done_idle"}.get(word)
    if key is None:
        return False
    await context.reply(views.said(scope.content, key))
    return True


async def consume_small_talk(context: BotContext) -> bool:
    """ "thanks", a greeting, "ok" or an emoji: a short friendly answer that fits the moment."""
    kind = small_talk(await context.understood())
    if kind is None:
        return False
    scope = await context.scope()
    in_routine = False
    if scope.known:
        async with context.app.db.unit_of_work(read_only=True) as uow:
            in_routine = await walking.position(uow, scope.user_id) is not None
    await context.reply(views.small_talk(scope.content, kind, in_routine=in_routine))
    return True
