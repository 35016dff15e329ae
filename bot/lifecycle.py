"""The application's whole life inside a running event loop: start-up, taking updates, serving, shut-down.

`Application.run_polling()` and `run_webhook()` own the event loop. `stretchbot run` (polling and webhook: the
runner reaches Telegram first, then starts), the preview, the tests and the benchmarks run inside their own loop, and
`running_application` does the same steps in the same order, and undoes them in reverse however the body ends.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from telegram.ext import Application, Updater

AnyApplication = Application[Any, Any, Any, Any, Any, Any]


@asynccontextmanager
async def running_application(
    application: AnyApplication, start_updates: Callable[[Updater], Awaitable[Any]]
) -> AsyncIterator[AnyApplication]:
    """Initialise `application`, run its `post_init`, start taking updates (`start_updates(updater)`: polling or a
    webhook) and start processing them; on exit stop all that, then `post_stop`, `post_shutdown` and shut down."""
    await application.initialize()
    try:
        if application.post_init is not None:
            await application.post_init(application)
        updater = application.updater
        if updater is None:
            raise RuntimeError("the application has no Updater to take updates with")
        await start_updates(updater)
        await application.start()
        try:
            yield application
        finally:
            if updater.running:
                await updater.stop()
            if application.running:
                await application.stop()
            if application.post_stop is not None:
                await application.post_stop(application)
    finally:
        try:
            if application.post_shutdown is not None:
                await application.post_shutdown(application)
        finally:
            await application.shutdown()
