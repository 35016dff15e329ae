"""Typed answers to the outcome questions: stiffness minutes and PEG items."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.answers import Answer, Declined, Unclear, parse_peg_item, parse_stiffness_minutes


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("none", 0), ("0", 0), ("not stiff at all", 0), ("No", 0),
        ("about 40 min", 40), ("about 30 minutes", 30), ("30", 30), ("maybe 20", 20), ("45m", 45), ("5 mins", 5),
        ("half an hour", 30), ("about half an hour", 30), ("quarter of an hour", 15),
        ("an hour", 60), ("1 hour", 60), ("an hour and a half", 90), ("1h30", 90), ("1:30", 90), ("1.5 h", 90),
        ("1,5 hours", 90), ("30-40 minutes", 35), ("1-2 hours", 90),
        ("2+ hours", 120), ("3 hours", 120), ("120+", 120), ("all morning", 120), ("a couple of hours", 120),
    ],
)  # fmt: skip
def test_minutes(text: str, minutes: int) -> None:
    assert parse_stiffness_minutes(text) == Answer(minutes)


@pytest.mark.parametrize("text", ["skip", "Not now", "later", "stop", "no thanks", "not sure"])
def test_declines(text: str) -> None:
    assert parse_stiffness_minutes(text) == Declined()
    assert parse_peg_item(text) == Declined()


@pytest.mark.parametrize(
    ("text", "reason"),
    [("30 or 40", "ambiguous"), ("20 min then 10 min", "ambiguous"), ("-5", "out_of_range"),
     ("3000 minutes", "out_of_range"), ("my back hurts", "unknown"), ("hello", "unknown"), ("help", "unknown")],
)  # fmt: skip
def test_unclear_minutes(text: str, reason: str) -> None:
    assert parse_stiffness_minutes(text) == Unclear(reason)


@pytest.mark.parametrize(("text", "value"), [("6", 6), ("6/10", 6), ("about a 7", 7), ("six", 6), ("0", 0)])
def test_peg_items(text: str, value: int) -> None:
    assert parse_peg_item(text) == Answer(value)


@pytest.mark.parametrize(
    ("text", "reason"), [("6.5", "ambiguous"), ("11", "out_of_range"), ("6 or 7", "ambiguous"), ("hi", "unknown")]
)
def test_unclear_peg(text: str, reason: str) -> None:
    assert parse_peg_item(text) == Unclear(reason)


@given(st.text(max_size=60))
def test_any_text_gives_an_answer_in_range_or_none(text: str) -> None:
    parsed = parse_stiffness_minutes(text)
    assert isinstance(parsed, Answer | Declined | Unclear)
    if isinstance(parsed, Answer):
        assert 0 <= parsed.value <= 120
    peg = parse_peg_item(text)
    if isinstance(peg, Answer):
        assert 0 <= peg.value <= 10


# Pain typed to an outcome question is read by issue 17's recogniser (`bot.domain.pain_text`, the one list of
# words in content/locales/*/safety_words.yaml) before any question's reader: the phrasings 18's questions expect.
@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("I can't control my bladder", "red_flag"),
        ("numb between my legs", "red_flag"),
        ("both legs feel weak", "red_flag"),
        ("trouble passing urine", "red_flag"),
        ("my back hurts", "pain"),
        ("hello", None),
        ("about 40 min", None),
        ("30 or 40", None),
    ],
)
def test_pain_in_answers_is_recognised_by_the_one_recogniser(text: str, kind: str | None) -> None:
    from pathlib import Path

    from bot.content.loader import load_content
    from bot.domain.pain_text import recognise

    lexicon = load_content(Path(__file__).resolve().parents[2] / "content").safety_words
    found = recognise(text, lexicon)
    assert (found.value if found is not None else None) == kind
