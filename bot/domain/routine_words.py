"""Typed words that steer a running routine ("pause", "stop", "skip", "resume", "next"), for someone on the floor
who would rather type (or dictate) than aim at a button. Only a message that is nothing but such a word (with
"please" or punctuation around it) counts: a sentence ("my back hurts, should I stop?") is left to the other flows,
so a report of pain is never taken for a command. Pure; stdlib only."""

from __future__ import annotations

import re
from typing import Literal

RoutineWord = Literal["pause", "resume", "skip", "stop", "done"]

_WORDS: dict[str, RoutineWord] = {
    "pause": "pause",
    "wait": "pause",
    "hold on": "pause",
    "resume": "resume",
    "continue": "resume",
    "go on": "resume",
    "unpause": "resume",
    "skip": "skip",
    "skip it": "skip",
    "skip this": "skip",
    "skip step": "skip",
    "stop": "stop",
    "quit": "stop",
    "end": "stop",
    "cancel": "stop",
    "next": "done",
    "done": "done",
    "start": "done",
    "ready": "done",
    "go": "done",
}


def parse_routine_word(text: str) -> RoutineWord | None:
    """The routine command that `text` is, or None when it is anything else."""
    cleaned = re.sub(r"[^\w\s]", " ", text.casefold())
    words = [word for word in cleaned.split() if word not in ("please", "pls", "now")]
    return _WORDS.get(" ".join(words))
