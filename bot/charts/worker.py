"""What runs in a render pool worker process besides the render functions: its warm-up (initializer).

Importing this module imports nothing heavy; `warm_up` does, once per worker, when the pool starts it.
"""

from __future__ import annotations

import contextlib
import io
import os
import select
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")

NICENESS = 19  # the lowest: renders get the CPU the bot (and anything else at the default priority) leaves


def warm_up(bot_pid: int) -> None:
    """Initializer of each worker: exit with the bot, lower its priority, import matplotlib, load the fonts and draw
    once."""
    threading.Thread(target=_exit_with, args=(bot_pid,), name="exit-with-bot", daemon=True).start()
    with contextlib.suppress(AttributeError, OSError):  # not on this platform, or not permitted
        os.nice(NICENESS)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(1, 1), dpi=50)
    FigureCanvasAgg(figure)
    figure.add_subplot().plot([0, 1], [0, 1], label="warm")
    figure.text(0.5, 0.5, "0123456789 warm", fontweight="bold")
    figure.savefig(io.BytesIO(), format="png")


def _exit_with(bot_pid: int) -> None:
    """Exit this worker as soon as the bot's process is gone, however it ended (a worker of a killed bot would
    otherwise wait for work forever, and keep the forkserver alive with it)."""
    try:
        handle = os.pidfd_open(bot_pid)
    except (AttributeError, OSError):  # not Linux 5.3+: look every few seconds
        while _alive(bot_pid):
            time.sleep(2.0)
    else:
        select.select([handle], [], [])  # readable once the process has exited
    os._exit(0)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def timed(function: Callable[..., T], *args: Any) -> tuple[float, T]:
    """`function(*args)` and how long it took here, in wall seconds (a lower-priority worker's time includes the
    CPU it waited for: the service time the pool's admission estimates waits from)."""
    started = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - started, result


def ready() -> int:
    """A no-op task: the worker's process id once it is up and warm."""
    return os.getpid()
