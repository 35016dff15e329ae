"""What every handler and job needs, built once by `build_application` and kept in `application.bot_data`."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from telegram.ext import Application, CallbackContext

from bot.config import Settings
from bot.content.loader import Content
from bot.db.unit_of_work import Database
from bot.domain.clock import Clock
from bot.telegram_io.sender import Sender

CONTEXT_KEY = "stretchbot"


class Component(Protocol):
    """Something that runs beside the handlers (reminder dispatcher, routine timers): started after the schema
    is up to date, stopped in reverse order at shutdown."""

    async def start(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None: ...

    async def stop(self) -> None: ...


@dataclass
class AppContext:
    settings: Settings
    content: Content
    db: Database
    clock: Clock
    sender: Sender
    components: list[Component] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)


def app_context(context: CallbackContext[Any, Any, Any, Any]) -> AppContext:
    ctx = context.bot_data[CONTEXT_KEY]
    assert isinstance(ctx, AppContext)
    return ctx
