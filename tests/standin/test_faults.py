"""Fault injection and rate-limit mode, seen through PTB's exceptions and the stand-in's records."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest
from telegram import Bot
from telegram.error import Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import AIORateLimiter, ExtBot

from bot.standin import BotApiStandIn, ChatUser, RateLimit
from bot.standin.stats import Stats
from tests.standin.conftest import TOKEN, USER_ID, make_bot

# PTB itself warns about its own retry_after type change when it reads a 429.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


async def test_retry_after_fault_and_early_retry_is_recorded(bot: Bot, user: ChatUser, standin: BotApiStandIn) -> None:
    standin.faults.add(method="sendMessage", kind="retry_after", retry_after=3)
    with pytest.raises(RetryAfter) as info:
        await bot.send_message(USER_ID, "first")
    assert "Retry in 3" in str(info.value)
    assert standin.stats.early_requests == []
    with pytest.raises(RetryAfter):  # a client that ignores retry_after: answered 429 again, and recorded
        await bot.send_message(USER_ID, "too soon")
    assert [r.method for r in standin.stats.early_requests] == ["sendMessage"]
    assert standin.stats.status_counts[429] == 2
    assert user.messages == []


async def test_client_that_waits_out_retry_after_is_not_early(user: ChatUser, standin: BotApiStandIn) -> None:
    standin.faults.add(method="sendMessage", kind="retry_after", retry_after=1)
    limited = ExtBot(TOKEN, base_url=standin.api_url, rate_limiter=AIORateLimiter(max_retries=1))
    async with limited:
        sent = await limited.send_message(USER_ID, "patient")
    assert sent.text == "patient"
    assert standin.stats.early_requests == []
    assert [r.status for r in standin.calls("sendMessage")] == [429, 200]


async def test_server_error_fault_expires_after_times(bot: Bot, user: ChatUser, standin: BotApiStandIn) -> None:
    fault = standin.faults.add(method="sendMessage", kind="server_error", times=2)
    for _ in range(2):
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(USER_ID, "x")
    assert fault.remaining == 0
    assert (await bot.send_message(USER_ID, "now it works")).text == "now it works"
    assert standin.stats.status_counts[502] == 2


async def test_fault_matches_chat_id(bot: Bot, user: ChatUser, standin: BotApiStandIn) -> None:
    await ChatUser(standin, 2002).send("/start")
    standin.faults.add(method="sendMessage", kind="blocked", chat_id=2002)
    assert (await bot.send_message(USER_ID, "fine")).text == "fine"
    with pytest.raises(Forbidden, match="blocked"):
        await bot.send_message(2002, "nope")


async def test_fault_on_any_method_after_n_successful_calls(user: ChatUser, standin: BotApiStandIn) -> None:
    async with make_bot(standin) as bot:  # (initialising calls getMe)
        fault = standin.faults.add(method=None, kind="server_error", after=2)
        await bot.send_message(USER_ID, "one")
        await bot.get_me()
        with pytest.raises(NetworkError, match="Bad Gateway"):
            await bot.send_message(USER_ID, "third call fails")
        await bot.send_message(USER_ID, "then it works again")
    assert (fault.passed, fault.hits, fault.remaining) == (2, 1, 0)
    assert [m.text for m in user.messages] == ["one", "then it works again"]
    with pytest.raises(ValueError, match="after"):
        standin.faults.add(method=None, kind="timeout", after=-1)


@pytest.mark.parametrize("kind", ["httpx", "aiohttp"])
async def test_timeout_with_apply_delivers_but_client_times_out(
    kind: str, user: ChatUser, standin: BotApiStandIn
) -> None:
    standin.faults.add(method="sendMessage", kind="timeout", delay=2.0, apply=True)
    async with make_bot(standin, kind, read_timeout=0.3) as slow:
        with pytest.raises(TimedOut):
            await slow.send_message(USER_ID, "went through")
    assert user.last_message.text == "went through"
    assert standin.stats.sent_per_chat[USER_ID] == 1


async def test_timeout_without_apply_sends_nothing(user: ChatUser, standin: BotApiStandIn) -> None:
    standin.faults.add(method="sendMessage", kind="timeout", delay=2.0)
    async with make_bot(standin, "aiohttp", read_timeout=0.3) as slow:
        with pytest.raises(TimedOut):
            await slow.send_message(USER_ID, "lost")
    assert user.messages == []


@pytest.fixture
async def limited_standin() -> AsyncIterator[BotApiStandIn]:
    server = BotApiStandIn(TOKEN, rate_limit=RateLimit(global_per_second=3, per_chat_per_second=1))
    await server.start()
    yield server
    await server.stop()


async def test_rate_limit_mode_gives_429_beyond_one_per_second_per_chat(
    limited_standin: BotApiStandIn,
) -> None:
    users = [ChatUser(limited_standin, uid) for uid in (11, 12, 13, 14)]
    for person in users:
        await person.send("/start")
    async with make_bot(limited_standin) as bot:
        await bot.send_message(11, "one")
        with pytest.raises(RetryAfter):
            await bot.send_message(11, "two")
        await bot.send_message(12, "other chat is fine")
        await bot.send_message(13, "third chat is fine")
        with pytest.raises(RetryAfter):  # global cap of 3/s reached
            await bot.send_message(14, "fourth chat")
    stats = limited_standin.stats
    assert stats.status_counts[429] == 2
    assert stats.sent_per_chat == {11: 1, 12: 1, 13: 1}
    assert all(r.params.get("chat_id") in (11, 14) for r in limited_standin.requests if r.status == 429)


async def test_the_smallest_gap_between_new_messages_is_kept_per_chat(
    bot: Bot, user: ChatUser, standin: BotApiStandIn
) -> None:
    for text in ("one", "two", "three"):
        await bot.send_message(USER_ID, text)
    sent = [call.time for call in standin.calls("sendMessage") if call.chat_id == USER_ID]
    gaps = [later - earlier for earlier, later in itertools.pairwise(sent)]
    assert standin.stats.smallest_gap_per_chat == {USER_ID: min(gaps)}
    assert standin.stats.as_json()["smallest_gap_per_chat"] == {str(USER_ID): min(gaps)}


def test_the_smallest_gap_follows_the_arrival_times() -> None:
    stats = Stats()
    for arrived in (10.0, 11.5, 12.2, 14.0):
        stats.new_message(7, arrived)
    stats.new_message(8, 10.0)
    assert stats.smallest_gap_per_chat == {7: pytest.approx(0.7)}
    assert stats.sent_per_chat == {7: 4, 8: 1}
