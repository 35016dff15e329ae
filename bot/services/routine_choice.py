"""Choosing a routine (/routine): the routines in `content/routines/`, the user's current one, and the change.
A change applies from the next routine on; one that is running goes on as it began."""

from __future__ import annotations

from dataclasses import dataclass

from bot.db.unit_of_work import UnitOfWork
from bot.domain.routine_model import Routine
from bot.services.user_scope import UserScope

AWAIT_ROUTINE = "routine"  # users.awaiting_input: a typed answer picks a routine


@dataclass(frozen=True, slots=True)
class RoutineChoices:
    routines: tuple[Routine, ...]  # in a stable order: the default first, then by title
    current: str
    running: bool  # a routine is running now (the change applies to the next one)


def _ordered(scope: UserScope) -> tuple[Routine, ...]:
    content = scope.content
    default = content.coach.default_routine
    return tuple(sorted(content.routines.values(), key=lambda r: (r.id != default, r.title.casefold(), r.id)))


async def choices(uow: UnitOfWork, scope: UserScope, *, ask: bool = True) -> RoutineChoices | None:
    """The routines to choose from; None when the user has not finished set-up. `ask`: a typed answer picks one."""
    user = await uow.users.get(scope.user_id, for_update=ask)
    if user is None or user.onboarding_step is not None:
        return None
    if ask:
        user.awaiting_input = AWAIT_ROUTINE
    running = await uow.sessions.active_of(scope.user_id) is not None
    current = scope.content.routine(user.routine_id).id
    return RoutineChoices(_ordered(scope), current, running)


async def choose(uow: UnitOfWork, scope: UserScope, routine_id: str) -> RoutineChoices | None:
    """Make `routine_id` the user's routine; None when it is not one of the content's routines (or no set-up)."""
    if routine_id not in scope.content.routines:
        return None
    user = await uow.users.get(scope.user_id, for_update=True)
    if user is None or user.onboarding_step is not None:
        return None
    user.routine_id = routine_id
    if user.awaiting_input == AWAIT_ROUTINE:
        user.awaiting_input = None
    running = await uow.sessions.active_of(scope.user_id) is not None
    return RoutineChoices(_ordered(scope), routine_id, running)


async def stop_asking(uow: UnitOfWork, user_id: int) -> None:
    user = await uow.users.get(user_id, for_update=True)
    if user is not None and user.awaiting_input == AWAIT_ROUTINE:
        user.awaiting_input = None


async def awaiting(uow: UnitOfWork, user_id: int) -> bool:
    user = await uow.users.get(user_id)
    return user is not None and user.awaiting_input == AWAIT_ROUTINE


def match_typed(scope: UserScope, text: str) -> Routine | bool | None:
    """The routine a typed answer names (its number in the list, its id or its title); None if none; False if the
    text names more than one (ambiguous)."""
    typed = " ".join(text.casefold().split()).strip(" .!?")
    routines = _ordered(scope)
    if typed.isdigit():
        number = int(typed)
        return routines[number - 1] if 1 <= number <= len(routines) else None
    exact = [r for r in routines if typed in (r.id.casefold(), r.title.casefold())]
    if exact:
        return exact[0]
    partial = [r for r in routines if typed and typed in r.title.casefold()]
    if len(partial) > 1:
        return False
    return partial[0] if partial else None
