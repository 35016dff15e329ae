"""Callback data of the coach's side (all prefixes start with "c"): the client's consent and /coach, the coach's
invites, roster, client summary, prescription, digest and media."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.ui.callbacks import CallbackData


@dataclass(frozen=True, slots=True)
class ConsentAnswer(CallbackData):
    """Agree (True) or decline (False) sharing with the coach of an invite the user opened."""

    prefix = "ck"
    invite_id: int
    agree: bool


@dataclass(frozen=True, slots=True)
class StopSharing(CallbackData):
    """/coach: end a link."""

    prefix = "cs"
    link_id: int


@dataclass(frozen=True, slots=True)
class ShareHistory(CallbackData):
    """/coach: share (True) or hide (False) the history from before the link."""

    prefix = "ch"
    link_id: int
    share: bool


@dataclass(frozen=True, slots=True)
class RevokeInvite(CallbackData):
    prefix = "cr"
    invite_id: int


@dataclass(frozen=True, slots=True)
class RosterPage(CallbackData):
    prefix = "cp"
    page: int


@dataclass(frozen=True, slots=True)
class OpenClient(CallbackData):
    prefix = "cv"
    link_id: int


@dataclass(frozen=True, slots=True)
class Prescribe(CallbackData):
    """The prescription of a client: show it, or change one thing (`value`: a routine id, or a number)."""

    prefix = "cx"
    link_id: int
    what: Literal["show", "routine", "hold", "reps", "rem", "clear"]
    value: str


@dataclass(frozen=True, slots=True)
class DigestChoice(CallbackData):
    prefix = "cd"
    what: Literal["off", "daily", "weekly"]
    hhmm: str


@dataclass(frozen=True, slots=True)
class AttachMedia(CallbackData):
    """Attach a coach's photo or video to a routine's step ("intro": the routine's intro)."""

    prefix = "cm"
    media_id: int
    routine_id: str
    step_id: str
