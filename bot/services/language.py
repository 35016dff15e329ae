"""The user's language: which ones the bot speaks, the one a typed name means, and the change (stored with the
user; every later message, reminder and picture is in it)."""

from __future__ import annotations

from functools import cache

from babel import Locale

from bot.db.unit_of_work import UnitOfWork
from bot.domain.languages import named_language
from bot.services.user_scope import UserScope


@cache
def _names(codes: tuple[str, ...], own: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """code -> {language it is written in -> the name}: each language's name in every language the bot speaks,
    and in English, plus its own name from the content."""
    names: dict[str, dict[str, str]] = {}
    for code, name in zip(codes, own, strict=True):
        spelled = {"self": name}
        for other in (*codes, "en"):
            spelled[other] = Locale.parse(code).get_display_name(Locale.parse(other)) or code
        spelled["english_language"] = Locale.parse(code).english_name or code
        names[code] = spelled
    return names


def language_named(scope: UserScope, text: str) -> str | None:
    """The language a typed name or code means ("Deutsch", "german", "de", "русский"), if the bot speaks it."""
    available = scope.content.language_names()
    return named_language(text, _names(tuple(available), tuple(available.values())))


async def set_language(uow: UnitOfWork, scope: UserScope, code: str) -> bool:
    """Make `code` the user's language; False when the bot does not speak it or the user has no row yet."""
    if code not in scope.content.language_names():
        return False
    user = await uow.users.get(scope.user_id, for_update=True)
    if user is None:
        return False
    user.language = code
    user.updated_at = scope.now
    return True
