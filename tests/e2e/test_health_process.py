"""`/healthz`, `/readyz` and `/metrics` of a real `stretchbot run` (polling, `HEALTH_PORT`) against the stand-in in a
process of its own.

- A reminder fan-out to 120 users, paced by Telegram's flood control (the stand-in's 30/s), with 3 users who
  blocked the bot, 2 chats Telegram does not know (400) and one 429 from flood control: `/metrics` is scraped
  while it runs (never ahead of what the stand-in received, never behind it by more than the sends in flight) and
  at the end each counter equals what the stand-in saw.
- Telegram goes away: `/readyz` turns 503 and says "telegram"; back: 200 again.
- `LOG_FORMAT=json`: every line of the process's output is one JSON object, the start-up line names the bot's
  @username, the mode and the database, and the token appears nowhere.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import TOKEN
from tests.support.processes import BotProcess, StandInProcess, seed_reminder_users, sql, wait_until

pytestmark = [pytest.mark.slow, pytest.mark.sqlite_only, pytest.mark.timeout(180)]

FIRST_ID = 700_000
DELIVERED = 115  # chats the stand-in knows that have not blocked the bot
BLOCKED = 3
UNKNOWN = 2  # no such chat at Telegram: 400, recorded as failed
USERS = DELIVERED + BLOCKED + UNKNOWN
SEND_CONCURRENCY = 4


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def database(tmp_path: Path, migrated_sqlite: Path) -> Path:
    path = tmp_path / "bot.sqlite3"
    shutil.copyfile(migrated_sqlite, path)
    return path


def samples(exposition: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    """Every sample of a /metrics answer: (name, sorted labels) -> value."""
    found = {}
    for family in text_string_to_metric_families(exposition):
        for sample in family.samples:
            found[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return found


def value(found: dict[tuple[str, tuple[tuple[str, str], ...]], float], name: str, **labels: str) -> float:
    return found.get((name, tuple(sorted(labels.items()))), 0.0)


class Health:
    def __init__(self, port: int) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=15))

    async def get(self, path: str) -> tuple[int, str]:
        async with self.session.get(self.base + path) as response:
            return response.status, await response.text()

    async def metrics(self) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
        status, body = await self.get("/metrics")
        assert status == 200
        assert TOKEN not in body and TOKEN.split(":")[1] not in body
        return samples(body)


async def test_metrics_during_a_reminder_fan_out_match_what_telegram_received(database: Path, tmp_path: Path) -> None:
    user_ids = list(range(FIRST_ID, FIRST_ID + USERS))
    known = user_ids[: DELIVERED + BLOCKED]
    blocked = user_ids[DELIVERED : DELIVERED + BLOCKED]
    seed_reminder_users(database, user_ids, datetime.now(UTC) + timedelta(hours=6))
    port = free_port()
    async with StandInProcess(TOKEN, chats=known, rate_limit=True) as telegram:
        for uid in blocked:  # blocked the bot without it hearing of it: their reminder gets a 403
            await telegram.remote.add_fault("sendMessage", "blocked", times=1, chat_id=uid)
        bot = BotProcess(
            database, telegram.url, TOKEN, tmp_path,
            HEALTH_PORT=str(port), SCHEDULER_TICK_SECONDS="0.5", SEND_CONCURRENCY=str(SEND_CONCURRENCY),
            BROADCAST_PER_SECOND="29", SEND_RETRY_SECONDS="0.3", SEND_RETRY_MAX_SECONDS="1",
        )  # fmt: skip
        health = Health(port)
        try:
            await bot.start()
            assert (await health.get("/healthz"))[0] == 200
            status, body = await health.get("/readyz")
            assert status == 200, body
            assert json.loads(body) == {
                "ready": True,
                "checks": {"database": "ok", "scheduler": "ok", "telegram": "ok"},
            }
            # One 429 from flood control in the middle of the fan-out (retry_after 1 s).
            await telegram.remote.add_fault("sendMessage", "retry_after", times=1, retry_after=1, after=30)
            now = datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" ")
            sql(database, "UPDATE reminder_slots SET next_due_at = ? WHERE user_id >= ?", now, FIRST_ID)

            mid_scrapes = 0
            deadline = asyncio.get_running_loop().time() + 60
            while True:
                before = await telegram.remote.stats()
                found = await health.metrics()
                after = await telegram.remote.stats()
                sent = value(found, "stretchbot_reminders_sent_total")
                received_before = sum(before["sent_per_chat"].values())
                received_after = sum(after["sent_per_chat"].values())
                # Counted once Telegram answered: never ahead of the stand-in, behind it only by the sends in flight.
                assert received_before - SEND_CONCURRENCY <= sent <= received_after
                if 0 < sent < DELIVERED:
                    mid_scrapes += 1
                done = (
                    value(found, "stretchbot_reminders_sent_total")
                    + value(found, "stretchbot_reminders_blocked_total")
                    + value(found, "stretchbot_reminders_failed_total")
                )
                if done >= USERS:
                    break
                assert asyncio.get_running_loop().time() < deadline, (
                    {name: n for (name, _), n in found.items() if name.startswith("stretchbot_reminders")},
                    after["status_counts"],
                    bot.log()[-1500:],
                )
                await asyncio.sleep(0.3)
            assert mid_scrapes >= 3, "scraped while the fan-out ran"

            found = await health.metrics()
            stats = await telegram.remote.stats()
            received = {int(chat): n for chat, n in stats["sent_per_chat"].items()}
            assert sum(received.values()) == DELIVERED
            assert value(found, "stretchbot_reminders_due_total") == USERS
            assert value(found, "stretchbot_reminders_sent_total") == DELIVERED
            assert value(found, "stretchbot_reminders_blocked_total") == BLOCKED
            assert value(found, "stretchbot_reminders_failed_total") == UNKNOWN
            assert value(found, "stretchbot_reminders_missed_total") == 0
            assert value(found, "stretchbot_reminder_lateness_seconds_count") == DELIVERED
            # Every Bot API request, by method and status, as the stand-in counted them.
            calls = {
                (labels[0][1], labels[1][1]): n
                for (name, labels), n in found.items()
                if name == "stretchbot_telegram_requests_total"
            }
            for method, count in stats["calls_per_method"].items():
                if method != "getUpdates":  # a long poll may be in flight at either end
                    assert sum(n for (m, _), n in calls.items() if m == method) == count, method
            send = {status: n for (m, status), n in calls.items() if m == "sendMessage"}
            assert send.get("200") == DELIVERED
            assert send.get("403") == BLOCKED
            assert send.get("400") == UNKNOWN
            assert send.get("429", 0) == stats["status_counts"].get("429", 0) >= 1
            assert value(found, "stretchbot_telegram_retry_after_seconds_total") >= 1
            assert value(found, "stretchbot_scheduler_ticks_total") >= 1
            assert value(found, "stretchbot_scheduler_tick_lag_seconds") < 5
            assert value(found, "stretchbot_active_users") in (USERS, USERS - BLOCKED)  # read at most every 30 s
            text = (await health.get("/metrics"))[1]
            # As a number of its own (not the digits inside a timestamp or a sum such as 1796088164.700012).
            ids = [uid for uid in user_ids if re.search(rf"(?<![\d.]){uid}(?![\d.])", text)]
            assert not ids, "no user id in the metrics"

            # Telegram away: not ready, and the reason says so; back: ready again.
            await telegram.stop(abruptly=True)

            async def readyz() -> tuple[int, dict[str, object]]:
                status, body = await health.get("/readyz")
                return status, json.loads(body)

            async def not_ready() -> bool:
                status, body = await readyz()
                return status == 503 and body["checks"]["telegram"] != "ok"  # type: ignore[index]

            await wait_until(not_ready, 60, interval=0.5)
            status, body = await readyz()
            assert body["checks"]["database"] == "ok"  # type: ignore[index]
            assert (await health.get("/healthz"))[0] == 200, "alive all the same"
            await telegram.start()

            async def ready() -> bool:
                return (await readyz())[0] == 200

            await wait_until(ready, 60, interval=0.5)
        finally:
            await health.session.close()
            await bot.stop()
    log = bot.log()
    assert TOKEN not in log
    assert "stretchbot is up: @stretchbot_local_bot, polling, database SQLite " in log
    assert f"health endpoints on http://127.0.0.1:{port}" in log
    assert "heap settled" not in log, "developer detail is logged at DEBUG"


async def test_json_logs_are_one_object_a_line_and_hold_no_token(database: Path, tmp_path: Path) -> None:
    async with StandInProcess(TOKEN) as telegram:
        bot = BotProcess(database, telegram.url, TOKEN, tmp_path, LOG_FORMAT="json")
        try:
            await bot.start()
            await telegram.remote.send_text(42, "/start")
            await wait_until(lambda: bot.log().count("\n") >= 3, 20)
            bot.terminate()
            assert await bot.wait(30) == 0
        finally:
            await bot.stop()
    lines = [line for line in bot.log().splitlines() if line.strip() and not line.startswith("----- start")]
    records = [json.loads(line) for line in lines]  # each line is one JSON object
    assert all({"time", "level", "logger", "message"} <= record.keys() for record in records)
    up = [r for r in records if r["message"].startswith("stretchbot is up")]
    assert len(up) == 1 and up[0]["level"] == "INFO" and up[0]["logger"].startswith("bot.")
    assert "@stretchbot_local_bot, polling, database SQLite " in up[0]["message"]
    assert str(database) in up[0]["message"]
    assert "texts in en, de, es, ru, routines: pigeon" in up[0]["message"]
    assert TOKEN not in bot.log() and TOKEN.split(":")[1] not in bot.log()


async def test_webhook_mode_serves_the_endpoints_on_the_webhook_port(database: Path, tmp_path: Path) -> None:
    port = free_port()
    async with StandInProcess(TOKEN) as telegram:
        bot = BotProcess(database, telegram.url, TOKEN, tmp_path, WEBHOOK_SECRET="s" * 32)
        health = Health(port)
        try:
            offset = await bot.launch(
                "--webhook", f"http://127.0.0.1:{port}/hook", "--listen", "127.0.0.1", "--port", str(port)
            )
            await wait_until(lambda: "stretchbot is up" in bot.log(offset) or bot.process.returncode is not None, 30)  # type: ignore[union-attr]
            assert (await health.get("/healthz"))[0] == 200
            status, body = await health.get("/readyz")
            assert status == 200 and json.loads(body)["ready"] is True
            assert value(await health.metrics(), "stretchbot_ready") == 1
            async with health.session.post(health.base + "/hook", json={"update_id": 1}) as response:
                assert response.status == 403, "the webhook itself still wants its secret"
        finally:
            await health.session.close()
            await bot.stop()
    assert "stretchbot is up: @stretchbot_local_bot, webhook, database SQLite " in bot.log()
