"""Callback data of /routine: the routine the user picks."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.callbacks import CallbackData


@dataclass(frozen=True, slots=True)
class PickRoutine(CallbackData):
    """A routine's id from content/routines (checked against the content when tapped)."""

    prefix = "rc"
    routine_id: str
