"""Recognising a report of pain or a warning sign in typed text ("ouch", "sharp pain down my leg", "I wet myself").

Pure: the word lists come from `content/locales/*/safety_words.yaml` (a coach can extend them; `content check` validates
them) and are compiled once into a `PainLexicon`. `recognise(text, lexicon)` returns the most serious
`SafetyKind` found, or None.

Phrase syntax (one phrase per list entry, lower case):

* words separated by spaces; ``a|b|c`` is one word with alternatives;
* a word ending in ``*`` matches every word that starts with it (``hurt*``: hurt, hurts, hurting);
* ``...`` is a gap of up to `GAP_WORDS` words (``pain ... leg``: "pain going down my leg").

Decisions:

* **Most serious wins**: a red flag (urgent care now) over a warning sign (see a clinician) over pain.
* **Negations**: a match is ignored when a negation word (``no``, ``not``, ``without``, ``doesn't``...) stands at
  most `NEGATION_WINDOW` words before it in the same clause ("no pain today", "it doesn't hurt", "no pain or
  numbness"), or an "after" word follows it closely ("pain free", "the pain is gone"). A clause ends at
  ``, . ; ! ?`` and at ``but``/``though``/``except``: "no pain but my leg is numb" reports the numbness.
  Phrases that merely contain a negation word ("not sure", "no idea") are defused first.
* **Typos**: runs of three or more of one letter count as one ("owww", "paiiin"); a word of `FUZZY_MIN` letters or
  more that is one edit (insert, delete, substitute, swap) away from a literal phrase word with the same first
  letter matches it ("blader", "siatica"). Short words are never fuzzy ("paid" is not "pain"); common short typos
  are listed in the content instead.
* Idioms in the ``ignore`` list ("a pain to", "pain in the neck") are removed before anything is matched.
* Words are Unicode letters and digits: the lists of every language (`content/locales/*/safety_words.yaml`) use
  the same syntax ("schmerz*", "боль*").
* Apostrophes are dropped (``can't`` -> ``cant``); hyphens split words (``pain-free`` -> ``pain free``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

GAP_WORDS = 4
NEGATION_WINDOW = 3
AFTER_WINDOW = 3
FUZZY_MIN = 6
_STOP = "|"  # a clause boundary in the token list
_CLAUSE_WORDS = frozenset({"but", "though", "although", "except", "however", "yet"})


class SafetyKind(StrEnum):
    RED_FLAG = "red_flag"  # seek urgent care now
    WARNING = "warning"  # stop, see a clinician
    PAIN = "pain"  # stop, go gentler


_SEVERITY = (SafetyKind.RED_FLAG, SafetyKind.WARNING, SafetyKind.PAIN)


@dataclass(frozen=True, slots=True)
class _Word:
    options: tuple[str, ...]
    prefixes: tuple[str, ...]

    def matches(self, token: str) -> bool:
        if token in self.options or any(token.startswith(p) for p in self.prefixes):
            return True
        return len(token) >= FUZZY_MIN and any(
            len(option) >= FUZZY_MIN and option[0] == token[0] and _one_edit(token, option) for option in self.options
        )


_GAP = _Word((), ())
Phrase = tuple[_Word, ...]


@dataclass(frozen=True, slots=True)
class PainLexicon:
    red_flag: tuple[Phrase, ...]
    warning: tuple[Phrase, ...]
    pain: tuple[Phrase, ...]
    negations: frozenset[str]
    negations_after: frozenset[str]
    defuse: tuple[tuple[str, ...], ...]
    ignore: tuple[tuple[str, ...], ...]

    def phrases(self, kind: SafetyKind) -> tuple[Phrase, ...]:
        return {SafetyKind.RED_FLAG: self.red_flag, SafetyKind.WARNING: self.warning, SafetyKind.PAIN: self.pain}[kind]


def phrase_problem(phrase: str) -> str | None:
    """Why `phrase` is not a valid phrase (None if it is); used by the content schema."""
    words = phrase.split()
    if not words:
        return "empty phrase"
    if words[0] == "..." or words[-1] == "...":
        return "a phrase may not start or end with '...'"
    for word in words:
        if word == "...":
            continue
        for option in word.split("|"):
            if not re.fullmatch(r"[^\W_]+\*?", option) or option != option.lower():
                return f"{option!r}: use lower-case letters and digits, '*' at the end, '|' between alternatives"
    return None


def _compile_phrase(phrase: str) -> Phrase:
    words: list[_Word] = []
    for word in unicodedata.normalize("NFKC", phrase).casefold().split():
        if word == "...":
            words.append(_GAP)
            continue
        options = word.split("|")
        words.append(
            _Word(
                tuple(o for o in options if not o.endswith("*")),
                tuple(o[:-1] for o in options if o.endswith("*")),
            )
        )
    return tuple(words)


def compile_lexicon(
    *,
    red_flag: Sequence[str],
    warning: Sequence[str],
    pain: Sequence[str],
    negations: Sequence[str],
    negations_after: Sequence[str],
    defuse: Sequence[str] = (),
    ignore: Sequence[str] = (),
) -> PainLexicon:
    """Compile the content's lists (see the module docstring for the syntax)."""
    return PainLexicon(
        red_flag=tuple(_compile_phrase(p) for p in red_flag),
        warning=tuple(_compile_phrase(p) for p in warning),
        pain=tuple(_compile_phrase(p) for p in pain),
        negations=frozenset(_tokens(" ".join(negations))),
        negations_after=frozenset(_tokens(" ".join(negations_after))),
        defuse=tuple(tuple(_tokens(p)) for p in defuse),
        ignore=tuple(tuple(_tokens(p)) for p in ignore),
    )


def _one_edit(a: str, b: str) -> bool:
    """True if `a` and `b` differ by exactly one insertion, deletion, substitution or swap of neighbours."""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        diffs = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
        if len(diffs) == 1:
            return True
        if len(diffs) != 2 or diffs[1] != diffs[0] + 1:
            return False
        return a[diffs[0]] == b[diffs[1]] and a[diffs[1]] == b[diffs[0]]
    short, long = (a, b) if len(a) < len(b) else (b, a)
    i = 0
    while i < len(short) and short[i] == long[i]:
        i += 1
    return short[i:] == long[i + 1 :]


def _tokens(text: str) -> list[str]:
    """Lower-case words and clause boundaries (`_STOP`)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = re.sub(r"['’`´]", "", text)
    text = re.sub(r"([^\W\d_])\1\1+", r"\1", text)  # owww -> ow, paiiin -> pain
    text = re.sub(r"[,.;:!?()\n]+", f" {_STOP} ", text)
    tokens = []
    for token in re.findall(rf"[^\W_]+|\{_STOP}", text):
        tokens.append(_STOP if token in _CLAUSE_WORDS else token)
    return tokens


def _remove(tokens: list[str], phrases: tuple[tuple[str, ...], ...], replacement: str | None) -> list[str]:
    out = list(tokens)
    for phrase in phrases:
        if not phrase:
            continue
        i = 0
        while i <= len(out) - len(phrase):
            if tuple(out[i : i + len(phrase)]) == phrase:
                out[i : i + len(phrase)] = [replacement] if replacement else [_STOP]
            i += 1
    return out


def _match_at(phrase: Phrase, tokens: list[str], start: int) -> int | None:
    """The index after the match of `phrase` starting at `tokens[start]`, or None."""
    position = start
    index = 0
    while index < len(phrase):
        word = phrase[index]
        if word is _GAP:
            following = phrase[index + 1]
            for skip in range(GAP_WORDS + 1):
                at = position + skip
                if at >= len(tokens) or tokens[at] == _STOP:
                    return None
                if following.matches(tokens[at]):
                    position = at + 1
                    break
            else:
                return None
            index += 2
            continue
        if position >= len(tokens) or tokens[position] == _STOP or not word.matches(tokens[position]):
            return None
        position += 1
        index += 1
    return position


def _negated(tokens: list[str], start: int, end: int, lexicon: PainLexicon) -> bool:
    for i in range(start - 1, max(-1, start - 1 - NEGATION_WINDOW), -1):
        if tokens[i] == _STOP:
            break
        if tokens[i] in lexicon.negations:
            return True
    for i in range(end, min(len(tokens), end + AFTER_WINDOW)):
        if tokens[i] == _STOP:
            break
        if tokens[i] in lexicon.negations_after:
            return True
    return False


def _found(phrases: tuple[Phrase, ...], tokens: list[str], lexicon: PainLexicon) -> bool:
    for phrase in phrases:
        for start in range(len(tokens)):
            end = _match_at(phrase, tokens, start)
            if end is not None and not _negated(tokens, start, end, lexicon):
                return True
    return False


def recognise(text: str, lexicon: PainLexicon) -> SafetyKind | None:
    """The most serious kind of pain or warning sign `text` reports, or None (see the module docstring)."""
    tokens = _tokens(text)
    if not tokens:
        return None
    tokens = _remove(tokens, lexicon.ignore, None)
    tokens = _remove(tokens, lexicon.defuse, "unsure")
    for kind in _SEVERITY:
        if _found(lexicon.phrases(kind), tokens, lexicon):
            return kind
    return None
