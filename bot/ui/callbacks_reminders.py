"""Callback data of the reminder message and of the reminder settings (pause, second reminder, snooze)."""

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


@dataclass(frozen=True, slots=True)
class PauseFor(CallbackData):
    """Pause for `days` days; 0 = until /resume."""

    prefix = "pf"
    days: int


@dataclass(frozen=True, slots=True)
class SecondTime(CallbackData):
    """A preset second reminder ("1800"), "off", or "type"."""

    prefix = "s2"
    hhmm: str


@dataclass(frozen=True, slots=True)
class SnoozeLength(CallbackData):
    prefix = "sl"
    minutes: int


@dataclass(frozen=True, slots=True)
class SettingsMenu(CallbackData):
    """The reminder rows of /settings: "second", "snooze" or "pause"."""

    prefix = "sm"
    what: str
