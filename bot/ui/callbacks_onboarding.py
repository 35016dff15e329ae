"""Callback data of the onboarding and basic settings buttons."""

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
    prefix = "oc"
    what: Literal["time", "zone", "keep"]
