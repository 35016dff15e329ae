"""Reading typed answers to the outcome questions: morning-stiffness minutes and a 0-10 PEG item.

One parser per question kind, each returning an `Answer`, a `Declined` ("skip", "not now") or an `Unclear` (ask
again, nothing stored):

* `parse_stiffness_minutes`: "none", "0", "about 40 min", "half an hour", "an hour and a half", "1h30", "1.5 h",
  "30-40 minutes" (the middle; "30 or 40" is ambiguous), "2+ hours", "all morning" -> minutes, capped at 120
  ("2 hours or more", BASDAI question 6). A bare number is minutes. Negative or over a day: unclear.
* `parse_peg_item`: one whole number 0-10 ("6", "6/10", "about a 7"); halves, several numbers or none: unclear.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain.outcomes import STIFFNESS_CAP_MINUTES
from bot.domain.rating_text import RatingKind, parse_rating


@dataclass(frozen=True, slots=True)
class Answer:
    value: int


@dataclass(frozen=True, slots=True)
class Declined:
    """The user said skip / not now / stop."""


@dataclass(frozen=True, slots=True)
class Unclear:
    """Not an answer: ask again and store nothing. `reason`: "ambiguous", "out_of_range" or "unknown"."""

    reason: str = "unknown"


Parsed = Answer | Declined | Unclear

_DECLINE = re.compile(
    r"^\s*(skip( it| this| today)?|not now|later|maybe later|no thanks|no thank you|pass|stop|cancel|"
    r"don'?t know|dunno|not sure|no idea)\s*[.!]*\s*$",
    re.IGNORECASE,
)
_NONE = re.compile(
    r"^\s*(none|no|nope|zero|nil|nothing|0|not stiff( at all)?|not at all|no stiffness|wasn'?t stiff|"
    r"i wasn'?t stiff|no morning stiffness|0 min(ute)?s?)\s*[.!]*\s*$",
    re.IGNORECASE,
)
_ALL = re.compile(r"\b(all (day|morning)|the whole (day|morning)|still stiff|still is|hours and hours)\b", re.I)
_WORDS = {
    "a": 1.0, "an": 1.0, "one": 1.0, "two": 2.0, "three": 3.0, "four": 4.0, "five": 5.0, "ten": 10.0,
    "fifteen": 15.0, "twenty": 20.0, "thirty": 30.0, "forty": 40.0, "forty-five": 45.0, "fifty": 50.0,
    "sixty": 60.0, "ninety": 90.0, "a couple of": 2.0, "a few": 3.0, "couple of": 2.0,
}  # fmt: skip
_NUMBER = (
    r"(\d+(?:[.,]\d+)?|a couple of|couple of|a few|forty-five|fifteen|twenty|thirty|forty|fifty|sixty|ninety|ten"
    r"|an|a|one|two|three|four|five)"
)
_HOURS = r"(?:hours?|hrs?|h)"
_MINUTES = r"(?:minutes?|mins?|m)"
_UNIT = re.compile(rf"{_NUMBER}\s*(\+|or more|plus)?\s*({_HOURS}|{_MINUTES})\b", re.IGNORECASE)
_HALF_HOUR = re.compile(r"\b(half an hour|half hour|1/2 ?(an )?h(ou)?r)\b", re.IGNORECASE)
_AND_A_HALF = re.compile(rf"{_NUMBER}\s*(?:{_HOURS})?\s*and a half\s*(?:{_HOURS})?", re.IGNORECASE)
_QUARTER = re.compile(r"\b(a )?quarter of an hour\b", re.IGNORECASE)
_H_M = re.compile(r"\b(\d{1,2})\s*(?:h|hours?|hrs?|:)\s*(\d{1,2})\s*(?:m|min|mins|minutes)?\b", re.IGNORECASE)
_BARE = re.compile(r"^\D*?(\d+(?:[.,]\d+)?)(\s*\+)?\D*$")
_RANGE = re.compile(rf"(\d+)\s*(?:-|–|to)\s*(\d+)\s*({_HOURS}|{_MINUTES})?", re.IGNORECASE)
_MAX_MINUTES = 24 * 60


def _number(text: str) -> float:
    lowered = text.lower()
    if lowered in _WORDS:
        return _WORDS[lowered]
    return float(lowered.replace(",", "."))


def _capped(minutes: float) -> Parsed:
    if minutes < 0 or minutes > _MAX_MINUTES:
        return Unclear("out_of_range")
    return Answer(min(round(minutes), STIFFNESS_CAP_MINUTES))


def parse_stiffness_minutes(text: str) -> Parsed:
    """How long the back stayed stiff after waking, in minutes (0-120), from a typed reply."""
    cleaned = text.strip()
    if _DECLINE.match(cleaned):
        return Declined()
    if _NONE.match(cleaned):
        return Answer(0)
    if re.search(r"-\s*\d", cleaned) and not _RANGE.search(cleaned):
        return Unclear("out_of_range")
    if _ALL.search(cleaned):
        return Answer(STIFFNESS_CAP_MINUTES)
    if match := _H_M.search(cleaned):
        return _capped(int(match.group(1)) * 60 + int(match.group(2)))
    if match := _AND_A_HALF.search(cleaned):
        return _capped((_number(match.group(1)) + 0.5) * 60)
    if match := _RANGE.search(cleaned):
        low, high = int(match.group(1)), int(match.group(2))
        scale = 60 if match.group(3) and match.group(3).lower().startswith("h") else 1
        if low > high:
            return Unclear("ambiguous")
        return _capped((low + high) / 2 * scale)
    found: list[float] = []
    if _HALF_HOUR.search(cleaned):
        found.append(30)
    if _QUARTER.search(cleaned):
        found.append(15)
    rest = _QUARTER.sub(" ", _HALF_HOUR.sub(" ", cleaned))
    for match in _UNIT.finditer(rest):
        unit = match.group(3).lower()
        value = _number(match.group(1))
        found.append(value * 60 if unit.startswith("h") else value)
    if len(found) > 1:
        return Unclear("ambiguous")
    if found:
        return _capped(found[0])
    numbers = re.findall(r"\d+(?:[.,]\d+)?", rest)
    if len(numbers) > 1:
        return Unclear("ambiguous")
    if numbers and (match := _BARE.match(cleaned)):
        return _capped(float(match.group(1).replace(",", ".")))
    return Unclear("unknown")


def parse_peg_item(text: str) -> Parsed:
    """One PEG item: a whole number from 0 to 10."""
    cleaned = text.strip()
    if _DECLINE.match(cleaned):
        return Declined()
    parsed = parse_rating(cleaned)
    if parsed.kind == RatingKind.OK and parsed.value is not None:
        if not float(parsed.value).is_integer():
            return Unclear("ambiguous")
        return Answer(int(parsed.value))
    if parsed.kind == RatingKind.OUT_OF_RANGE:
        return Unclear("out_of_range")
    if parsed.kind == RatingKind.AMBIGUOUS:
        return Unclear("ambiguous")
    return Unclear("unknown")
