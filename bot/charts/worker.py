"""What runs in a render pool worker process besides the render functions: its warm-up (initializer).

Importing this module imports nothing heavy; `warm_up` does, once per worker, when the pool starts it.
"""

from __future__ import annotations

import contextlib
import io
import os

NICENESS = 5  # renders yield the CPU to the bot's event loop (and to anything else at the default priority)


def warm_up() -> None:
    """Initializer of each worker: lower its priority, import matplotlib, load the fonts and draw once."""
    with contextlib.suppress(AttributeError, OSError):  # not on this platform, or not permitted
        os.nice(NICENESS)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    figure = Figure(figsize=(1, 1), dpi=50)
    FigureCanvasAgg(figure)
    figure.add_subplot().plot([0, 1], [0, 1], label="warm")
    figure.text(0.5, 0.5, "0123456789 warm", fontweight="bold")
    figure.savefig(io.BytesIO(), format="png")


def ready() -> int:
    """A no-op task: the worker's process id once it is up and warm."""
    return os.getpid()
