"""getUpdates as Telegram does it: long polling that wakes on a new update, offset confirmation, filters."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot
from telegram.error import Conflict

from bot.standin import BotApiStandIn, ChatUser


async def test_long_poll_returns_as_soon_as_a_user_writes(bot: Bot, standin: BotApiStandIn) -> None:
    poll = asyncio.create_task(bot.get_updates(timeout=10))
    await asyncio.sleep(0.05)
    assert not poll.done()
    started = time.monotonic()
    await ChatUser(standin, 7).send("/start now")
    updates = await asyncio.wait_for(poll, 3)
    assert time.monotonic() - started < 1.0
    message = updates[0].message
    assert message is not None
    assert message.text == "/start now"
    assert message.entities[0].type == "bot_command"
    assert message.entities[0].length == 6


async def test_long_poll_times_out_empty(bot: Bot) -> None:
    started = time.monotonic()
    assert await bot.get_updates(timeout=1) == ()
    assert 0.9 < time.monotonic() - started < 3


async def test_offset_confirms_earlier_updates_and_limit(bot: Bot, standin: BotApiStandIn) -> None:
    alex = ChatUser(standin, 7)
    for text in ("one", "two", "three"):
        await alex.send(text)
    first = await bot.get_updates(limit=2)
    assert [u.message.text for u in first if u.message] == ["one", "two"]
    again = await bot.get_updates()
    assert len(again) == 3  # nothing confirmed yet
    rest = await bot.get_updates(offset=first[-1].update_id + 1)
    assert [u.message.text for u in rest if u.message] == ["three"]
    assert len(standin.state.updates) == 1
    assert await bot.get_updates(offset=rest[-1].update_id + 1) == ()


async def test_allowed_updates_filter(bot: Bot, standin: BotApiStandIn) -> None:
    alex = ChatUser(standin, 7)
    await alex.send("hi")
    await alex.block()
    updates = await bot.get_updates(allowed_updates=["my_chat_member"])
    assert [u.my_chat_member is not None for u in updates] == [True]


async def test_webhook_blocks_get_updates(bot: Bot) -> None:
    await bot.set_webhook("https://example.invalid/hook")
    with pytest.raises(Conflict, match="webhook is active"):
        await bot.get_updates()


async def test_user_edits_and_media_reach_the_bot(bot: Bot, standin: BotApiStandIn) -> None:
    alex = ChatUser(standin, 7, "Alex", last_name="Lee", username="alexlee")
    sent = await alex.send("typo")
    await alex.edit_message(sent["message_id"], "fixed")
    await alex.send_sticker()
    await alex.send_photo("my mat")
    await alex.send_voice(duration=4)
    updates = await bot.get_updates()
    assert updates[1].edited_message is not None
    assert updates[1].edited_message.text == "fixed"
    assert updates[2].message is not None
    assert updates[2].message.sticker is not None
    assert updates[3].message is not None
    assert updates[3].message.caption == "my mat"
    assert updates[4].message is not None
    assert updates[4].message.voice is not None
    assert updates[4].message.voice.file_id.startswith("USR")
    assert updates[0].message is not None
    assert updates[0].message.chat.username == "alexlee"
