"""Callback data of the guided routine's buttons.

Every button names its session; those that move the walkthrough also carry the `seq` they were made for. The
handler checks both against the database (the session must be the tapping user's and still active; the seq
must be the current one), so an old, doubled or forged tap changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.ui.callbacks import CallbackData

SKIP = "skip"
NONE = "-"  # no value (e.g. no before rating carried)

RoutineActionName = Literal["done", "skip", "pause", "resume", "stop"]


@dataclass(frozen=True, slots=True)
class RoutineAction(CallbackData):
    """Done/Next, Skip, Pause, Resume, Stop on a step, the live message or the switch-sides cue."""

    prefix = "ra"
    session_id: int
    seq: int
    action: RoutineActionName


@dataclass(frozen=True, slots=True)
class RoutineBefore(CallbackData):
    """The before rating ("0".."10") or SKIP, asked before the walkthrough begins."""

    prefix = "rb"
    session_id: int
    value: str


@dataclass(frozen=True, slots=True)
class RoutineGentle(CallbackData):
    """The answer to the gentle offer after a high before rating."""

    prefix = "rg"
    session_id: int
    choice: Literal["gentle", "normal", "skip"]


@dataclass(frozen=True, slots=True)
class RoutineAnswer(CallbackData):
    """A closing question: the after rating ("0".."10") or which side felt tighter; SKIP skips it."""

    prefix = "rq"
    session_id: int
    seq: int
    question: Literal["after", "side"]
    value: str


@dataclass(frozen=True, slots=True)
class RoutineExisting(CallbackData):
    """A session is already running: resume it, or start over (with what the new start carried)."""

    prefix = "rx"
    session_id: int
    choice: Literal["resume", "over", "stop"]
    delivery_id: int  # 0: none
    before: str  # NONE, or the before rating the new start carried
