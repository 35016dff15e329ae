"""A render pool job for tests: holds its worker until the test writes to a FIFO (no sleeping, no polling)."""

from __future__ import annotations


def hold_until_released(fifo: str) -> str:
    """Runs in a render worker: blocks on reading `fifo` until the test writes to it and closes it."""
    with open(fifo, encoding="utf-8") as pipe:
        return pipe.read()


def release(fifo: str) -> None:
    """In the test (in a thread: opening blocks until the worker has the FIFO open for reading)."""
    with open(fifo, "w", encoding="utf-8") as pipe:
        pipe.write("go")
