"""Reading typed answers to the bot's questions: yes/no, a length in days or minutes, which side, a choice among a
few words. Pure and small; each returns None when the text does not answer the question (the caller then says
what it expected and changes nothing).

Decisions: matching is on whole words after lower-casing and dropping punctuation and apostrophes ("Right!",
"the right one", "right side" -> right); a text that names two options ("left or right") is no answer; number words
one to twelve are read ("two weeks"); "a"/"an" is one ("a week", "an hour"); "half an hour" is 30 minutes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

UNTIL_RESUMED = 0  # parse_days: "until I resume", "indefinitely"

_NUMBERS = {
    "a": 1,
    "an": 1,
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
    "couple": 2,
    "few": 3,
}
_DAY_UNITS = {"day": 1, "days": 1, "d": 1, "week": 7, "weeks": 7, "wk": 7, "wks": 7, "w": 7, "month": 30, "months": 30}
_MINUTE_UNITS = {"min": 1, "mins": 1, "minute": 1, "minutes": 1, "m": 1, "h": 60, "hr": 60, "hrs": 60, "hour": 60}
_MINUTE_UNITS |= {"hours": 60}
_FOREVER = re.compile(r"\b(until|till|til)\b.*\b(resume|resumed|back|further|say|tell|restart)|\bindefinite|\bforever")

YES = frozenset({"yes", "y", "yep", "yeah", "yup", "sure", "ok", "okay", "confirm", "delete", "do it", "go ahead"})
NO = frozenset({"no", "n", "nope", "nah", "cancel", "keep", "dont", "stop", "never mind", "nevermind", "abort"})


def words(text: str) -> list[str]:
    """Lower-case words of `text` (apostrophes dropped: "don't" -> "dont")."""
    cleaned = re.sub(r"['’`]", "", text.casefold())
    return re.findall(r"[^\W\d_]+|\d+", cleaned)


def _phrase_in(phrase: str, tokens: list[str]) -> bool:
    parts = phrase.split()
    return any(tokens[i : i + len(parts)] == parts for i in range(len(tokens) - len(parts) + 1))


def choose(text: str, options: Mapping[str, frozenset[str] | set[str] | tuple[str, ...]]) -> str | None:
    """The one option whose words (or phrases) `text` names; None if none or more than one is named."""
    tokens = words(text)
    found = {key for key, phrases in options.items() if any(_phrase_in(p, tokens) for p in phrases)}
    return found.pop() if len(found) == 1 else None


# Words that name a skip reason besides its button label (ids from content/coach.yaml's skip_reasons).
SKIP_REASON_WORDS: dict[str, frozenset[str]] = {
    "flare_up": frozenset({"flare", "flareup", "flare up", "flaring", "too stiff", "bad day", "bad back"}),
    "travelling": frozenset({"travel", "travelling", "traveling", "trip", "away", "holiday", "vacation", "flight"}),
    "ill": frozenset({"ill", "sick", "unwell", "cold", "flu", "covid", "fever", "poorly"}),
    "no_time": frozenset({"no time", "busy", "late", "rushed", "hurry", "time"}),
    "other": frozenset({"other", "something else"}),
    "none": frozenset({"no reason", "none", "just because", "nothing"}),
}


def typed_skip_reason(text: str, labels: Mapping[str, str]) -> str | None:
    """The skip reason id `text` names, from the reasons' labels (id -> label) and `SKIP_REASON_WORDS`."""
    options = {
        reason: frozenset({" ".join(words(label)), *SKIP_REASON_WORDS.get(reason, frozenset())})
        for reason, label in labels.items()
    }
    return choose(text, options)


GENTLE_WORDS: dict[str, frozenset[str]] = {
    "gentle": frozenset({"gentle", "gentler", "gently", "easy", "easier", "soft", "light", "lighter"}),
    "normal": frozenset({"normal", "usual", "regular", "full", "standard", "as usual"}),
    "skip": frozenset({"skip", "rest", "not today", "no stretch", "skip today"}),
}
SIDE_WORDS: dict[str, frozenset[str]] = {
    "left": frozenset({"left", "l"}),
    "right": frozenset({"right", "r"}),
    "same": frozenset({"same", "both", "equal", "equally", "neither", "no difference", "even"}),
    "skip": frozenset({"skip", "dont know", "not sure", "no idea", "pass"}),
}


def yes_or_no(text: str) -> bool | None:
    """True for yes, False for no, None for neither (or both)."""
    answer = choose(text, {"yes": YES, "no": NO})
    return None if answer is None else answer == "yes"


def _amount(tokens: list[str], units: Mapping[str, int]) -> int | None:
    for i, token in enumerate(tokens):
        if token in units:
            if i == 0:
                return units[token]  # "week" alone reads as one
            before = tokens[i - 1]
            if before.isdigit():
                return int(before) * units[token]
            if before in _NUMBERS:
                return _NUMBERS[before] * units[token]
            return units[token]
    return None


def parse_days(text: str) -> int | None:
    """A pause length: days (UNTIL_RESUMED for "until I resume"), or None. A bare number is days."""
    lowered = text.casefold()
    if _FOREVER.search(lowered):
        return UNTIL_RESUMED
    tokens = words(lowered)
    if len(tokens) == 1 and tokens[0].isdigit():
        return int(tokens[0])
    if len(tokens) >= 1 and tokens[0] in ("tomorrow",):
        return 1
    return _amount(tokens, _DAY_UNITS)


def parse_minutes(text: str) -> int | None:
    """A length in minutes ("10", "10 min", "half an hour", "an hour"), or None."""
    tokens = words(text)
    if _phrase_in("half an hour", tokens) or _phrase_in("half hour", tokens):
        return 30
    if _phrase_in("quarter of an hour", tokens) or _phrase_in("quarter hour", tokens):
        return 15
    if len(tokens) == 1 and tokens[0].isdigit():
        return int(tokens[0])
    digits = [t for t in tokens if t.isdigit()]
    amount = _amount(tokens, _MINUTE_UNITS)
    if amount is None and len(digits) == 1:
        return int(digits[0])
    return amount
