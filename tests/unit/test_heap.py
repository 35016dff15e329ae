"""The heap is settled after start-up (bot/heap.py): start-up's garbage collected, the rest frozen out of later
collections, and start-up itself still runs first."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from bot.heap import settle_heap, settling_heap_after


class Node:
    def __init__(self) -> None:
        self.other: Node | None = None


@pytest.fixture
def unfrozen() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()  # the test process goes on collecting as usual


@pytest.mark.usefixtures("unfrozen")
def test_settling_collects_start_up_garbage_and_freezes_the_rest() -> None:
    kept = Node()
    cycle = Node()
    cycle.other = Node()
    cycle.other.other = cycle  # garbage only a collection finds
    garbage = weakref.ref(cycle)
    del cycle
    assert garbage() is not None

    frozen = settle_heap()

    assert garbage() is None, "start-up's garbage is collected, not frozen with the rest (it would never be freed)"
    assert frozen == gc.get_freeze_count() > 0
    assert not any(o is kept for o in gc.get_objects()), "what lives on is frozen: no collection walks it any more"


@pytest.mark.usefixtures("unfrozen")
async def test_settling_post_init_runs_start_up_first_then_freezes() -> None:
    seen: list[tuple[str, int]] = []

    async def start_up(application: str) -> None:
        seen.append((application, gc.get_freeze_count()))

    await settling_heap_after(start_up)("app")

    assert seen == [("app", 0)], "start-up ran once, before anything was frozen"
    assert gc.get_freeze_count() > 0


@pytest.mark.usefixtures("unfrozen")
async def test_settling_post_init_without_a_start_up_still_freezes() -> None:
    await settling_heap_after(None)("app")
    assert gc.get_freeze_count() > 0
