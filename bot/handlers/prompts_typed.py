"""Typed answers to the bot's open question: one registry, `ANSWERS`, from each question kind to the flow's reader.

`bot.services.questions` says which question is open (stored with the user, or read from the routine's state);
the reader registered here parses the text with the same validation as the question's buttons. A reader returns
True when the text was its answer or got a "that isn't an answer, here is what I need" reply (nothing changed),
False to let the other readers of text try (e.g. a word like "help" at a rating question).

To add a question: a `QuestionKind`, `questions.ask(...)` where the flow asks it, `questions.clear(...)` where it
is answered, and a reader `answer_<kind>(context, question) -> bool` in the flow's handler, registered below.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.context import BotContext
from bot.handlers import data, pausing, reminders, routine, settings
from bot.services import questions
from bot.services.questions import OpenQuestion, QuestionKind

TypedAnswer = Callable[[BotContext, OpenQuestion], Awaitable[bool]]

ANSWERS: dict[QuestionKind, TypedAnswer] = {
    QuestionKind.TIME: settings.answer_time,
    QuestionKind.SECOND_TIME: settings.answer_time,
    QuestionKind.TIMEZONE: settings.answer_timezone,
    QuestionKind.SNOOZE: settings.answer_snooze,
    QuestionKind.PAUSE: pausing.answer_pause,
    QuestionKind.SKIP_REASON: reminders.answer_skip_reason,
    QuestionKind.DELETE: data.answer_delete,
    QuestionKind.BEFORE: routine.answer_rating,
    QuestionKind.AFTER: routine.answer_rating,
    QuestionKind.GENTLE: routine.answer_gentle,
    QuestionKind.SIDE: routine.answer_side,
}


async def open_question(context: BotContext) -> OpenQuestion | None:
    """The question a typed message from this user answers now (None: none is open)."""
    scope = await context.scope()
    if not scope.known:
        return None
    async with context.app.db.unit_of_work(read_only=True) as uow:
        return await questions.open_question(uow, scope.user_id, scope.now)


async def consume_text(context: BotContext) -> bool:
    """Typed text read as the answer to the open question; False if none is open or the reader passes."""
    question = await open_question(context)
    if question is None:
        return False
    answer = ANSWERS.get(question.kind)
    return await answer(context, question) if answer is not None else False
