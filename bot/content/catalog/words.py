"""Texts of plain words typed instead of commands, and of small talk."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, ...]] = {
    "words.routine_hint": (),
    "words.nothing_to_pause": (),
    "words.already_paused": (),
    "words.later_idle": (),
    "words.skip_idle": (),
    "words.done_idle": (),
    "words.thanks": (),
    "words.thanks_routine": (),
    "words.greeting": (),
    "words.greeting_routine": (),
    "words.ok": (),
}

SAMPLES: dict[str, str] = {}
