"""Helpers shared by end-to-end tests: onboarding a user, reading the database, running the dispatcher."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select, text
from telegram.ext import Application

from bot.context import AppContext, app_context_of
from bot.db.models import Base
from bot.reminders.dispatcher import ReminderDispatcher
from bot.standin import ChatUser
from bot.standin.user import BotMessage

AnyApp = Application[Any, Any, Any, Any, Any, Any]


def ctx_of(app: AnyApp) -> AppContext:
    return app_context_of(app)


def dispatcher_of(app: AnyApp) -> ReminderDispatcher:
    return ctx_of(app).dispatcher


async def read_until(user: ChatUser, fragment: str) -> BotMessage:
    """The bot's next message (or edit) that contains `fragment`, skipping others."""
    while True:
        message = await user.next_message()
        if fragment in (message.text or message.caption or ""):
            return message


async def onboard(user: ChatUser, time_label: str = "07:30", zone: str = "Berlin") -> None:
    """Complete /start with a preset time button (or typed time) and a timezone button (or typed zone)."""
    await user.send("/start")
    await read_until(user, "What time")
    if any(time_label == label for label in user.last_message.button_labels):
        await user.tap(time_label)
    else:
        await user.send(time_label)
    await read_until(user, "Which timezone")
    if any(zone == label for label in user.last_message.button_labels):
        await user.tap(zone)
    else:
        await user.send(zone)
    await read_until(user, "All set")


async def rows(app: AnyApp, model: type[Base], **where: Any) -> list[Any]:
    async with ctx_of(app).db.unit_of_work(read_only=True) as uow:
        statement = select(model)
        for name, value in where.items():
            statement = statement.where(getattr(model, name) == value)
        return list((await uow.session.execute(statement)).scalars())


async def break_rating_inserts(app: AnyApp) -> None:
    """Every INSERT into ratings fails inside the database from now on."""
    async with ctx_of(app).db.unit_of_work() as uow:
        if ctx_of(app).db.is_sqlite:
            await uow.session.execute(text("CREATE TABLE gone (x)"))
            await uow.session.execute(
                text("CREATE TRIGGER break_ratings BEFORE INSERT ON ratings BEGIN INSERT INTO gone VALUES (1); END")
            )
            await uow.session.execute(text("DROP TABLE gone"))
        else:
            await uow.session.execute(
                text(
                    "CREATE FUNCTION break_ratings() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'broken'; END $$ "
                    "LANGUAGE plpgsql"
                )
            )
            await uow.session.execute(
                text(
                    "CREATE TRIGGER break_ratings BEFORE INSERT ON ratings FOR EACH ROW EXECUTE FUNCTION break_ratings()"
                )
            )
