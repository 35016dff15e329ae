"""Callback data of /report: the period picked (days; 0 = the whole history)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.callbacks import CallbackData


@dataclass(frozen=True, slots=True)
class ReportPeriod(CallbackData):
    prefix = "rp"
    days: int
