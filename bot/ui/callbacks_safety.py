"""Callback data of the buttons under the safety advice: the gentler version of the running routine, or rest
today. Both name what they act on (0: none); the service checks it against the database."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.ui.callbacks import CallbackData


@dataclass(frozen=True, slots=True)
class SafetyChoice(CallbackData):
    prefix = "sf"
    session_id: int  # 0: no routine was running
    delivery_id: int  # 0: no open reminder
    choice: Literal["gentle", "rest"]
