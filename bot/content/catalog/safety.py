"""Texts of the safety answers: a reported pain, warning sign or red flag, and what is offered after it."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, ...]] = {
    "safety.red_flag": (),
    "safety.warning": (),
    "safety.pain": (),
    "safety.warning_idle": (),
    "safety.pain_idle": (),
    "safety.paused": (),
    "safety.offer_routine": (),
    "safety.offer_rest": (),
    "safety.stop_only": (),
    "safety.not_started": (),
    "buttons.safety_gentler": (),
    "buttons.safety_rest": (),
}

SAMPLES: dict[str, str] = {}
