"""Invites: the coach's /invite (a deep link; their open invites with a button to withdraw each), and the client's
side of a link: /start with an invite payload shows who invites them and what will be shared, and their answer
(buttons, or a typed yes / no) starts the link or not. Nothing is shared before they agree."""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import Application, CallbackQueryHandler, CommandHandler
from telegram.helpers import create_deep_linked_url

from bot.context import BotContext
from bot.domain.coaching import is_invite_payload
from bot.domain.plain_words import command_word
from bot.domain.typed_answers import yes_or_no
from bot.handlers import onboarding
from bot.handlers.coaching_common import first_name, tell
from bot.handlers.routing import callback_pattern, parsed_callback
from bot.services.coaching import invites
from bot.ui.callbacks_coaching import ConsentAnswer, RevokeInvite
from bot.ui.message import Reply
from bot.views import coaching as views
from bot.views import common as common_views
from bot.views import onboarding as onboarding_views


async def on_start_payload(update: Update, context: BotContext) -> None:
    """/start <payload>: an invite link opens the consent question; any other payload is a plain /start."""
    payload = (context.args or [""])[0]
    if not is_invite_payload(payload):
        await onboarding.on_start(update, context)
        return
    scope = await context.scope()
    async with context.app.db.unit_of_work() as uow:
        result = await invites.open_link(uow, scope.user_id, payload, scope.now)
    await context.reply(views.opened(scope.content, result))


async def on_consent(update: Update, context: BotContext) -> None:
    """Agree / No under the consent question."""
    scope = await context.scope()
    _query, data = parsed_callback(update, ConsentAnswer)
    if data is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    await _answer(update, context, data.invite_id, data.agree, tapped=True)


async def _answer(update: Update, context: BotContext, invite_id: int, agree: bool, *, tapped: bool) -> None:
    app = context.app
    scope = await context.scope()
    content = scope.content
    if not agree:
        async with app.db.unit_of_work() as uow:
            declined = await invites.decline(uow, scope.user_id, invite_id, scope.now)
        if declined is None:
            await context.reply(common_views.stale_button(content))
            return
        await context.reply(Reply(clear_buttons=tapped, messages=(views.declined(content),)))
        coach_id, label = declined
        await tell(app, coach_id, views.told(await app.content_of_user(coach_id), "told_declined", client=label))
        return
    async with app.db.unit_of_work() as uow:
        agreed = await invites.agree(uow, scope, invite_id, first_name(update), content.coach.default_snooze_minutes)
    if agreed is None:
        await context.reply(common_views.stale_button(content))
        return
    context.forget_scope()
    await context.reply(
        Reply(clear_buttons=tapped, messages=(views.agreed(content, agreed.coach_name, again=agreed.again),))
    )
    if agreed.setup is not None:
        scope = await context.scope()
        await context.reply(onboarding_views.start(scope, agreed.setup, first_name(update) or ""))
    if not agreed.again:
        coach_content = await app.content_of_user(agreed.coach_id)
        await tell(app, agreed.coach_id, views.told(coach_content, "told_agreed", client=agreed.client_label))


async def consume_text(context: BotContext) -> bool:
    """A typed yes / no right after opening an invite link ("stop" declines too; "help" and the other command
    words do what they say); anything else gets the hint (nothing changes)."""
    scope = await context.scope()
    async with context.app.db.unit_of_work(read_only=True) as uow:
        invite_id = await invites.pending(uow, scope.user_id, scope.now)
        coach = await invites.coach_name_of_invite(uow, invite_id) if invite_id is not None else None
    if invite_id is None:
        return False
    answer = yes_or_no(context.text)
    word = command_word(context.text)
    if answer is None and word == "stop":
        answer = False
    elif answer is None and word is not None:
        return False
    if answer is None:
        await context.reply(views.consent_hint(scope.content, coach))
        return True
    assert context.incoming is not None
    await _answer(context.incoming, context, invite_id, answer, tapped=False)
    return True


async def on_invite(update: Update, context: BotContext) -> None:
    """/invite [name]: a new single-use deep link for a client (named, if a name follows), and the open invites."""
    app = context.app
    scope = await context.scope()
    label = " ".join(context.args or []) or None
    async with app.db.unit_of_work() as uow:
        invite = await invites.create(
            uow, app.settings.admin_user_ids, scope.user_id, first_name(update), label, scope.now,
            scope.content.coach.coaching.invite_days,
        )  # fmt: skip
        lines = await invites.open_invites(uow, app.settings.admin_user_ids, scope.user_id, scope.now)
    if invite is None:
        await context.reply(views.not_coach(scope.content))
        return
    link = create_deep_linked_url(context.bot.username, invite.payload)
    shown = [views.invite_made(scope.content, invite, link, scope.zone)]
    listing = views.open_invites(scope.content, lines or [], scope.zone)
    await context.reply(Reply.of(*shown, *([listing] if listing is not None else [])))


async def on_revoke(update: Update, context: BotContext) -> None:
    """A "Withdraw" button under the open invites."""
    scope = await context.scope()
    _query, data = parsed_callback(update, RevokeInvite)
    done = None
    if data is not None:
        async with context.app.db.unit_of_work() as uow:
            done = await invites.revoke(uow, scope.user_id, data.invite_id, scope.now)
            label = await invites.label_of(uow, data.invite_id) if done else None
    if not done or data is None:
        await context.reply(common_views.stale_button(scope.content))
        return
    await context.reply(views.revoked(scope.content, label, data.invite_id))


def register(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    # Before onboarding's /start: a /start with a payload comes here first.
    application.add_handler(CommandHandler("start", on_start_payload, has_args=True))
    application.add_handler(CommandHandler("invite", on_invite))
    application.add_handler(CallbackQueryHandler(on_consent, pattern=callback_pattern(ConsentAnswer)))
    application.add_handler(CallbackQueryHandler(on_revoke, pattern=callback_pattern(RevokeInvite)))
