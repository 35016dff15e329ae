"""The 0-10 stiffness scale as buttons, shared by the reminder, the routine and the ratings flows."""

from __future__ import annotations

from collections.abc import Callable

from bot.ui.callbacks import CallbackData
from bot.ui.message import Button

SCALE = tuple(range(11))


def rating_rows(make: Callable[[int], CallbackData]) -> tuple[tuple[Button, ...], ...]:
    """Two rows: 0-5 and 6-10; `make(value)` builds each button's callback data."""
    return (
        tuple(Button(str(v), make(v)) for v in SCALE[:6]),
        tuple(Button(str(v), make(v)) for v in SCALE[6:]),
    )
