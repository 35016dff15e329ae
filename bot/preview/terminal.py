"""The interactive chat: lines come from stdin (read in a thread, so timed messages keep appearing while the
person is idle), the bot's messages are printed as they arrive."""

from __future__ import annotations

import asyncio
import contextlib
import threading
from typing import Protocol, TextIO

from bot.preview import render
from bot.preview.feed import EventFeed, cancel
from bot.preview.inputs import Quit, parse_input
from bot.preview.player import Player, StepError
from bot.preview.session import PreviewOptions, PreviewSession


class LineSource(Protocol):
    async def readline(self) -> str | None:
        """The next line, or None at the end of input."""
        ...


class ThreadedReader:
    """Reads a blocking text stream (stdin, a pipe) in a daemon thread and hands the lines to the event loop."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self._queue: asyncio.Queue[str | None] | None = None

    def _pump(self, loop: asyncio.AbstractEventLoop, queue: asyncio.Queue[str | None]) -> None:
        try:
            for line in iter(self.stream.readline, ""):
                loop.call_soon_threadsafe(queue.put_nowait, line)
        except (OSError, ValueError):
            pass
        with contextlib.suppress(RuntimeError):  # the loop is already closed: nobody is waiting
            loop.call_soon_threadsafe(queue.put_nowait, None)

    async def readline(self) -> str | None:
        if self._queue is None:
            self._queue = asyncio.Queue()
            loop = asyncio.get_running_loop()
            threading.Thread(target=self._pump, args=(loop, self._queue), daemon=True, name="preview-stdin").start()
        return await self._queue.get()


def banner(options: PreviewOptions) -> list[str]:
    return [
        f"stretchbot preview: you are {options.user_name} (id {options.user_id}); timers run ×{options.speed:g}; "
        f"data in {options.data_dir}",
        "Type a message or a /command (start with /start). A number taps that button of the newest message with "
        "buttons (5.2 = button 2 of message #5); 'text sends text as is. !help lists the preview commands, "
        "/quit or Ctrl-D leaves.",
    ]


async def chat(options: PreviewOptions, source: LineSource, out: TextIO, *, color: bool, echo: bool) -> int:
    """The interactive preview; returns the exit code (0 when the person leaves)."""
    style = render.Style(color=color)
    async with PreviewSession(options) as session:
        feed = EventFeed(session, out, style)
        player = Player(session, feed, echo=echo, fire_reminder=options.fire_reminder)
        for line in banner(options):
            feed.write(render.note(line, style=style))
        await player.start()
        printer = asyncio.create_task(feed.run())
        try:
            while True:
                typed = await source.readline()
                if typed is None:
                    break
                action = parse_input(typed, bare_numbers=True)
                if action is None:
                    continue
                if isinstance(action, Quit):
                    break
                try:
                    await player.perform(action)
                except StepError as exc:
                    feed.flush()
                    feed.write(render.error(str(exc), style=style))
        finally:
            await cancel(printer)
            feed.flush()
        feed.write(render.note("bye", style=style))
    return 0
