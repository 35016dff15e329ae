"""`HealthServer`: a small aiohttp server for `/healthz`, `/readyz` and `/metrics` on `HEALTH_LISTEN:HEALTH_PORT`.

Started before Telegram is reached when `HEALTH_PORT` is set (`bot.runner`: `/healthz` answers while start-up still
retries Telegram, `/readyz` says what is not ready yet), else with the other components (port 0: any free port, see
`port`). Starting it again while it runs changes nothing. By default it
listens on 127.0.0.1 only: the endpoints are for the machine's own health checks and a Prometheus that scrapes
there (or through a private network: `HEALTH_LISTEN=0.0.0.0`, as in the container image).
"""

from __future__ import annotations

import logging
from typing import Any

from aiohttp import web

from bot.health.http import HealthEndpoints

log = logging.getLogger(__name__)


class HealthServer:
    def __init__(self, endpoints: HealthEndpoints, listen: str, port: int) -> None:
        self._endpoints = endpoints
        self.listen = listen
        self.port = port
        self._runner: web.AppRunner | None = None

    @property
    def serving(self) -> bool:
        return self._runner is not None

    async def start(self, application: Any) -> None:
        if self._runner is not None:
            return  # already serving (started early, before the other components)
        app = web.Application()
        app.add_routes(self._endpoints.routes())
        runner = web.AppRunner(app, access_log=None, handle_signals=False)
        await runner.setup()
        site = web.TCPSite(runner, self.listen, self.port)
        try:
            await site.start()
        except OSError as exc:
            await runner.cleanup()
            raise OSError(
                exc.errno, f"the health server cannot listen on {self.listen}:{self.port} (HEALTH_PORT): {exc.strerror}"
            ) from None
        self._runner = runner
        if runner.addresses:  # the port actually bound (HEALTH_PORT=0: any free one)
            self.port = int(runner.addresses[0][1])
        log.info("health endpoints on http://%s:%d (/healthz, /readyz, /metrics)", self.listen, self.port)

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None
