"""The event loop the bot runs on: uvloop where it is installed (Linux and macOS), else asyncio's own.

uvloop runs the same asyncio code with its network and scheduling parts in C: button taps handled per second on
2 cores went up by about a tenth with it (bench/). Nothing in the bot depends on it; without it, asyncio's loop runs
the same code.
"""

from __future__ import annotations

import asyncio


def use_fastest_event_loop() -> str:
    """Make event loops created from now on uvloop's, if it is installed; the name of the loop in use."""
    try:
        import uvloop
    except ImportError:  # pragma: no cover - uvloop is a dependency wherever it builds
        return "asyncio"
    asyncio.set_event_loop_policy(uvloop.EventLoopPolicy())
    return "uvloop"
