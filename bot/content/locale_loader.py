"""Loading `content/locales/<code>/`: one language's texts, routine texts, safety words and typed-input words.

* `texts/*.yaml`: sections of `key: text`; English's set of keys is exactly the catalog's. Another locale is
  checked against English: extra keys, placeholders English uses that it leaves out, broken HTML, and plural texts
  (`one`/`few`/`many`/`other`...: every form the language's CLDR plural rules need, through Babel). Missing keys
  make it partial: a warning, and English is used for them.
* `routines/<id>.yaml`: `title`, `summary`, `steps: {<step id>: {title, text}}`; the rest of the routine (and any
  text left out) comes from `content/routines/<id>.yaml`.
* `safety_words.yaml`: pain and warning-sign words; every language's lists are recognised for every user.
* `understanding.yaml`: the words typed input is read with (`bot.domain.understanding`); plus Babel's localized
  city names for the timezone question.
* `language.yaml` (optional): `name` (default: Babel's name of the language in itself), `formats` (the Babel locale
  for dates and numbers, default the folder's code).
"""

from __future__ import annotations

import dataclasses
import unicodedata
from collections.abc import Mapping
from functools import cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError

from bot.content.catalog import PLURAL_COUNTS, TEXT_CATALOG
from bot.content.errors import CAUSE, CONSEQUENCE, ContentProblem
from bot.content.loader import (
    REFERENCE,
    STEP_PLACEHOLDERS,
    Content,
    check_template,
    display,
    read_yaml,
    validate,
)
from bot.content.schema import (
    CoachFile,
    LanguageFile,
    RoutineTranslation,
    SafetyWordsFile,
    UnderstandingFile,
)
from bot.content.texts import Template, Texts, template_placeholders
from bot.domain.pain_text import PainLexicon, compile_lexicon
from bot.domain.routine_model import Routine
from bot.domain.timezones import is_located_zone
from bot.domain.understanding import Understanding, fold

CATEGORIES = ("zero", "one", "two", "few", "many", "other")


def _is_plural(value: Any) -> bool:
    return isinstance(value, dict) and bool(value) and all(str(k) in CATEGORIES for k in value)


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    """`section: {key: text}` -> `{"section.key": text}`; a plural text (a mapping of categories) stays whole."""
    if not isinstance(data, dict) or (prefix in TEXT_CATALOG and _is_plural(data)):
        return {prefix: data}
    flat: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        nested = isinstance(value, dict) and not (path in TEXT_CATALOG and _is_plural(value))
        flat.update(_flatten(value, path) if nested else {path: value})
    return flat


@cache
def plural_tags(locale: str) -> frozenset[str]:
    """The plural forms a language needs for the numbers the bot shows (whole numbers up to 1000 and halves):
    CLDR's categories that only large numbers use ("many" for a million in Spanish) are not asked for."""
    rule = Locale.parse(locale).plural_form
    numbers = [*range(0, 1001), *(n + 0.5 for n in range(0, 100))]
    return frozenset(rule(n) for n in numbers) | {"other"}


@cache
def _cldr_tags(locale: str) -> frozenset[str]:
    return frozenset(Locale.parse(locale).plural_form.tags) | {"other"}


def _language_name(locale: str) -> str:
    parsed = Locale.parse(locale)
    return (parsed.get_display_name(parsed) or locale).capitalize()


class _Locale:
    def __init__(self, root: Path, code: str, problems: list[ContentProblem]) -> None:
        self.root, self.code, self.problems = root, code, problems
        self.folder = root / "locales" / code
        self.reference = code == REFERENCE

    def file(self, path: Path) -> str:
        return display(path, self.root)

    def problem(self, file: str, path: str, message: str, *, warning: bool = False, rank: int = 1) -> None:
        self.problems.append(ContentProblem(file, path, message, warning=warning, rank=rank))

    # --- texts ------------------------------------------------------------------------------------------------

    def texts(self, english: Mapping[str, Template] | None) -> dict[str, Template] | None:
        folder = self.folder / "texts"
        files = sorted(folder.glob("*.yaml"))
        if not files:
            self.problem(self.file(folder), "", "no text files (*.yaml) found", warning=not self.reference)
            return None if self.reference else {}
        flat: dict[str, Template] = {}
        where: dict[str, str] = {}
        unreadable: list[str] = []
        ok = True
        for path in files:
            file = self.file(path)
            data = read_yaml(path, self.root, self.problems)
            if data is None:
                unreadable.append(file)
                continue
            if not isinstance(data, dict):
                self.problem(file, "", "expected sections of texts (section: then key: text, indented)", rank=CAUSE)
                unreadable.append(file)
                continue
            for key, value in _flatten(data).items():
                if key in where:
                    self.problem(file, key, f"defined twice (also in {where[key]}); keep one")
                    ok = False
                    continue
                if key not in TEXT_CATALOG:
                    self.problem(file, key, "unknown text key (a typo? the bot never uses it)")
                    ok = False
                    continue
                where[key] = file
                if self._text(key, value, english, file):
                    flat[key] = value
                else:
                    ok = False
        missing = [key for key in TEXT_CATALOG if key not in flat and key not in where]
        if missing and unreadable:
            self.problem(
                self.file(folder), "", f"texts are not checked for missing keys until {', '.join(unreadable)} reads",
                rank=CONSEQUENCE,
            )  # fmt: skip
        elif missing and self.reference:
            for key in missing:
                self.problem(self.file(folder), key, "missing: the bot needs this text", rank=CONSEQUENCE)
        elif missing:
            self.problem(
                self.file(folder), "",
                f"partial: {len(missing)} texts not translated yet, English is used for them: {', '.join(missing)}",
                warning=True, rank=CONSEQUENCE,
            )  # fmt: skip
        if self.reference and (missing or unreadable or not ok):
            return None
        return flat

    def _text(self, key: str, value: Any, english: Mapping[str, Template] | None, file: str) -> bool:
        allowed = TEXT_CATALOG[key]
        if isinstance(value, dict):
            return self._plural_text(key, value, english, file)
        if not check_template(value, allowed, file, key, self.problems):
            return False
        reference = english.get(key) if english is not None else None
        if isinstance(reference, dict) and len(plural_tags(self.code)) > 1:
            needed = ", ".join(t for t in CATEGORIES if t in plural_tags(self.code))
            self.problem(
                file, key,
                f"this text has a number in it: write it with the plural forms {self._language()} needs "
                f"({needed}), like the English one",
            )  # fmt: skip
            return False
        self._compare_placeholders(key, value, reference, file)
        return True

    def _language(self) -> str:
        return Locale.parse(self.code).get_display_name("en") or self.code

    def _plural_text(self, key: str, value: dict[Any, Any], english: Mapping[str, Template] | None, file: str) -> bool:
        if key not in PLURAL_COUNTS:
            self.problem(file, key, "this text takes no number, so it has no plural forms: write one text")
            return False
        unknown = [str(k) for k in value if str(k) not in CATEGORIES]
        if unknown:
            self.problem(file, f"{key}.{unknown[0]}", f"not a plural form; use {', '.join(CATEGORIES)}")
            return False
        tags = plural_tags(self.code)
        ok = True
        for form, template in value.items():
            ok &= check_template(template, TEXT_CATALOG[key], file, f"{key}.{form}", self.problems)
        absent = [t for t in CATEGORIES if t in tags and t not in value]
        if absent:
            needed = ", ".join(t for t in CATEGORIES if t in tags)
            self.problem(file, key, f"{self._language()} needs the plural forms {needed}: add {', '.join(absent)}")
            ok = False
        unused = [str(k) for k in value if str(k) not in _cldr_tags(self.code)]
        if unused:
            self.problem(
                file, key, f"{self._language()} has no plural form {', '.join(unused)}; it is never used",
                warning=True,
            )  # fmt: skip
        if ok:
            reference = english.get(key) if english is not None else None
            self._compare_placeholders(key, value, reference, file)
        return ok

    def _compare_placeholders(self, key: str, value: Template, reference: Template | None, file: str) -> None:
        if reference is None or self.reference:
            return
        left_out = template_placeholders(reference) - template_placeholders(value) - {PLURAL_COUNTS.get(key, "")}
        if left_out:
            names = ", ".join("{" + name + "}" for name in sorted(left_out))
            self.problem(file, key, f"the English text shows {names}; this one leaves it out", warning=True)

    # --- routines ---------------------------------------------------------------------------------------------

    def routines(self, routines: dict[str, Routine], declared: set[str]) -> dict[str, Routine]:
        localized = dict(routines)
        folder = self.folder / "routines"
        for path in sorted(folder.glob("*.yaml")):
            file = self.file(path)
            data = read_yaml(path, self.root, self.problems)
            if data is None:
                continue
            routine = routines.get(path.stem)
            if routine is None and path.stem in declared:
                continue  # the routine itself has a problem, reported with its file
            if routine is None:
                have = ", ".join(sorted(routines)) or "none"
                self.problem(file, "", f"no routine {path.stem!r} in routines/ (name the file after its id: {have})")
                continue
            parsed = validate(RoutineTranslation, data, file, self.problems)
            if parsed is None:
                continue
            assert isinstance(parsed, RoutineTranslation)
            localized[routine.id] = self._routine(routine, parsed, file)
        return localized

    def _routine(self, routine: Routine, parsed: RoutineTranslation, file: str) -> Routine:
        steps = {step.id: step for step in routine.steps}
        ok = True
        for step_id, step in parsed.steps.items():
            if step_id not in steps:
                self.problem(
                    file, f"steps.{step_id}", f"no step {step_id!r} in {routine.id} (have: {', '.join(steps)})"
                )
                ok = False
            elif step.text is not None:
                ok &= check_template(step.text, tuple(STEP_PLACEHOLDERS), file, f"steps.{step_id}.text", self.problems)
        untranslated = [name for name in ("title", "summary") if getattr(parsed, name) is None]
        untranslated += [f"steps.{s}" for s in steps if s not in parsed.steps or parsed.steps[s].text is None]
        if untranslated:
            self.problem(
                file, "", f"partial: English is used for {', '.join(untranslated)}", warning=True, rank=CONSEQUENCE
            )
        if not ok:
            return routine
        new_steps = tuple(
            dataclasses.replace(
                step,
                title=(parsed.steps[step.id].title or step.title) if step.id in parsed.steps else step.title,
                text=((parsed.steps[step.id].text or step.text) if step.id in parsed.steps else step.text).strip(),
            )
            for step in routine.steps
        )
        return dataclasses.replace(
            routine, title=parsed.title or routine.title, summary=parsed.summary or routine.summary, steps=new_steps
        )

    # --- words ------------------------------------------------------------------------------------------------

    def safety_words(self) -> SafetyWordsFile | None:
        path = self.folder / "safety_words.yaml"
        data = read_yaml(path, self.root, self.problems, required=self.reference)
        if data is None:
            return None
        parsed = validate(SafetyWordsFile, data, self.file(path), self.problems)
        return parsed if isinstance(parsed, SafetyWordsFile) else None

    def understanding(self) -> Understanding:
        path = self.folder / "understanding.yaml"
        data = read_yaml(path, self.root, self.problems, required=False)
        phrases: dict[str, str] = {}
        cities: dict[str, str] = dict(_babel_cities(self.code))
        keywords: dict[str, str] = {}
        if data is not None:
            parsed = validate(UnderstandingFile, data, self.file(path), self.problems)
            if isinstance(parsed, UnderstandingFile):
                phrases, extra = _phrases(parsed)
                cities.update(extra)
                keywords = {fold(word): english for english, words in parsed.digest.items() for word in words}
        return Understanding(phrases, cities, keywords)

    def language(self) -> LanguageFile:
        path = self.folder / "language.yaml"
        data = read_yaml(path, self.root, self.problems, required=False)
        parsed = validate(LanguageFile, data, self.file(path), self.problems) if data is not None else None
        return parsed if isinstance(parsed, LanguageFile) else LanguageFile()


_REASON_WORDS = {
    "flare_up": "flare up", "travelling": "travel", "ill": "ill", "no_time": "no time", "other": "other",
    "none": "no reason",
}  # fmt: skip


def _unaccented(text: str) -> str:
    """`text` without accents on Latin letters, and with е for ё as Russian is mostly typed (й stays a letter)."""
    decomposed = unicodedata.normalize("NFD", text.replace("ё", "е"))
    kept = [ch for i, ch in enumerate(decomposed) if not (unicodedata.combining(ch) and decomposed[i - 1] < "\u0400")]
    return unicodedata.normalize("NFC", "".join(kept))


def _phrases(parsed: UnderstandingFile) -> tuple[dict[str, str], dict[str, str]]:
    """(lower-cased phrase -> English meaning, folded city -> zone)."""
    meaning: dict[str, str] = {}

    def add(english: str, phrases: list[str]) -> None:
        for phrase in phrases:
            spelled = " ".join(phrase.casefold().split())
            meaning.setdefault(spelled, english)
            meaning.setdefault(_unaccented(spelled), english)  # "si" for "sí", "mas suave" for "más suave"

    for number, phrases in parsed.numbers.items():
        add(str(int(number)) if float(number).is_integer() else str(number), phrases)
    add("yes", parsed.yes)
    add("no", parsed.no)
    for group in (parsed.commands, parsed.sides, parsed.gentle, parsed.units, parsed.time):
        for english, phrases in group.items():
            add(english, phrases)
    for kind, phrases in parsed.small_talk.items():
        add({"greeting": "hi"}.get(kind, kind), phrases)
    for reason, phrases in parsed.skip_reasons.items():  # words of `bot.domain.typed_answers.SKIP_REASON_WORDS`
        add(_REASON_WORDS[reason], phrases)
    add("", parsed.fillers)
    cities = {fold(name): zone for zone, names in parsed.cities.items() for name in names}
    return meaning, cities


@cache
def _babel_cities(code: str) -> dict[str, str]:
    """Folded exemplar city names of CLDR in this language -> zone ("мюнхен" is not one; "берлин" is)."""
    try:
        zones = Locale.parse(code).time_zones
    except (UnknownLocaleError, ValueError):
        return {}
    cities: dict[str, str] = {}
    for zone, names in zones.items():
        city = names.get("city") if isinstance(names, Mapping) else None
        if isinstance(city, str) and is_located_zone(zone):
            cities.setdefault(fold(city), zone)
    return cities


def _lexicon(files: list[SafetyWordsFile]) -> PainLexicon:
    def joined(name: str) -> list[str]:
        return [phrase for file in files for phrase in getattr(file, name)]

    return compile_lexicon(
        red_flag=joined("red_flag"),
        warning=joined("warning"),
        pain=joined("pain"),
        negations=joined("negations"),
        negations_after=joined("negations_after"),
        defuse=joined("defuse"),
        ignore=joined("ignore"),
    )


def _codes(root: Path, problems: list[ContentProblem]) -> list[str]:
    folder = root / "locales"
    codes = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
    valid = []
    for code in codes:
        try:
            Locale.parse(code)
        except (UnknownLocaleError, ValueError):
            problems.append(
                ContentProblem(
                    display(folder / code, root),
                    "",
                    "not a language code Babel knows; name the folder like de, es, pt_BR",
                )
            )
            continue
        valid.append(code)
    if REFERENCE not in valid:
        problems.append(ContentProblem(display(folder / REFERENCE, root), "", "missing: English is the reference"))
    return sorted(valid, key=lambda code: (code != REFERENCE, code))


def load_locales(
    root: Path,
    coach: CoachFile | None,
    routines: dict[str, Routine],
    problems: list[ContentProblem],
    declared: set[str] | None = None,
) -> Content | None:
    """Every locale's `Content`, English's returned (the others through `Content.for_language`); None on errors."""
    declared = declared if declared is not None else set(routines)
    codes = _codes(root, problems)
    loaders = {code: _Locale(root, code, problems) for code in codes}
    english_texts = loaders[REFERENCE].texts(None) if REFERENCE in loaders else None
    all_texts = {REFERENCE: english_texts}
    for code, loader in loaders.items():
        if code != REFERENCE:
            all_texts[code] = loader.texts(english_texts)
    words = [w for w in (loader.safety_words() for loader in loaders.values()) if w is not None]
    english_words = loaders[REFERENCE].understanding() if REFERENCE in loaders else Understanding()
    languages: dict[str, Content] = {}
    contents = []
    for code, loader in loaders.items():
        language = loader.language()
        understanding = english_words if code == REFERENCE else loader.understanding().merged(english_words)
        contents.append((code, loader.routines(routines, declared), language, understanding))
    if any(not p.warning for p in problems) or coach is None or english_texts is None or not words:
        return None
    lexicon = _lexicon(words)
    for code, localized, language, understanding in contents:
        own = all_texts.get(code) or {}
        formats = language.formats or ("en_GB" if code == REFERENCE else code)
        languages[code] = Content(
            texts=Texts({**english_texts, **own}, locale=code, formats=formats),
            coach=coach,
            routines=localized,
            safety_words=lexicon,
            language=code,
            formats=formats,
            name=language.name or _language_name(code),
            understanding=understanding,
            languages=languages,
            notes=tuple(p for p in problems if p.warning),
        )
    return languages[REFERENCE]
