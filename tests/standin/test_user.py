"""ChatUser: tapping buttons (and the errors when it can't), reading messages, waiting for events."""

from __future__ import annotations

import asyncio

import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, ReplyKeyboardMarkup

from bot.standin import BotApiStandIn, Button, ChatUser
from tests.standin.conftest import USER_ID


def kb(*rows: list[tuple[str, str]]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[InlineKeyboardButton(t, callback_data=d) for t, d in row] for row in rows])


async def test_tap_finds_newest_message_with_exact_label(bot: Bot, user: ChatUser) -> None:
    old = await bot.send_message(USER_ID, "Old", reply_markup=kb([("Done", "old")]))
    await bot.send_message(USER_ID, "New", reply_markup=kb([("Done", "new"), ("Skip", "skip")]))
    await user.tap("Done")
    await user.tap("Done", message=old.message_id)  # a stale button on an older message
    updates = await bot.get_updates()
    queries = [u.callback_query for u in updates if u.callback_query]
    assert [q.data for q in queries] == ["new", "old"]
    assert queries[0].message is not None
    assert queries[0].message.text == "New"
    assert user.last_message.buttons == [[Button("Done", "new"), Button("Skip", "skip")]]
    assert user.last_message.button_labels == ["Done", "Skip"]


async def test_tap_substring_match_and_errors_list_buttons(bot: Bot, user: ChatUser) -> None:
    await bot.send_message(USER_ID, "Rate it", reply_markup=kb([("😣 Stiff 7", "r7"), ("🙂 Stiff 3", "r3")]))
    await user.tap("stiff 7")  # unique, case-insensitive substring
    with pytest.raises(AssertionError, match=r"ambiguous.*Stiff 7.*Stiff 3"):
        await user.tap("stiff")
    with pytest.raises(AssertionError, match=r"no button 'Nope'; visible buttons:\n.*\[😣 Stiff 7\] \[🙂 Stiff 3\]"):
        await user.tap("Nope")


async def test_tap_without_any_buttons_says_so(user: ChatUser) -> None:
    with pytest.raises(AssertionError, match="no bot messages with buttons"):
        await user.tap("Anything")


async def test_tap_data_forges_any_payload(bot: Bot, user: ChatUser) -> None:
    sent = await bot.send_message(USER_ID, "x", reply_markup=kb([("A", "a")]))
    query_id = await user.tap_data(sent.message_id, "forged:payload")
    updates = await bot.get_updates()
    assert updates[-1].callback_query is not None
    assert (updates[-1].callback_query.id, updates[-1].callback_query.data) == (query_id, "forged:payload")


async def test_next_message_cursor_sees_sends_and_edits(bot: Bot, user: ChatUser) -> None:
    async def bot_side() -> None:
        sent = await bot.send_message(USER_ID, "Step 1")
        await bot.edit_message_text("Step 1 ✓", chat_id=USER_ID, message_id=sent.message_id)
        await bot.delete_message(USER_ID, sent.message_id)
        await bot.send_message(USER_ID, "Step 2", reply_markup=ReplyKeyboardMarkup([["Ok"]]))

    task = asyncio.create_task(bot_side())
    first = await user.next_message()
    edited = await user.next_message()
    second = await user.next_message()
    await task
    assert (first.text, first.event) == ("Step 1", "sent")
    assert (edited.text, edited.event, edited.edited) == ("Step 1 ✓", "edited", True)
    assert (second.text, second.reply_keyboard) == ("Step 2", [["Ok"]])
    assert [m.deleted for m in user.messages] == [True, False]
    deleted = [e for e in user.events if e.kind == "deleted"]
    assert len(deleted) == 1
    with pytest.raises(AssertionError, match="no matching bot event"):
        await user.next_message(timeout=0.05)


async def test_wait_for_predicate(bot: Bot, user: ChatUser, standin: BotApiStandIn) -> None:
    waiter = asyncio.create_task(user.wait_for(lambda e: "two" in e.message.get("text", ""), timeout=2))
    await bot.send_message(USER_ID, "one")
    await bot.send_message(USER_ID, "two")
    event = await waiter
    assert event.kind == "sent"
    assert event.message["text"] == "two"


async def test_user_who_never_wrote_has_no_messages(standin: BotApiStandIn) -> None:
    quiet = ChatUser(standin, 3003)
    assert quiet.messages == []
    with pytest.raises(AssertionError, match="has sent no message"):
        _ = quiet.last_message
