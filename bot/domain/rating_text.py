"""Reading a 0-10 back-stiffness rating out of a free-text reply ("6", "6/10", "my back is a 7 today").

`parse_rating` returns a `RatingParse` with a `RatingKind`:

* ``OK``: exactly one rating, ``value`` in [0, 10] on the half-point grid.
* ``OUT_OF_RANGE``: exactly one rating, outside 0-10 (``11``, ``15/10``, ``-1``); ``value`` is the number
  as typed, so the reply can quote it.
* ``AMBIGUOUS``: numbers, but not one clear rating (``6 or 7``, ``between 5 and 6``, ``6-7``, ``3/5``);
  ``candidates`` holds the distinct numbers read, ``value`` is None.
* ``NOT_A_RATING``: no number at all (``hello``), or only numbers that are clearly something else: times
  (``7:15``, ``7am``), dates (``5/10/2024``, ``3 May``), ordinals (``5th``) and amounts with a unit
  (``20 minutes``, ``two days``, ``50%``).

Decisions:

* **Halves are kept.** Ratings live on a 0.5 grid: ``7.5``, ``7,5``, ``7 and a half``, ``seven and a
  half`` and ``7½`` all read 7.5. Any other decimal is rounded to the nearest half, ties upward
  (``7.3`` -> 7.5, ``6.2`` -> 6.0, ``7.25`` -> 7.5). The 0-10 range is checked on the number as typed,
  before rounding (``10.2`` is out of range).
* Number words ``zero`` to ``twenty`` are read as numbers (``seven``, ``ten``); ``one`` right after
  ``the``, ``this``, ``that``, ``left``, ``right`` etc. is taken as a pronoun ("the left one").
* ``x/10``, ``x out of 10`` and ``x of 10`` read as x; ``x/y`` with any other y is ambiguous.
* The same number said twice (``6, yes 6``) is one rating.
* ``7.15`` is a decimal here (7.0), not a time; ``7:15`` and ``7h15`` are times.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import StrEnum

MIN_RATING = 0.0
MAX_RATING = 10.0


class RatingKind(StrEnum):
    OK = "ok"
    OUT_OF_RANGE = "out_of_range"
    AMBIGUOUS = "ambiguous"
    NOT_A_RATING = "not_a_rating"


@dataclass(frozen=True, slots=True)
class RatingParse:
    kind: RatingKind
    value: float | None = None
    candidates: tuple[float, ...] = ()


_NUMBER_WORDS = {
    "zero": 0,
    "nought": 0,
    "nil": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
}
_ONE_AS_PRONOUN = r"(?<!\w)(?:the|this|that|which|each|every|any|no|other|left|right|same|last|first)\s+one\b"
_NUMBER = r"\d+(?:\.\d+)?"
_UNITS = (
    r"s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|days?|nights?|weeks?|wks?|months?|years?|yrs?"
    r"|times|x|reps?|sets?|kg|kgs|kilos?|lbs?|pounds?|km|kms|miles?|mi|steps|cm|mm|inch(?:es)?|%|percent"
    r"|degrees?|°|o'?clock|am|pm|a\.m\.?|p\.m\.?"
)
_MONTHS = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?"
    r"|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)

# Things with digits that are not ratings; each is removed before numbers are read.
_NOT_RATINGS = [
    re.compile(r"\d{1,4}([/.\-])\d{1,2}\1\d{1,4}"),  # dates: 5/10/2024, 2024-05-10, 10.5.24
    re.compile(r"\d{1,2}\s*[:h]\s*\d{2}(?!\d)(?:\s*(?:am|pm|a\.m\.?|p\.m\.?)(?!\w))?"),  # times: 7:15, 7h15
    re.compile(rf"\d+(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTHS})(?![a-z])"),  # dates: 3 may, 5th of june
    re.compile(rf"(?<![a-z])(?:{_MONTHS})\s+\d+(?:st|nd|rd|th)?(?!\d)"),  # dates: may 3, june 5th
    re.compile(r"\d+(?:st|nd|rd|th)(?![a-z])"),  # ordinals: 5th
    re.compile(rf"-?{_NUMBER}\s*(?:{_UNITS})(?![a-z])"),  # amounts: 20 minutes, 2 days, 50%, 7am
]
_OUT_OF_TEN = re.compile(rf"({_NUMBER})\s*(?:/|out\s+of|of)\s*10(?![\d.])")
_FRACTION = re.compile(rf"{_NUMBER}\s*/\s*{_NUMBER}")
_RANGE = re.compile(rf"{_NUMBER}\s*(?:-|–|—|~)\s*{_NUMBER}")
_HALF = re.compile(r"(\d+)\s*(?:and|&|n)\s+(?:a\s+)?half\b")
_SIGNED_NUMBER = re.compile(rf"(?<![\w.])(-?)({_NUMBER}|\.\d+)(?![\w])")
_DIGIT = re.compile(r"\d")


def _normalize(text: str) -> str:
    lowered = text.casefold().replace("−", "-")
    lowered = re.sub(r"\s*½", ".5", lowered)
    lowered = re.sub(r"(?<!\d)\.5", "0.5", lowered)
    lowered = re.sub(r"(?<=\d),(?=\d)", ".", lowered)  # decimal comma: 7,5
    lowered = re.sub(r"\bminus\s+", "-", lowered)
    lowered = re.sub(_ONE_AS_PRONOUN, " ", lowered)
    lowered = re.sub(r"\b(" + "|".join(_NUMBER_WORDS) + r")\b", lambda m: str(_NUMBER_WORDS[m.group(1)]), lowered)
    lowered = _HALF.sub(r"\1.5", lowered)
    return lowered


def _round_to_half(value: float) -> float:
    return math.floor(value * 2 + 0.5) / 2


def parse_rating(text: str) -> RatingParse:
    """Read one 0-10 rating from user text; see the module docstring for the kinds and decisions."""
    normalized = _normalize(text)
    if not _DIGIT.search(normalized):
        return RatingParse(RatingKind.NOT_A_RATING)
    for pattern in _NOT_RATINGS:
        normalized = pattern.sub(" ", normalized)
    normalized = _OUT_OF_TEN.sub(r" \1 ", normalized)
    spans = _FRACTION.findall(normalized) + _RANGE.findall(normalized)
    if spans:
        numbers = sorted({float(n) for span in spans for n in re.findall(_NUMBER, span)})
        return RatingParse(RatingKind.AMBIGUOUS, candidates=tuple(numbers))
    values = sorted({float(sign + number) for sign, number in _SIGNED_NUMBER.findall(normalized)})
    if not values:
        return RatingParse(RatingKind.NOT_A_RATING)
    if len(values) > 1:
        return RatingParse(RatingKind.AMBIGUOUS, candidates=tuple(values))
    (value,) = values
    if not MIN_RATING <= value <= MAX_RATING:
        return RatingParse(RatingKind.OUT_OF_RANGE, value=value)
    return RatingParse(RatingKind.OK, value=_round_to_half(value))
