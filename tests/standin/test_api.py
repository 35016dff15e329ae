"""The stand-in driven by the real PTB Bot over HTTP: methods, Message JSON, Telegram's error strings."""

from __future__ import annotations

import aiohttp
import pytest
from telegram import Bot, BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, MenuButtonCommands
from telegram.constants import ChatAction
from telegram.error import BadRequest, Forbidden, InvalidToken

from bot.standin import BOT_ID, BotApiStandIn, ChatUser
from tests.standin.conftest import TOKEN, USER_ID


def keyboard(*pairs: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(text, callback_data=data)] for text, data in pairs])


async def test_get_me_is_the_bot_identity(bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.is_bot, me.first_name, me.username) == (
        BOT_ID,
        True,
        "Stretchbot",
        "stretchbot_local_bot",
    )


async def test_send_edit_delete_round_trip(bot: Bot, user: ChatUser, standin: BotApiStandIn) -> None:
    sent = await bot.send_message(USER_ID, "Ready?", reply_markup=keyboard(("Yes", "y"), ("No", "n")))
    assert sent.message_id == 2  # the user's /start was message 1 in this chat
    assert sent.from_user is not None
    assert sent.from_user.id == BOT_ID
    assert sent.chat.type == "private"
    assert sent.chat.first_name == "Alex"
    assert sent.reply_markup == keyboard(("Yes", "y"), ("No", "n"))

    edited = await bot.edit_message_text("Ready now?", chat_id=USER_ID, message_id=sent.message_id)
    assert edited.text == "Ready now?"
    assert edited.edit_date is not None
    assert edited.reply_markup is None  # editing text without a markup drops the keyboard, as in Telegram

    again = await bot.edit_message_reply_markup(USER_ID, sent.message_id, reply_markup=keyboard(("Go", "go")))
    assert again.reply_markup == keyboard(("Go", "go"))

    assert await bot.delete_message(USER_ID, sent.message_id) is True
    assert [m.deleted for m in user.messages] == [True]
    assert standin.stats.sent_per_chat[USER_ID] == 1
    assert standin.stats.calls_per_method["editMessageText"] == 1


async def test_html_parse_mode_gives_entities(bot: Bot, user: ChatUser) -> None:
    sent = await bot.send_message(USER_ID, "<b>Bold</b> and <i>it</i>", parse_mode="HTML")
    assert sent.text == "Bold and it"
    assert [(e.type, e.offset, e.length) for e in sent.entities] == [("bold", 0, 4), ("italic", 9, 2)]
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_message(USER_ID, "<b>unclosed", parse_mode="HTML")


@pytest.mark.parametrize(
    ("call", "exc", "message"),
    [
        ("edit_missing", BadRequest, "Message to edit not found"),
        ("not_modified", BadRequest, "Message is not modified"),
        ("long_data", BadRequest, "Button_data_invalid"),
        ("empty_data", BadRequest, "Button_data_invalid"),
        ("empty_text", BadRequest, "Message text is empty"),
        ("long_text", BadRequest, "Message is too long"),
        ("unknown_chat", BadRequest, "Chat not found"),
        ("old_query", BadRequest, "Query is too old and response timeout expired or query id is invalid"),
        ("delete_missing", BadRequest, "Message to delete not found"),
    ],
)
async def test_telegram_errors(bot: Bot, user: ChatUser, call: str, exc: type[Exception], message: str) -> None:
    sent = await bot.send_message(USER_ID, "hello")
    calls = {
        "edit_missing": lambda: bot.edit_message_text("x", chat_id=USER_ID, message_id=999),
        "not_modified": lambda: bot.edit_message_text("hello", chat_id=USER_ID, message_id=sent.message_id),
        "long_data": lambda: bot.send_message(USER_ID, "x", reply_markup=keyboard(("A", "é" * 33))),
        "empty_data": lambda: bot.send_message(USER_ID, "x", reply_markup=keyboard(("A", ""))),
        "empty_text": lambda: bot.send_message(USER_ID, "   "),
        "long_text": lambda: bot.send_message(USER_ID, "x" * 4097),
        "unknown_chat": lambda: bot.send_message(424242, "hello"),
        "old_query": lambda: bot.answer_callback_query("no-such-query"),
        "delete_missing": lambda: bot.delete_message(USER_ID, 999),
    }
    with pytest.raises(exc) as info:
        await calls[call]()
    assert str(info.value).startswith(message)


async def test_callback_data_of_exactly_64_bytes_is_fine(bot: Bot, user: ChatUser) -> None:
    sent = await bot.send_message(USER_ID, "x", reply_markup=keyboard(("A", "é" * 32)))
    assert sent.reply_markup is not None


async def test_blocked_user_gives_403(bot: Bot, user: ChatUser) -> None:
    await user.block()
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(USER_ID, "hello?")
    await user.unblock()
    assert (await bot.send_message(USER_ID, "welcome back")).text == "welcome back"
    kinds = [u.my_chat_member.new_chat_member.status for u in await bot.get_updates() if u.my_chat_member]
    assert kinds == ["kicked", "member"]


async def test_answered_query_cannot_be_answered_twice(bot: Bot, user: ChatUser) -> None:
    sent = await bot.send_message(USER_ID, "Pick", reply_markup=keyboard(("One", "1")))
    query_id = await user.tap("One", message=sent.to_dict())
    assert await bot.answer_callback_query(query_id, text="Got it", show_alert=True)
    assert (await user.answer_to(query_id)).text == "Got it"
    assert user.answers[0].show_alert is True
    with pytest.raises(BadRequest, match="Query is too old"):
        await bot.answer_callback_query(query_id)


async def test_commands_chat_action_menu_button(bot: Bot, user: ChatUser, standin: BotApiStandIn) -> None:
    assert await bot.set_my_commands([BotCommand("start", "Start"), BotCommand("stretch", "Today's stretch")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "stretch"]
    assert await bot.delete_my_commands()
    assert await bot.get_my_commands() == ()
    assert await bot.send_chat_action(USER_ID, ChatAction.TYPING)
    assert standin.chat(USER_ID).actions == ["typing"]
    assert await bot.set_chat_menu_button(USER_ID, MenuButtonCommands())
    assert await bot.get_chat_menu_button(USER_ID) == MenuButtonCommands()
    assert await bot.set_webhook("https://example.invalid/hook")
    assert (await bot.get_webhook_info()).url == "https://example.invalid/hook"
    assert await bot.delete_webhook()
    assert await bot.log_out()
    assert await bot.close()


async def test_wrong_token_and_unknown_method(standin: BotApiStandIn) -> None:
    with pytest.raises(InvalidToken):
        await Bot("999:other", base_url=standin.api_url).get_me()
    async with aiohttp.ClientSession() as http:
        async with http.post(f"{standin.url}/bot{TOKEN}/noSuchMethod") as response:
            assert response.status == 404
            assert await response.json() == {"ok": False, "error_code": 404, "description": "Not Found"}
        async with http.post(f"{standin.url}/bot999:other/getMe") as response:
            assert response.status == 401
            assert (await response.json())["description"] == "Unauthorized"
        async with http.get(f"{standin.url}/bot{TOKEN}/GETME") as response:  # names are case-insensitive
            assert (await response.json())["result"]["id"] == BOT_ID
        body = {"chat_id": USER_ID, "text": "via json"}
        await ChatUser(standin, USER_ID).send("/start")
        async with http.post(f"{standin.url}/bot{TOKEN}/sendMessage", json=body) as response:
            assert (await response.json())["result"]["text"] == "via json"
    assert standin.requests[-1].params == {"chat_id": USER_ID, "text": "via json"}
