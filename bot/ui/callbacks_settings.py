"""Callback data of everything that changes a user's settings: reminder time and timezone (during set-up and
later), the /settings menu, pause, the second reminder and the snooze length."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.ui.callbacks import CallbackData

TYPE_IT = "type"


@dataclass(frozen=True, slots=True)
class PickTime(CallbackData):
    """A preset reminder time ("0715"), or TYPE_IT to type one."""

    prefix = "ot"
    hhmm: str


@dataclass(frozen=True, slots=True)
class PickTimezone(CallbackData):
    """An IANA timezone name, or TYPE_IT to type one."""

    prefix = "oz"
    name: str


@dataclass(frozen=True, slots=True)
class ChangeSetting(CallbackData):
    """The first row of the settings summary: change the time or the timezone, or keep everything."""

    prefix = "oc"
    what: Literal["time", "zone", "keep"]


@dataclass(frozen=True, slots=True)
class SettingsMenu(CallbackData):
    """The other rows of /settings: "second", "snooze" or "pause"."""

    prefix = "sm"
    what: str


@dataclass(frozen=True, slots=True)
class PauseFor(CallbackData):
    """Pause for `days` days; 0 = until /resume."""

    prefix = "pf"
    days: int


@dataclass(frozen=True, slots=True)
class SecondTime(CallbackData):
    """A preset second reminder ("1800"), "off", or TYPE_IT."""

    prefix = "s2"
    hhmm: str


@dataclass(frozen=True, slots=True)
class RoutinePref(CallbackData):
    """How the guided routine runs: "hands_free" or "taps" (a tap per step), "sound_on" or "sound_off" (cues)."""

    prefix = "rm"
    what: Literal["hands_free", "taps", "sound_on", "sound_off"]


@dataclass(frozen=True, slots=True)
class SnoozeLength(CallbackData):
    prefix = "sl"
    minutes: int
