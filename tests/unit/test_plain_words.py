"""Plain words that mean a command, and small talk (`bot.domain.plain_words`)."""

from __future__ import annotations

import pytest

from bot.domain.plain_words import command_word, small_talk


@pytest.mark.parametrize(
    ("text", "expected"),
    [("help", "help"), ("Help!", "help"), ("help me please", "help"), ("stop", "stop"), ("Stop it", "stop"),
     ("pause", "pause"), ("resume", "resume"), ("start", "start"), ("let's go", "start"), ("settings", "settings"),
     ("progress", "progress"), ("show my progress", "progress"), ("history", "history"), ("skip", "skip"),
     ("skip today", "skip"), ("later", "later"), ("snooze", "later"), ("done", "done"), ("next", "next" and "done"),
     ("I couldn't stop laughing", None), ("stop the music", None), ("help or stop", None), ("my back is a 6", None),
     ("thanks", None), ("", None)],
)  # fmt: skip
def test_command_word(text: str, expected: str | None) -> None:
    assert command_word(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("thanks!", "thanks"), ("Thank you", "thanks"), ("👍", "emoji"), ("🙏🙏", "emoji"), ("hi", "greeting"),
     ("Good morning!", "greeting"), ("ok", "ok"), ("great", "ok"), ("my back is a 6", None), ("help", None)],
)  # fmt: skip
def test_small_talk(text: str, expected: str | None) -> None:
    assert small_talk(text) == expected
