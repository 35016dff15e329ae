"""Callback data of the reminder message: a before rating, Start, Snooze, Skip today and the skip reason."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.callbacks import CallbackData


@dataclass(frozen=True, slots=True)
class ReminderRate(CallbackData):
    """A before-rating tapped on the reminder: starts the routine."""

    prefix = "rr"
    delivery_id: int
    value: int


@dataclass(frozen=True, slots=True)
class ReminderStart(CallbackData):
    prefix = "rs"
    delivery_id: int


@dataclass(frozen=True, slots=True)
class ReminderSnooze(CallbackData):
    prefix = "rz"
    delivery_id: int


@dataclass(frozen=True, slots=True)
class ReminderSkip(CallbackData):
    prefix = "rk"
    delivery_id: int


@dataclass(frozen=True, slots=True)
class SkipReason(CallbackData):
    prefix = "rw"
    delivery_id: int
    reason: str
