"""Crash safety with a real bot process: SIGKILL at random points, then a restart; and SIGTERM mid fan-out.

The stand-in runs in its own process and outlives every bot process, so its per-chat counters are the truth
about what users received. A SIGKILL runs no shutdown code at all: whatever was sent but not yet recorded is
sent again after the restart (at-least-once); the tests measure how much that is.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import time
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.reminders.dispatcher import RECORD_BATCH
from tests.conftest import TOKEN
from tests.support.processes import (
    BotProcess,
    StandInProcess,
    integrity_check,
    seed_reminder_users,
    sql,
    wait_until,
)

pytestmark = pytest.mark.slow

SEND_CONCURRENCY = 8
FAN_OUT = 10_000
FIRST_ID = 100_000


@pytest.fixture
def database(tmp_path: Path, migrated_sqlite: Path) -> Path:
    path = tmp_path / "bot.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    return path


@pytest.fixture
async def standin_process() -> AsyncIterator[StandInProcess]:
    async with StandInProcess(TOKEN) as standin:
        yield standin


def bot_process(database: Path, standin: StandInProcess, tmp_path: Path, **settings: str) -> BotProcess:
    defaults = {
        "SCHEDULER_TICK_SECONDS": "0.5",
        "BROADCAST_PER_SECOND": "1000",
        "SEND_CONCURRENCY": str(SEND_CONCURRENCY),
    }
    return BotProcess(database, standin.url, TOKEN, tmp_path, **(defaults | settings))


async def sent_per_chat(standin: StandInProcess) -> dict[int, int]:
    stats = await standin.remote.stats()
    return {int(chat): n for chat, n in stats["sent_per_chat"].items()}


def leases_run_out(database: Path) -> None:
    """The dead process's leases expire (two minutes in real life; moved into the past instead of waiting)."""
    past = (datetime.now(UTC) - timedelta(seconds=1)).replace(tzinfo=None).isoformat(sep=" ")
    sql(database, "UPDATE reminder_deliveries SET lease_until = ? WHERE lease_until IS NOT NULL", past)


async def seeded_fan_out(database: Path, standin: StandInProcess, count: int) -> list[int]:
    user_ids = list(range(FIRST_ID, FIRST_ID + count))
    seed_reminder_users(database, user_ids, datetime.now(UTC) - timedelta(minutes=1))
    await standin.remote.add_chats(user_ids)
    return user_ids


async def test_sigkill_during_a_fan_out_of_10000_reminders(
    database: Path, standin_process: StandInProcess, tmp_path: Path
) -> None:
    rng = random.Random()
    seed = rng.randrange(1_000_000)
    rng.seed(seed)
    user_ids = await seeded_fan_out(database, standin_process, FAN_OUT)
    bot = bot_process(database, standin_process, tmp_path)
    kills = []
    try:
        began = time.monotonic()
        for _ in range(2):
            await bot.start()
            target = rng.randrange(500, 9_000) if not kills else rng.randrange(kills[-1] + 200, 9_800)

            async def reached(target: int = target) -> bool:
                return sum((await sent_per_chat(standin_process)).values()) >= target

            await wait_until(reached, 90, interval=0.02)
            bot.kill()
            await bot.wait(10)
            kills.append(sum((await sent_per_chat(standin_process)).values()))
            assert integrity_check(database) == "ok"
            leases_run_out(database)
        await bot.start()

        def recorded() -> bool:
            return sql(database, "SELECT count(*) FROM reminder_deliveries WHERE status = 'sent'")[0][0] == FAN_OUT

        await wait_until(recorded, 90, interval=0.2)
        elapsed = time.monotonic() - began
        bot.terminate()
        assert await bot.wait(30) == 0
    finally:
        await bot.stop()
    assert integrity_check(database) == "ok"
    received = await sent_per_chat(standin_process)
    missing = [uid for uid in user_ids if received.get(uid, 0) == 0]
    assert not missing, f"{len(missing)} users never got their reminder"
    duplicates = sum(n - 1 for n in received.values())
    bound = RECORD_BATCH + SEND_CONCURRENCY - 1
    print(
        f"\nseed {seed}: killed at {kills} sends; {duplicates} duplicate reminders over {len(kills)} kills "
        f"(bound {bound} per kill); {elapsed:.1f}s"
    )
    assert duplicates <= bound * len(kills)
    assert sql(database, "SELECT count(*) FROM reminder_deliveries")[0][0] == FAN_OUT


async def test_sigterm_mid_fan_out_exits_quickly_and_the_next_start_finishes(
    database: Path, standin_process: StandInProcess, tmp_path: Path
) -> None:
    count = 2_000
    user_ids = await seeded_fan_out(database, standin_process, count)
    bot = bot_process(database, standin_process, tmp_path, BROADCAST_PER_SECOND="200")
    try:
        await bot.start()

        async def under_way() -> bool:
            return sum((await sent_per_chat(standin_process)).values()) >= 300

        await wait_until(under_way, 60, interval=0.02)
        bot.terminate()
        began = time.monotonic()
        assert await bot.wait(30) == 0
        stopped_in = time.monotonic() - began
        sent_before = sum((await sent_per_chat(standin_process)).values())
        assert integrity_check(database) == "ok"
        half_claimed = sql(
            database, "SELECT count(*) FROM reminder_deliveries WHERE status = 'pending' AND lease_until IS NOT NULL"
        )[0][0]
        assert half_claimed == 0, "SIGTERM left claimed reminders behind"
        assert sql(database, "SELECT count(*) FROM reminder_deliveries WHERE status = 'sent'")[0][0] == sent_before
        assert sent_before < count, "the fan-out stopped early instead of finishing first"

        bot.env["BROADCAST_PER_SECOND"] = "1000"  # the rest, quickly
        await bot.start()

        def recorded() -> bool:
            return sql(database, "SELECT count(*) FROM reminder_deliveries WHERE status = 'sent'")[0][0] == count

        await wait_until(recorded, 60, interval=0.2)
    finally:
        await bot.stop()
    received = await sent_per_chat(standin_process)
    assert [received.get(uid, 0) for uid in user_ids] == [1] * count, "every user exactly once"
    print(f"\nSIGTERM after {sent_before} of {count} sends: stopped in {stopped_in:.1f}s, no duplicates")


async def test_sigkill_right_after_a_rating_is_acknowledged_keeps_it(
    database: Path, standin_process: StandInProcess, tmp_path: Path
) -> None:
    uid = FIRST_ID
    seed_reminder_users(database, [uid], datetime.now(UTC) + timedelta(hours=12))
    remote = standin_process.remote
    await remote.add_chats([uid])
    # LOG_LEVEL=DEBUG: the heap line below is developer detail, logged at DEBUG.
    bot = bot_process(database, standin_process, tmp_path, LOG_LEVEL="DEBUG")
    typed = [("3", 3.0, "3"), ("6.5", 6.5, "6.5"), ("my back is an 8 today", 8.0, "8")]

    async def acknowledgements() -> list[str]:
        return [m["text"] for m in await remote.messages(uid) if m.get("text", "").startswith("Saved:")]

    try:
        for number, (text, _value, shown) in enumerate(typed, start=1):
            await bot.start()
            await remote.send_text(uid, text)

            async def acknowledged(shown: str = shown) -> bool:
                return any(f"Saved: {shown}/10" in ack for ack in await acknowledgements())

            await wait_until(acknowledged, 20, interval=0.01)
            bot.kill()  # the confirmation reached "Telegram": nothing after it may be needed to keep the rating
            await bot.wait(10)
            assert integrity_check(database) == "ok"
            values = [row[0] for row in sql(database, "SELECT value FROM ratings WHERE user_id = ? ORDER BY id", uid)]
            assert values == [value for _, value, _ in typed[:number]]
        # The last update may not have been confirmed to Telegram before the kill: it comes again, and is not
        # stored twice.
        await bot.start()
        await remote.send_text(uid, "/help")

        async def answered_help() -> bool:
            return any("/progress" in m.get("text", "") for m in await remote.messages(uid))

        await wait_until(answered_help, 20)
    finally:
        await bot.stop()
    assert [row[0] for row in sql(database, "SELECT value FROM ratings WHERE user_id = ?", uid)] == [3.0, 6.5, 8.0]
    # Every start froze start-up's heap (bot/heap.py) before serving, and the bot served as usual after it.
    assert bot.log().count("heap settled after start-up") == bot.starts == len(typed) + 1
    acks = await acknowledgements()
    print(f"\n{len(acks)} confirmations for 3 ratings ({len(acks) - 3} re-sent updates answered again, not stored)")


def button(message: dict[str, Any], label: str) -> str:
    for row in (message.get("reply_markup") or {}).get("inline_keyboard", []):
        for item in row:
            if label in item.get("text", ""):
                return str(item["callback_data"])
    raise AssertionError(f"no button {label!r} on {message.get('text')!r}")


async def test_sigkill_in_the_middle_of_a_routine_and_the_user_goes_on(
    database: Path, standin_process: StandInProcess, tmp_path: Path
) -> None:
    uid = FIRST_ID
    seed_reminder_users(database, [uid], datetime.now(UTC) + timedelta(hours=12))
    remote = standin_process.remote
    await remote.add_chats([uid])
    bot = bot_process(database, standin_process, tmp_path, TIME_SCALE="10")  # a 30 s hold takes 3 s
    kill_after = random.uniform(0.0, 2.5)

    async def message_with(fragment: str, *, after: int = 0) -> dict[str, Any]:
        async def find() -> dict[str, Any] | None:
            found = [m for m in await remote.messages(uid) if fragment in (m.get("text") or m.get("caption") or "")]
            found = [m for m in found if m["message_id"] > after]
            return found[-1] if found else None

        result: dict[str, Any] = await wait_until(find, 20, interval=0.05)
        return result

    async def tap(message: dict[str, Any], label: str) -> None:
        await remote.tap_data(uid, message["message_id"], button(message, label))

    try:
        await bot.start()
        await remote.send_text(uid, "/stretch")
        await tap(await message_with("how stiff is your back right now"), "5")
        # Hands-free (the default): the steps and the first hold start by themselves.
        live = await message_with("Hold – rep 1/3")
        await asyncio.sleep(kill_after)
        bot.kill()
        await bot.wait(10)
        assert integrity_check(database) == "ok"
        [(status, timer_due)] = sql(
            database, "SELECT status, timer_due_at FROM routine_sessions WHERE user_id = ?", uid
        )
        assert status == "active" and timer_due is not None, "the next timer is in the database"

        await bot.start()  # the timer comes back (overdue: at once) and the live message goes on being edited
        later = await message_with("rep 2/3")
        assert later["message_id"] == live["message_id"], "the same live message, edited"
        await tap(later, "Skip")  # and its buttons work
        await tap(await message_with("3/6", after=live["message_id"]), "Stop")
        await message_with("Stopped.")
    finally:
        await bot.stop()
    assert sql(database, "SELECT status FROM routine_sessions WHERE user_id = ?", uid) == [("stopped",)]
    assert sql(database, "SELECT kind, value FROM ratings WHERE user_id = ?", uid) == [("before", 5.0)]
    print(f"\nkilled {kill_after:.2f}s into the first hold; the routine went on after the restart")
