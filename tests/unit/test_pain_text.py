"""The safety recogniser (`bot.domain.pain_text`) with the real word lists from `content/locales/*/safety_words.yaml`:
many real phrasings, negations that must not trigger, typos, and the most serious kind winning."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.content.loader import load_content
from bot.domain.pain_text import PainLexicon, SafetyKind, compile_lexicon, phrase_problem, recognise

RED, WARN, PAIN = SafetyKind.RED_FLAG, SafetyKind.WARNING, SafetyKind.PAIN
CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture(scope="module")
def lexicon() -> PainLexicon:
    return load_content(CONTENT).safety_words


PHRASINGS: list[tuple[str, SafetyKind | None]] = [
    # pain, plainly
    ("ouch this hurts", PAIN),
    ("my back hurts", PAIN),
    ("it hurts", PAIN),
    ("Ouch!", PAIN),
    ("owww", PAIN),
    ("that was painful", PAIN),
    ("my hip is really sore", PAIN),
    ("aching a lot this morning", PAIN),
    ("I'm in agony", PAIN),
    ("hurting quite a bit now", PAIN),
    ("lower back is killing me", PAIN),
    ("got a cramp in my hip", PAIN),
    ("I think I pulled something", PAIN),
    ("I can't take it", PAIN),
    ("back pain 7", PAIN),
    ("not sure but it hurts", PAIN),
    ("the pain is no better", PAIN),
    # typos
    ("my back hurst", PAIN),
    ("paiiin", PAIN),
    ("pian in my hip", PAIN),
    ("HURTS!!!", PAIN),
    # warning signs
    ("I have sharp pain down my leg", WARN),
    ("shooting pain into my foot", WARN),
    ("pain going down my left leg", WARN),
    ("my foot is numb", WARN),
    ("tingling in my toes", WARN),
    ("pins and needles in my calf", WARN),
    ("my leg feels weak", WARN),
    ("sciatica is back", WARN),
    ("siatica flaring", WARN),
    ("feels like a trapped nerve", WARN),
    ("it's getting worse and worse", WARN),
    ("no pain but my leg is numb", WARN),
    ("numbnes in my thigh", WARN),
    # red flags
    ("I wet myself", RED),
    ("I can't control my bladder", RED),
    ("lost control of my bowels", RED),
    ("no control over my bladder since yesterday", RED),
    ("numb between my legs", RED),
    ("saddle numbness", RED),
    ("numbness in my groin", RED),
    ("both legs feel weak", RED),
    ("weakness in both legs", RED),
    ("my blader is weird", RED),
    ("sharp pain and I peed myself", RED),
    ("can't feel my bum", RED),
    # negations and other things that report nothing
    ("no pain today", None),
    ("No pain!", None),
    ("it doesn't hurt", None),
    ("doesnt hurt at all", None),
    ("pain-free this morning", None),
    ("the pain is gone", None),
    ("I'm not in pain", None),
    ("no pain or numbness", None),
    ("never had any numbness", None),
    ("no bladder or bowel problems", None),
    ("less pain than yesterday", None),
    ("feeling great", None),
    ("my back is a 6", None),
    ("stiff but ok", None),
    ("thanks!", None),
    ("it's a pain to find time", None),
    ("my numbers look better", None),
    ("see you at 7 sharp", None),
    ("I went back to work", None),
    ("two weeks", None),
    ("", None),
]


@pytest.mark.parametrize(("text", "expected"), PHRASINGS)
def test_phrasing(lexicon: PainLexicon, text: str, expected: SafetyKind | None) -> None:
    assert recognise(text, lexicon) == expected


def test_the_table_is_large_and_balanced() -> None:
    assert len(PHRASINGS) >= 40
    assert sum(1 for _, kind in PHRASINGS if kind is None) >= 15
    assert {kind for _, kind in PHRASINGS} == {RED, WARN, PAIN, None}


def test_short_words_are_never_fuzzy() -> None:
    small = compile_lexicon(red_flag=["bladder"], warning=["numb"], pain=["pain"], negations=["no"], negations_after=[])
    assert recognise("I paid", small) is None
    assert recognise("nump", small) is None
    assert recognise("bladdr", small) == RED
    assert recognise("a ladder", small) is None  # the first letter must match


def test_gaps_stop_at_a_clause() -> None:
    small = compile_lexicon(
        red_flag=["x"], warning=["pain ... leg"], pain=["pain"], negations=["no"], negations_after=[]
    )
    assert recognise("pain going down my leg", small) == WARN
    assert recognise("pain. my leg is fine", small) == PAIN


@pytest.mark.parametrize("bad", ["", "... pain", "pain ...", "Pain", "pa-in", "hurt**"])
def test_phrase_problems(bad: str) -> None:
    assert phrase_problem(bad) is not None


def test_good_phrases() -> None:
    assert phrase_problem("hurt*|ache ... leg") is None
