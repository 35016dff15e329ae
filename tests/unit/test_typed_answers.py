"""Typed answers to the bot's questions (`bot.domain.typed_answers`)."""

from __future__ import annotations

import pytest

from bot.domain.typed_answers import UNTIL_RESUMED, choose, parse_days, parse_minutes, yes_or_no

SIDES = {"left": frozenset({"left"}), "right": frozenset({"right"}), "same": frozenset({"same", "both", "equal"})}


@pytest.mark.parametrize(
    ("text", "expected"),
    [("Right", "right"), ("the right one", "right"), ("right side!", "right"), ("LEFT", "left"),
     ("about the same", "same"), ("both", "same"), ("left or right", None), ("no idea", None), ("", None)],
)  # fmt: skip
def test_choose(text: str, expected: str | None) -> None:
    assert choose(text, SIDES) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("yes", True), ("Yes, delete", True), ("y", True), ("ok", True), ("no", False), ("cancel", False),
     ("don't", False), ("nope", False), ("maybe", None), ("yes no", None)],
)  # fmt: skip
def test_yes_or_no(text: str, expected: bool | None) -> None:
    assert yes_or_no(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("2 weeks", 14), ("two weeks", 14), ("a week", 7), ("3 days", 3), ("3", 3), ("week", 7), ("1 month", 30),
     ("until I resume", UNTIL_RESUMED), ("indefinitely", UNTIL_RESUMED), ("tomorrow", 1), ("soon", None),
     ("hello", None)],
)  # fmt: skip
def test_parse_days(text: str, expected: int | None) -> None:
    assert parse_days(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [("10", 10), ("10 min", 10), ("10 minutes", 10), ("half an hour", 30), ("an hour", 60), ("1 hour", 60),
     ("15m", 15), ("quarter of an hour", 15), ("soon", None)],
)  # fmt: skip
def test_parse_minutes(text: str, expected: int | None) -> None:
    assert parse_minutes(text) == expected
