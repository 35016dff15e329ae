"""Callback data of the ratings and data buttons: Undo / Change of a typed rating, the new value, /delete."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.ui.callbacks import CallbackData


@dataclass(frozen=True, slots=True)
class UndoRating(CallbackData):
    prefix = "rtu"
    rating_id: int


@dataclass(frozen=True, slots=True)
class ChangeRating(CallbackData):
    """Show the 0-10 scale to replace the value of a typed rating."""

    prefix = "rtc"
    rating_id: int


@dataclass(frozen=True, slots=True)
class SetRating(CallbackData):
    """A value (0-10) picked on the scale shown by ChangeRating."""

    prefix = "rts"
    rating_id: int
    value: int


@dataclass(frozen=True, slots=True)
class DeleteData(CallbackData):
    prefix = "del"
    action: Literal["yes", "no"]
