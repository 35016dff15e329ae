"""`UserScope`: everything that depends on who the bot is talking to, resolved once per update.

The user's zone, their local today, and the content (texts, routines) to speak to them with, in their language.
Handlers get it from `BotContext.scope()` (one read of the user's row, then cached for the rest of the update) and
hand it to services and views; jobs (reminders, routine timers) build it from the rows they already hold with
`scope_of`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from bot.content.loader import Content
from bot.content.texts import Texts
from bot.db.models import User
from bot.db.unit_of_work import UnitOfWork
from bot.domain.languages import supported_language
from bot.domain.local_time import user_zone, zone_name
from bot.domain.schedule import local_date_at


@dataclass(frozen=True, slots=True)
class UserScope:
    user_id: int
    chat_id: int
    known: bool  # the user has a row (used /start at least once)
    onboarded: bool  # set-up finished
    timezone: str  # the zone's name (the user's own, or the configured default)
    zone: tzinfo
    now: datetime
    today: date  # the user's local date at `now`
    content: Content  # in the user's language
    default_timezone: str  # the configured fallback zone (for a zone the user changes during this update)

    @property
    def texts(self) -> Texts:
        return self.content.texts

    @property
    def language(self) -> str:
        return self.content.language


def scope_of(
    user: User | None,
    *,
    user_id: int,
    chat_id: int,
    content: Content,
    now: datetime,
    default_timezone: str,
    language_code: str | None = None,
) -> UserScope:
    """The scope of `user` (None: a user the bot does not know yet, spoken to in Telegram's `language_code`).
    `content` is any language's; the scope's is the user's."""
    stored = user.timezone if user is not None else None
    zone = user_zone(stored, default_timezone)
    language = user.language if user is not None else supported_language(language_code, content.language_names())
    return UserScope(
        user_id=user_id,
        chat_id=user.chat_id if user is not None else chat_id,
        known=user is not None,
        onboarded=user is not None and user.onboarding_step is None,
        timezone=zone_name(stored, default_timezone),
        zone=zone,
        now=now,
        today=local_date_at(now, zone),
        content=content.for_language(language),
        default_timezone=default_timezone,
    )


async def load_scope(
    uow: UnitOfWork,
    *,
    user_id: int,
    chat_id: int,
    content: Content,
    now: datetime,
    default_timezone: str,
    language_code: str | None = None,
) -> UserScope:
    """Read the user's row and resolve their scope."""
    user = await uow.users.get(user_id)
    return scope_of(
        user,
        user_id=user_id,
        chat_id=chat_id,
        content=content,
        now=now,
        default_timezone=default_timezone,
        language_code=language_code,
    )
