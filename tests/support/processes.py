"""The bot as a real process (`python -m bot run`) against the stand-in in a process of its own.

For tests that kill the bot (SIGKILL, SIGTERM) and start it again: the stand-in outlives the bot, so it keeps
counting what every chat received across the restarts. Everything the bot writes goes to a log file next to its
database (a pipe could fill up and stall it).

    async with StandInProcess(TOKEN) as standin:          # standin.remote is a RemoteStandIn
        bot = BotProcess(database, standin.url, TOKEN, tmp_path, SCHEDULER_TICK_SECONDS="0.5")
        await bot.start()                                 # returns once "stretchbot is up" is logged
        bot.kill()                                        # SIGKILL; bot.terminate() is SIGTERM
        await bot.wait(30)

The PostgreSQL multi-instance test (`tests/e2e/test_multi_instance.py`) uses `StandInProcess` too.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import sys
import time
from collections.abc import Callable, Sequence
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, insert

from bot.db.models import ReminderSlot, User
from bot.standin import RemoteStandIn

ROOT = Path(__file__).resolve().parents[2]


class StandInProcess:
    """`python -m bot.standin --port 0 --token T`, stopped with SIGTERM on exit.

    `stop()` then `start()` takes "Telegram" away and brings it back on the same port (connections refused
    meanwhile); `chats` are known to every start, so the bot can write to them at once after a restart (a restart
    forgets everything else: counters start again from zero).
    """

    def __init__(self, token: str, *, chats: Sequence[int] = (), rate_limit: bool = False) -> None:
        self.token = token
        self.url = ""
        self.port = 0
        self.remote: RemoteStandIn
        self._chats = list(chats)
        self._rate_limit = rate_limit
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        options = ["--port", str(self.port), "--token", self.token]
        if self._chats:
            options += ["--chats", ",".join(map(str, self._chats))]
        if self._rate_limit:
            options.append("--rate-limit")
        self._process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot.standin", *options,
            stdout=asyncio.subprocess.PIPE, cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)},
        )  # fmt: skip
        assert self._process.stdout is not None
        line = (await asyncio.wait_for(self._process.stdout.readline(), 20)).decode().strip()
        if not line.startswith("STANDIN_URL="):
            raise RuntimeError(f"the stand-in did not start: {line!r}")
        self.url = line.removeprefix("STANDIN_URL=")
        self.port = int(self.url.rsplit(":", 1)[1].split("/")[0])
        self.remote = RemoteStandIn(self.url)

    async def stop(self, *, abruptly: bool = False) -> None:
        """SIGTERM (or SIGKILL: gone at once, without finishing a long poll) and wait: from now on the bot's
        connections are refused."""
        await self.remote.close()
        if self._process is not None and self._process.returncode is None:
            self._process.send_signal(signal.SIGKILL if abruptly else signal.SIGTERM)
            try:
                await asyncio.wait_for(self._process.wait(), 10)
            except TimeoutError:
                self._process.kill()
                await self._process.wait()

    async def __aenter__(self) -> StandInProcess:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()


class BotProcess:
    """`python -m bot run` with its settings in the environment; one instance may be started several times."""

    def __init__(
        self,
        database: Path,
        api_url: str,
        token: str,
        workdir: Path,
        *,
        wrapper: Sequence[str] = (),
        **settings: str,
    ) -> None:
        """`wrapper`: a command that runs the bot (e.g. `setpriv ...`); `settings` override the environment
        (DATABASE_URL too)."""
        self.database = database
        self.log_path = workdir / "bot.log"
        self.workdir = workdir
        self.wrapper = list(wrapper)
        self.env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL", "LOG_LEVEL"))},
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": f"sqlite+aiosqlite:///{database}",
            "TELEGRAM_API_URL": api_url,
            "TELEGRAM_BOT_TOKEN": token,
            "CONTENT_DIR": str(ROOT / "content"),
            **settings,
        }
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    async def launch(self, *args: str) -> int:
        """Start the bot (`stretchbot run ARGS`) without waiting for it; the log offset where this run's lines
        begin."""
        assert self.process is None or self.process.returncode is not None, "already running"
        self.starts += 1
        offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        with self.log_path.open("ab") as log:
            log.write(f"----- start {self.starts}\n".encode())
            log.flush()
            command = [*self.wrapper, sys.executable, "-m", "bot", "run", *args]
            self.process = await asyncio.create_subprocess_exec(
                *command, stdout=log, stderr=log, cwd=self.workdir, env=self.env
            )
        return offset

    async def start(self, timeout: float = 30.0) -> None:  # noqa: ASYNC109
        """Start the bot; returns once it has logged "stretchbot is up" (migrations done, dispatcher running)."""
        offset = await self.launch()
        process = self.process
        assert process is not None
        await wait_until(lambda: "stretchbot is up" in self.log(offset) or process.returncode is not None, timeout)
        if process.returncode is not None:
            raise RuntimeError(f"the bot exited with {process.returncode}:\n{self.log(offset)[-3000:]}")

    def log(self, offset: int = 0) -> str:
        if not self.log_path.exists():
            return ""
        with self.log_path.open("rb") as log:
            log.seek(offset)
            return log.read().decode(errors="replace")

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, like a power cut of the process (not of the machine)."""
        assert self.process is not None
        self.process.kill()

    def terminate(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGTERM)

    async def wait(self, timeout: float = 30.0) -> int:  # noqa: ASYNC109
        assert self.process is not None
        return await asyncio.wait_for(self.process.wait(), timeout)

    async def stop(self) -> None:
        """Make sure it is gone (test teardown)."""
        if self.process is not None and self.process.returncode is None:
            self.process.kill()
            await self.process.wait()


async def wait_until(condition: Callable[[], Any], timeout: float, interval: float = 0.05) -> Any:  # noqa: ASYNC109
    """Poll `condition` until it is truthy (returned) or `timeout` seconds pass (TimeoutError)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if asyncio.iscoroutine(value):
            value = await value
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"condition not met within {timeout}s")
        await asyncio.sleep(interval)


def seed_reminder_users(database: Path, user_ids: list[int], due_at: datetime, zone: str = "Europe/Berlin") -> None:
    """Onboarded users with one reminder slot each, all due at `due_at` (bulk inserts, no bot involved)."""
    engine = create_engine(f"sqlite:///{database}")
    now = due_at
    try:
        with engine.begin() as connection:
            connection.execute(
                insert(User),
                [
                    {"id": uid, "chat_id": uid, "timezone": zone, "onboarded_at": now, "status": "active",
                     "snooze_minutes": 15, "routine_id": "pigeon", "created_at": now, "updated_at": now}
                    for uid in user_ids
                ],
            )  # fmt: skip
            local = due_at.astimezone(ZoneInfo(zone)).time().replace(second=0, microsecond=0)
            connection.execute(
                insert(ReminderSlot),
                [
                    {"user_id": uid, "slot": 1, "local_time": local,
                     "enabled": True, "next_due_at": due_at}
                    for uid in user_ids
                ],
            )  # fmt: skip
    finally:
        engine.dispose()


def sql(database: Path, statement: str, *params: Any) -> list[tuple[Any, ...]]:
    """Run one statement on the SQLite file (autocommit) and return its rows."""
    connection = sqlite3.connect(database, timeout=30)
    try:
        with connection:
            return list(connection.execute(statement, params))
    finally:
        connection.close()


def integrity_check(database: Path) -> str:
    return str(sql(database, "PRAGMA integrity_check")[0][0])
