"""Understanding typed input in any language the content speaks: foreign words are read as the English words the
parsers know ("sieben" -> 7, "fertig" -> done, "ja" -> yes, "Uhr" -> h, "München" -> Europe/Berlin).

Pure. The word lists are content (`content/locales/<code>/understanding.yaml`, plus the exemplar city names of
Babel's CLDR data); the loader builds one `Understanding` per language (that language's words and English's), so a
new language needs no code. `translate` replaces whole words and phrases (longest first, letter case ignored)
and keeps everything else, so the English parsers (`bot.domain.rating_text`, `plain_words`, `typed_answers`,
`time_of_day`, `answers`) read the result; what the user typed is still quoted as typed.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field


def fold(text: str) -> str:
    """Case- and accent-insensitive key, with `_-.,'` as spaces: "São_Paulo " -> "sao paulo", "Мюнхен" -> "мюнхен"."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # Cyrillic й/ё decompose to и/е + a mark; folding them too is what people type without the mark anyway.
    spaced = re.sub(r"[_\-.,'’]", " ", stripped.casefold())
    return " ".join(spaced.split())


@dataclass(frozen=True)
class Understanding:
    """`phrases`: lower-cased word or phrase -> the English it means ("" drops a filler); `cities`: folded city name
    -> IANA zone."""

    phrases: Mapping[str, str] = field(default_factory=dict)
    cities: Mapping[str, str] = field(default_factory=dict)
    # folded word -> the English keyword it means, read only by `keyword` (not by `translate`)
    keywords: Mapping[str, str] = field(default_factory=dict)
    _pattern: re.Pattern[str] | None = field(init=False, default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.phrases:
            ordered = sorted(self.phrases, key=lambda p: (-len(p), p))
            alternatives = "|".join(r"\s+".join(map(re.escape, p.split())) for p in ordered)
            pattern = re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)", re.IGNORECASE)
            object.__setattr__(self, "_pattern", pattern)

    def translate(self, text: str) -> str:
        """`text` with every known foreign word or phrase replaced by its English meaning."""
        if self._pattern is None:
            return text
        normalized = unicodedata.normalize("NFC", text)
        translated = self._pattern.sub(lambda m: self.phrases[" ".join(m.group(0).casefold().split())], normalized)
        return " ".join(translated.split()) if translated != normalized else text

    def zone_for(self, text: str) -> str | None:
        """The zone a city name in this language names ("München", "Múnich", "Мюнхен"), or None."""
        return self.cities.get(fold(text))

    def keyword(self, word: str) -> str:
        """The English keyword `word` means where a keyword is asked for ("täglich" -> "daily"), else `word` folded."""
        folded = fold(word)
        return self.keywords.get(folded, folded)

    def merged(self, other: Understanding) -> Understanding:
        """These words, and `other`'s where these have none."""
        return Understanding(
            {**other.phrases, **self.phrases}, {**other.cities, **self.cities}, {**other.keywords, **self.keywords}
        )
