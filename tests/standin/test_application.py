"""The whole PTB stack (Application, Updater polling, handlers) against the stand-in."""

from __future__ import annotations

import pytest
from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from bot.standin import BotApiStandIn, ChatUser
from bot.telegram_io.aiohttp_request import AiohttpRequest
from tests.standin.conftest import TOKEN


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    assert update.effective_message is not None
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Stretch now", callback_data="stretch")]])
    await update.effective_message.reply_text("Hi! Ready for today's hip stretch?", reply_markup=markup)


async def tapped(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    query = update.callback_query
    assert query is not None
    await query.answer("Let's go")
    await query.edit_message_text("Great — 60 seconds, each side.")


@pytest.mark.parametrize("transport", ["httpx", "aiohttp"])
async def test_application_polling_replies_to_start(transport: str, standin: BotApiStandIn) -> None:
    builder = ApplicationBuilder().token(TOKEN).base_url(standin.api_url).base_file_url(standin.file_url)
    if transport == "aiohttp":
        builder = builder.request(AiohttpRequest()).get_updates_request(AiohttpRequest())
    application = builder.build()
    application.add_handler(CommandHandler("start", start))
    application.add_handler(CallbackQueryHandler(tapped))
    alex = ChatUser(standin, 555, "Alex")
    async with application:
        await application.start()
        assert application.updater is not None
        await application.updater.start_polling(poll_interval=0, timeout=5)
        try:
            await alex.send("/start")
            reply = await alex.next_message()
            assert reply.text == "Hi! Ready for today's hip stretch?"
            assert reply.button_labels == ["Stretch now"]
            query_id = await alex.tap("Stretch now")
            assert (await alex.answer_to(query_id)).text == "Let's go"
            edited = await alex.next_message()
            assert edited.text == "Great — 60 seconds, each side."
            assert edited.edited
        finally:
            await application.updater.stop()
            await application.stop()
    assert standin.stats.calls_per_method["getUpdates"] >= 2
