"""`/healthz`, `/readyz` and `/metrics` as aiohttp routes: served by `HealthServer` (polling mode, `HEALTH_PORT`) and
added to the webhook server's own routes (webhook mode), so the same paths answer on either.

- `/healthz`: 200 while the process runs and its event loop answers (a wedged loop answers nothing).
- `/readyz`: 200 when the bot can do its work, else 503; the body says which check failed and why (JSON):
  - database: not lost (deleted, replaced, read-only), and it answers `SELECT 1` within a few seconds;
  - scheduler: the reminder dispatcher ticked within 3 ticks + 30 s (before its first tick: counted from its start);
  - telegram: not in an outage (`TelegramReachability`), and it answered within the last 2 minutes; if the bot has
    had no reason to ask it anything for that long (a quiet webhook bot), one `getMe` asks now.
- `/metrics`: `Metrics` in Prometheus's text format, after running the readiness checks (`stretchbot_ready`, so an
  alert can fire on "not ready for 5 minutes"); the active-user count is read from the database at most every 30 s.
No endpoint shows a user id, a rating or the token.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web
from sqlalchemy import func, select, text

from bot.db.errors import classify
from bot.db.models import User
from bot.health.metrics import CONTENT_TYPE_LATEST, Metrics

if TYPE_CHECKING:
    from bot.context import AppContext
    from bot.telegram_io.reachability import TelegramReachability

DATABASE_TIMEOUT = 3.0
TELEGRAM_FRESH_SECONDS = 120.0
TELEGRAM_PROBE_TIMEOUT = 5.0
ACTIVE_USERS_EVERY = 30.0


class Readiness:
    """The three checks of `/readyz`; each returns None when fine, else the reason."""

    def __init__(
        self,
        ctx: AppContext,
        metrics: Metrics,
        reachability: TelegramReachability,
        *,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._ctx = ctx
        self._metrics = metrics
        self._reachability = reachability
        self._monotonic = monotonic
        tick = ctx.settings.scheduler_tick_seconds
        self.tick_limit = 3 * tick + 30.0  # seconds without a tick before the scheduler counts as stuck
        self.first_tick_limit = ctx.settings.scheduler_first_tick_seconds + self.tick_limit
        self._probe: asyncio.Task[bool] | None = None

    async def database(self) -> str | None:
        health = self._ctx.db.health
        if health.lost:
            return f"lost: {health.reason}"
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT):
                async with self._ctx.db.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except TimeoutError:
            return f"no answer within {DATABASE_TIMEOUT:g} s"
        except Exception as exc:
            failure = classify(exc)
            return f"unavailable ({failure.kind if failure is not None else type(exc).__name__})"
        return None

    def scheduler(self) -> str | None:
        metrics = self._metrics
        if not self._ctx.startup.start_components:
            return None  # no scheduler in this application (the preview, some tests)
        since = metrics.seconds_since_tick()
        if since is None:
            return "not started"
        limit = self.tick_limit if metrics.ticks_seen else self.first_tick_limit
        if since > limit:
            return f"no tick for {since:.0f} s (expected every {self._ctx.settings.scheduler_tick_seconds:g} s)"
        return None

    async def telegram(self) -> str | None:
        reachability = self._reachability
        if not reachability.reachable:
            return "unreachable (requests fail; see the log)"
        last = reachability.last_answer
        if last is not None and self._monotonic() - last <= TELEGRAM_FRESH_SECONDS:
            return None
        if self._probe is None or self._probe.done():  # one getMe however many /readyz come at once
            self._probe = asyncio.create_task(self._ask_telegram())
        answered = await asyncio.shield(self._probe)
        return None if answered else "no answer to getMe"

    async def _ask_telegram(self) -> bool:
        try:
            async with asyncio.timeout(TELEGRAM_PROBE_TIMEOUT):
                await self._ctx.sender.bot.get_me()
        except Exception:
            return False
        return True

    async def check(self) -> dict[str, str | None]:
        database, telegram = await asyncio.gather(self.database(), self.telegram())
        checks = {"database": database, "scheduler": self.scheduler(), "telegram": telegram}
        self._metrics.readiness_checked(checks)
        return checks


class HealthEndpoints:
    """The three handlers, for `routes()`."""

    def __init__(self, ctx: AppContext, metrics: Metrics, readiness: Readiness) -> None:
        self._ctx = ctx
        self._metrics = metrics
        self.readiness = readiness
        self._users_read_at: float | None = None

    async def healthz(self, _request: web.Request) -> web.Response:
        return web.Response(text="ok\n")

    async def readyz(self, _request: web.Request) -> web.Response:
        checks = await self.readiness.check()
        ready = all(reason is None for reason in checks.values())
        body = {"ready": ready, "checks": {name: reason or "ok" for name, reason in checks.items()}}
        return web.Response(text=json.dumps(body) + "\n", status=200 if ready else 503, content_type="application/json")

    async def metrics(self, _request: web.Request) -> web.Response:
        await self.readiness.check()
        await self._refresh_active_users()
        response = web.Response(body=self._metrics.exposition())
        response.headers["Content-Type"] = CONTENT_TYPE_LATEST
        return response

    async def _refresh_active_users(self) -> None:
        now = time.monotonic()
        if self._users_read_at is not None and now - self._users_read_at < ACTIVE_USERS_EVERY:
            return
        active = (User.onboarded_at.is_not(None), User.status == "active")
        statement = select(func.count()).select_from(User).where(*active)
        try:
            async with asyncio.timeout(DATABASE_TIMEOUT), self._ctx.db.unit_of_work(read_only=True) as uow:
                count = (await uow.session.execute(statement)).scalar_one()
        except Exception:
            return  # the database is away: /readyz says so; the gauge keeps its last value
        self._metrics.active_users.set(count)
        self._users_read_at = now

    def routes(self) -> list[web.RouteDef]:
        """GET /healthz, /readyz and /metrics, for any aiohttp application (the health server, the webhook's)."""
        return [
            web.get("/healthz", self.healthz, allow_head=True),
            web.get("/readyz", self.readyz, allow_head=True),
            web.get("/metrics", self.metrics),
        ]
