"""`stretchbot run` runs on uvloop where it is installed, and the bot's async stack works on it."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from bot.event_loop import use_fastest_event_loop


@pytest.fixture
def restore_policy() -> Iterator[None]:
    policy = asyncio.get_event_loop_policy()
    yield
    asyncio.set_event_loop_policy(policy)


@pytest.mark.usefixtures("restore_policy")
def test_new_event_loops_are_uvloops_after_choosing_the_fastest() -> None:
    uvloop = pytest.importorskip("uvloop")
    assert use_fastest_event_loop() == "uvloop"
    loop = asyncio.new_event_loop()
    try:
        assert isinstance(loop, uvloop.Loop)
        assert loop.run_until_complete(asyncio.sleep(0, result="ran")) == "ran"
    finally:
        loop.close()
