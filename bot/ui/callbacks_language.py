"""Callback data of /language: the language the user picks ("" shows the choice, from the /settings row)."""

from __future__ import annotations

from dataclasses import dataclass

from bot.ui.callbacks import CallbackData


@dataclass(frozen=True, slots=True)
class PickLanguage(CallbackData):
    """A locale code of content/locales (checked against the content when tapped); "" asks which."""

    prefix = "lg"
    code: str
