"""Texts of typed answers that do not answer the open question (`bot.services.questions`)."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, ...]] = {
    "questions.snooze": ("options",),
    "questions.skip_reason": ("options",),
    "questions.delete": (),
    "questions.gentle": (),
    "questions.side": (),
}

SAMPLES: dict[str, str] = {"options": "5, 10, 15"}
