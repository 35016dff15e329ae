"""`python -m bot.standin` as its own process, driven through RemoteStandIn and a real PTB Bot."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from telegram import Bot
from telegram.error import BadRequest

from bot.standin import RemoteStandIn
from bot.standin.remote import RemoteStandInError

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "42:remote-token"


@pytest.fixture
async def standin_process() -> AsyncIterator[str]:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot.standin",
        "--port",
        "0",
        "--token",
        TOKEN,
        stdout=asyncio.subprocess.PIPE,
        cwd=ROOT,
        env=env,
    )
    try:
        assert process.stdout is not None
        line = (await asyncio.wait_for(process.stdout.readline(), 15)).decode().strip()
        assert line.startswith("STANDIN_URL=http://127.0.0.1:")
        yield line.removeprefix("STANDIN_URL=")
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 10) == 0


async def test_remote_round_trip(standin_process: str) -> None:
    url = standin_process
    async with RemoteStandIn(url) as remote, Bot(TOKEN, base_url=f"{url}/bot") as bot:
        with pytest.raises(BadRequest, match="Chat not found"):
            await bot.send_message(77, "too early")
        await remote.send_text(77, "/start")
        updates = await bot.get_updates(timeout=1)
        assert updates[0].message is not None
        assert updates[0].message.text == "/start"
        sent = await bot.send_message(77, "hello from the bot")
        query_id = await remote.tap_data(77, sent.message_id, "ok")
        assert (await bot.get_updates(offset=updates[-1].update_id + 1))[0].callback_query.id == query_id
        await remote.add_fault("sendMessage", "server_error")
        with pytest.raises(Exception, match="Bad Gateway"):
            await bot.send_message(77, "boom")
        stats = await remote.stats()
        assert stats["sent_per_chat"] == {"77": 1}
        assert stats["status_counts"]["502"] == 1
        assert stats["status_counts"]["400"] == 1
        assert [m["text"] for m in await remote.messages(77)] == ["hello from the bot"]
        await remote.inject_update(
            {
                "message": {
                    "message_id": 99,
                    "date": 0,
                    "chat": {"id": 77, "type": "private"},
                    "from": {"id": 77, "is_bot": False, "first_name": "A"},
                    "text": "raw",
                }
            }
        )
        assert (await remote.pending_updates())[-1]["message"]["text"] == "raw"
        assert await remote.add_chats([501, 502]) == 2
        assert (await bot.send_message(502, "known chat, no update queued")).chat.id == 502
        await remote.add_fault(None, "server_error", after=1)
        await bot.send_message(501, "first passes")
        with pytest.raises(Exception, match="Bad Gateway"):
            await bot.send_message(501, "second fails")
        assert [u for u in await remote.pending_updates() if "message" in u][-1]["message"]["text"] == "raw"
        await remote.reset()
        assert (await remote.stats())["calls_per_method"] == {}


async def test_malformed_control_request_is_400(standin_process: str) -> None:
    async with RemoteStandIn(standin_process) as remote:
        with pytest.raises(RemoteStandInError, match="bad control request"):
            await remote.inject_update({"text": "hi", "user_id": "not-a-number"})
