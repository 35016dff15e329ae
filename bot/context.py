"""The application's typed context: `AppContext` (what every handler and job needs, built once by
`build_application`) and `BotContext` (PTB's per-update `CallbackContext`, extended with typed access to it).

Handlers are declared as `async def on_x(update: Update, context: BotContext) -> None` and use `context.app`
(the `AppContext`), `await context.scope()` (the user's `UserScope`, resolved once per update) and
`await context.reply(...)` (show a view's result in the update's chat, answering a tapped button).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

from telegram import Update
from telegram.ext import Application, CallbackContext, ExtBot

from bot.config import Settings
from bot.content.loader import Content
from bot.db.unit_of_work import Database
from bot.domain.clock import Clock
from bot.domain.languages import supported_language
from bot.services.user_scope import UserScope, load_scope
from bot.telegram_io.reachability import TelegramReachability
from bot.telegram_io.sender import ReplyTarget, Sender
from bot.ui.message import OutgoingMessage, Reply

if TYPE_CHECKING:
    from bot.backup.scheduled import ScheduledBackup
    from bot.charts.pool import RenderPool
    from bot.health.database_watcher import DatabaseWatcher
    from bot.health.errors import ErrorReporter
    from bot.health.http import HealthEndpoints
    from bot.health.metrics import Metrics
    from bot.health.server import HealthServer
    from bot.reminders.digest import CoachDigest
    from bot.reminders.dispatcher import ReminderDispatcher
    from bot.reminders.prompts import OutcomePrompter
    from bot.routine.runtime import RoutineRuntime

APP_KEY = "stretchbot"
AnyApplication = Application[Any, Any, Any, Any, Any, Any]


class Component(Protocol):
    """Something that runs beside the handlers (reminder dispatcher, routine runtime): started after the schema
    is up to date, stopped in reverse order at shutdown."""

    async def start(self, application: AnyApplication) -> None: ...

    async def stop(self) -> None: ...


@dataclass(frozen=True, slots=True)
class StartUp:
    """What `post_init` does: bring the schema up to date, start the components (tests and the preview may not)."""

    migrate: bool = True
    start_components: bool = True


@dataclass
class AppContext:
    settings: Settings
    content: Content
    db: Database
    clock: Clock
    sender: Sender
    startup: StartUp = field(default_factory=StartUp)
    # Set by `build_application` right after this context is made (they take it as their environment).
    reachability: TelegramReachability = field(init=False)
    watcher: DatabaseWatcher = field(init=False)
    dispatcher: ReminderDispatcher = field(init=False)
    routine: RoutineRuntime = field(init=False)
    backup: ScheduledBackup = field(init=False)
    prompter: OutcomePrompter = field(init=False)
    digest: CoachDigest = field(init=False)
    renders: RenderPool = field(init=False)  # charts and reports, drawn in worker processes
    metrics: Metrics = field(init=False)
    errors: ErrorReporter = field(init=False)
    health: HealthEndpoints = field(init=False)
    health_server: HealthServer | None = field(init=False, default=None)

    @property
    def components(self) -> list[Component]:
        """Started in this order after the schema is up to date, stopped in reverse."""
        served = [self.health_server] if self.health_server is not None else []
        return [
            self.watcher,
            self.renders,
            self.dispatcher,
            self.prompter,
            self.digest,
            self.routine,
            self.backup,
            self.errors,
            *served,
        ]

    def content_for(self, language: str | None) -> Content:
        """The content to speak in `language` (a user's stored language; English for an unknown one)."""
        return self.content.for_language(language)

    async def content_of_user(self, user_id: int) -> Content:
        """The content to speak to `user_id` in (their stored language; English for someone the bot does not know),
        for a message to someone other than the update's user (a coach told about a client, and the other way)."""
        async with self.db.unit_of_work(read_only=True) as uow:
            language = await uow.users.language_of(user_id)
        return self.content_for(language)

    def content_without_query(self, update: object) -> Content:
        """The content to answer an update in without reading the database (errors, "slow down"): the language
        Telegram says the user's app is in, when the bot speaks it."""
        user = update.effective_user if isinstance(update, Update) else None
        code = user.language_code if user is not None else None
        return self.content.for_language(supported_language(code, self.content.language_names()))

    async def scope_for(self, user_id: int, chat_id: int | None = None, language_code: str | None = None) -> UserScope:
        """The user's scope now, read from the database (for jobs and for handlers through `BotContext`);
        `language_code` is Telegram's, used for a user the bot does not know yet."""
        async with self.db.unit_of_work(read_only=True) as uow:
            return await load_scope(
                uow,
                user_id=user_id,
                chat_id=chat_id if chat_id is not None else user_id,
                content=self.content,
                now=self.clock.now(),
                default_timezone=self.settings.default_timezone,
                language_code=language_code,
            )


def app_context_of(application: AnyApplication) -> AppContext:
    """The `AppContext` of an application made by `build_application` (for tests, the preview, the bench)."""
    ctx = application.bot_data[APP_KEY]
    assert isinstance(ctx, AppContext)
    return ctx


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], dict[Any, Any]]):
    """The context of one update (or job): `app`, the update's `scope()`, and `reply()` into its chat."""

    def __init__(self, application: AnyApplication, chat_id: int | None = None, user_id: int | None = None) -> None:
        super().__init__(application, chat_id=chat_id, user_id=user_id)
        self.incoming: Update | None = None
        self._scope: UserScope | None = None

    @classmethod
    def from_update(cls, update: object, application: AnyApplication) -> BotContext:
        context = super().from_update(update, application)
        assert isinstance(context, BotContext)
        if isinstance(update, Update):
            context.incoming = update
        return context

    @property
    def app(self) -> AppContext:
        return app_context_of(self.application)

    async def understood(self) -> str:
        """The update's text as the parsers read it: words of the user's language put in English ("sieben" -> 7,
        "fertig" -> done; see `bot.domain.understanding`). Quote `text`, not this, back to the user."""
        return (await self.scope()).content.understanding.translate(self.text)

    @property
    def text(self) -> str:
        """The text of the update's message, or the caption of a photo or other media ("" for none)."""
        message = self.incoming.effective_message if self.incoming is not None else None
        return (message.text or message.caption or "") if message is not None else ""

    def _ids(self) -> tuple[int, int]:
        update = self.incoming
        if update is None or update.effective_user is None:
            raise RuntimeError("this update has no user")
        chat = update.effective_chat
        return update.effective_user.id, chat.id if chat is not None else update.effective_user.id

    async def scope(self) -> UserScope:
        """The scope of the update's user: read once, then the same for the rest of the update."""
        if self._scope is None:
            user_id, chat_id = self._ids()
            user = self.incoming.effective_user if self.incoming is not None else None
            language = user.language_code if user is not None else None
            self._scope = await self.app.scope_for(user_id, chat_id, language)
        return self._scope

    def forget_scope(self) -> None:
        """The user's settings changed in this update: the next `scope()` reads them again."""
        self._scope = None

    def target(self) -> ReplyTarget:
        """Where replies to this update go: its chat (and the tapped button's query and message)."""
        update = self.incoming
        if update is None or update.effective_chat is None:
            raise RuntimeError("this update has no chat")
        query = update.callback_query
        if query is None:
            return ReplyTarget(update.effective_chat.id)
        message = query.message
        return ReplyTarget(update.effective_chat.id, query.id, message.message_id if message is not None else None)

    async def reply_on(self, message_id: int | None, reply: Reply) -> list[int]:
        """Show `reply` with an earlier message of the bot as the one it replaces or takes the buttons off
        (a typed answer to the question that message asked); its new messages go to the update's chat."""
        target = self.target()
        return await self.app.sender.deliver(ReplyTarget(target.chat_id, None, message_id), reply)

    async def reply(self, reply: Reply | OutgoingMessage) -> list[int]:
        """Show a view's result in the update's chat (see `Reply`); the ids of the messages sent."""
        shown = Reply.of(reply) if isinstance(reply, OutgoingMessage) else reply
        return await self.app.sender.deliver(self.target(), shown)
