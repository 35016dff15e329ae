"""Callback data of the outcome questions: the morning-stiffness minutes, the weekly PEG items, the switches."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.callbacks import CallbackData

SKIP = 999  # the "Not now" button of a question (callback ints are non-negative)


@dataclass(frozen=True, slots=True)
class StiffnessPick(CallbackData):
    """Minutes of morning stiffness (SKIP: not now) for the local date `day` (yyyymmdd)."""

    prefix = "ms"
    day: int
    minutes: int


@dataclass(frozen=True, slots=True)
class PegPick(CallbackData):
    """A 0-10 answer (SKIP: not now) to item `item` (0-2) of weekly check-in `checkin_id`."""

    prefix = "pg"
    checkin_id: int
    item: int
    value: int


@dataclass(frozen=True, slots=True)
class OutcomeSwitch(CallbackData):
    """/settings: turn the stiffness question ("stiffness") or the weekly check-in ("weekly") on or off."""

    prefix = "os"
    what: str
    on: bool
