"""Locales as content: every locale's texts render, plural texts follow CLDR rules, a partial locale falls back to
English per text, and `content check` reports each locale's problems (missing/extra keys, placeholders, HTML,
plural forms) in one run, cause first, in plain words, positions from 1, naming the file to fix."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content.catalog import PLURAL_COUNTS, SAMPLE_VALUES, TEXT_CATALOG
from bot.content.errors import ContentError
from bot.content.loader import Content, load_content
from bot.domain.languages import named_language, supported_language

CONTENT = Path(__file__).resolve().parents[2] / "content"
LOCALES = sorted(p.name for p in (CONTENT / "locales").iterdir() if p.is_dir())


@pytest.fixture(scope="module")
def shipped() -> Content:
    return load_content(CONTENT)


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def _problems(root: Path) -> list[str]:
    """The errors `content check` reports for `root` (not its notes about partial translations)."""
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return [str(p) for p in caught.value.problems if not p.warning]


def test_the_shipped_languages(shipped: Content) -> None:
    assert set(shipped.language_names()) >= {"en", "de", "es", "ru"}
    assert shipped.language_names()["de"] == "Deutsch"
    assert next(iter(shipped.language_names())) == "en"


@pytest.mark.parametrize("code", LOCALES)
def test_every_text_of_every_locale_renders_with_sample_values(shipped: Content, code: str) -> None:
    texts = shipped.for_language(code).texts
    for key, placeholders in TEXT_CATALOG.items():
        for count in ("0", "1", "2", "3", "5", "11", "21", "1.5"):
            values = {name: SAMPLE_VALUES[name] for name in placeholders}
            if key in PLURAL_COUNTS:
                values[PLURAL_COUNTS[key]] = count
            rendered = texts.render(key, **values)
            assert rendered.strip(), (code, key)
            assert "{" not in rendered.replace("{{", ""), f"{code}: {key} left a placeholder unfilled: {rendered!r}"


def test_plural_forms_follow_the_languages_rules(shipped: Content) -> None:
    en = shipped.texts
    assert en.render("progress.streak", days=1) == "Streak: <b>1 day</b>. Keep it going!"
    assert en.render("progress.streak", days=2) == "Streak: <b>2 days</b> in a row."
    assert en.render("buttons.pause_days", days=1) == "1 day"
    assert en.render("buttons.pause_days", days=7) == "7 days"
    forms = {shipped.for_language("ru").texts.render("buttons.pause_days", days=n) for n in (1, 2, 5)}
    assert len(forms) == 3, forms  # день, дня, дней


def test_the_shipped_locales_are_complete(shipped: Content) -> None:
    """German, Spanish and Russian are complete: the check has no note about them."""
    assert [str(note) for note in shipped.notes] == []


def test_plural_comments_match_the_catalog() -> None:
    """The translators note which number a plural text follows ("# plural by {days}"): the catalog agrees."""
    noted = re.compile(r"#.*plural(?: form)? (?:by|follows) \{(\w+)\}")
    for path in sorted((CONTENT / "locales").glob("*/texts/*.yaml")):
        lines = path.read_text(encoding="utf-8").splitlines()
        section = ""
        for index, line in enumerate(lines):
            if re.match(r"^\w[\w_]*:\s*$", line):
                section = line.rstrip(":").strip()
            match = noted.search(line)
            if not match:
                continue
            following = next(lines[i] for i in range(index + 1, len(lines)) if not lines[i].lstrip().startswith("#"))
            if re.match(r"^\w[\w_]*:\s*$", following):  # a comment above a section: its first key
                section = following.rstrip(":").strip()
                following = next(line for line in lines[index + 2 :] if line.startswith("  "))
            key = f"{section}.{following.strip().split(':')[0]}"
            assert PLURAL_COUNTS.get(key) == match.group(1), f"{path.name}: {key} follows {{{match.group(1)}}}"


def test_a_partial_locale_falls_back_to_english_per_text(content_copy: Path) -> None:
    shutil.rmtree(content_copy / "locales" / "de")
    (content_copy / "locales" / "de" / "texts").mkdir(parents=True)
    (content_copy / "locales" / "de" / "texts" / "core.yaml").write_text(
        "help:\n  text: Hilfe!\nbuttons:\n  keep: Behalten\n", encoding="utf-8"
    )
    content = load_content(content_copy)
    de = content.for_language("de")
    assert de.texts.render("help.text") == "Hilfe!"
    assert de.texts.render("buttons.cancel") == content.texts.render("buttons.cancel")  # English
    [note] = [str(n) for n in content.notes if "locales/de" in n.file]
    assert note.startswith("content/locales/de/texts: partial: ")
    assert "not translated yet, English is used for them: commands.start," in note


def test_locale_problems_are_each_reported_in_one_run(content_copy: Path) -> None:
    texts = content_copy / "locales" / "ru" / "texts"
    (texts / "extra.yaml").write_text(
        "\n".join(
            [
                "commonn:",
                "  stale_button: x",  # an unknown key (a typo of the section)
                "progress:",
                "  side_same: '<b>Обе стороны'",  # broken HTML, and defined twice (ratings.yaml has it too)
            ]
        ),
        encoding="utf-8",
    )
    ratings = texts / "ratings.yaml"
    text = ratings.read_text(encoding="utf-8")
    text = re.sub(
        r"(\n  streak:\n)((?:    .*\n)+)", r"\1    one: 'Серия: {days} день'\n    other: 'Серия: {days}'\n", text
    )
    ratings.write_text(text, encoding="utf-8")
    problems = _problems(content_copy)
    assert (
        "content/locales/ru/texts/extra.yaml: commonn.stale_button: unknown text key (a typo? the bot never uses it)"
        in problems
    )
    assert "content/locales/ru/texts/extra.yaml: progress.side_same: <b> is never closed" in problems
    assert any(
        p.startswith("content/locales/ru/texts/ratings.yaml: progress.side_same: defined twice") for p in problems
    )
    assert any(
        "progress.streak: Russian needs the plural forms one, few, many, other: add few, many" in p for p in problems
    )


def test_a_placeholder_english_shows_and_a_translation_drops_is_noted(content_copy: Path) -> None:
    path = content_copy / "locales" / "de" / "texts" / "language.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Sprache: {language}", "Sprache"), encoding="utf-8")
    content = load_content(content_copy)  # only a note: the bot starts
    assert any(
        str(n) == "content/locales/de/texts/language.yaml: settings.language_line: the English text shows {language}; "
        "this one leaves it out"
        for n in content.notes
    )


def test_a_yaml_error_comes_first_and_does_not_flood_missing_keys(content_copy: Path) -> None:
    path = content_copy / "locales" / "en" / "texts" / "ratings.yaml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("  ask_change: ", "  ask_change: Note: ", 1), encoding="utf-8"
    )
    problems = _problems(content_copy)
    assert problems[0].startswith("content/locales/en/texts/ratings.yaml: line ")
    assert "needs quotes" in problems[0]
    assert not any("missing: the bot needs this text" in p for p in problems)
    assert any("not checked for missing keys until content/locales/en/texts/ratings.yaml reads" in p for p in problems)


def test_plain_words_instead_of_regular_expressions(content_copy: Path) -> None:
    coach = content_copy / "coach.yaml"
    text = coach.read_text(encoding="utf-8")
    coach.write_text(re.sub(r'"?07:00"?', '"7:00"', text, count=1), encoding="utf-8")
    problems = _problems(content_copy)
    [problem] = [p for p in problems if "reminder_time_presets" in p]
    assert "write times as 09:00" in problem and "'7:00'" in problem
    assert "reminder_time_presets #" in problem  # the position, counted from 1
    assert "^" not in problem and "pattern" not in problem


def test_every_problem_of_a_folder_in_one_run(content_copy: Path) -> None:
    """A schema error in a routine does not hide its step texts' problems, nor the coach's, for a next run."""
    routine = content_copy / "routines" / "pigeon.yaml"
    text = routine.read_text(encoding="utf-8").replace("minutes: 5\n", "minutes: lots\n")
    routine.write_text(text.replace("your {side} leg in front", "your {leg} leg in front"), encoding="utf-8")
    coach = content_copy / "coach.yaml"
    coach.write_text(coach.read_text(encoding="utf-8") + "live_update_seconds: 1\n", encoding="utf-8")
    problems = _problems(content_copy)
    assert any(p.startswith("content/routines/pigeon.yaml: minutes: write a whole number") for p in problems)
    assert any("steps #1 (position).text: unknown placeholder {leg}" in p for p in problems)
    assert any(p.startswith("content/coach.yaml: live_update_seconds: must be at least 5") for p in problems)


def test_a_copied_routines_duplicate_id_is_blamed_on_the_copy(content_copy: Path) -> None:
    original = content_copy / "routines" / "pigeon.yaml"
    shutil.copy(original, content_copy / "routines" / "pigeon copy.yaml")  # sorts before pigeon.yaml
    problems = _problems(content_copy)
    assert problems == [
        "content/routines/pigeon copy.yaml: id: routine id 'pigeon' is already used by content/routines/pigeon.yaml; "
        "give this routine its own id"
    ]


def test_a_translated_routine_names_steps_that_exist(content_copy: Path) -> None:
    path = content_copy / "locales" / "es" / "routines" / "pigeon.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "  lean_sideways:\n    title: Inclinarse\n", encoding="utf-8")
    problems = _problems(content_copy)
    assert any(
        p.startswith("content/locales/es/routines/pigeon.yaml: steps.lean_sideways: no step 'lean_sideways' in pigeon")
        for p in problems
    )


def test_a_folder_that_is_no_language(content_copy: Path) -> None:
    (content_copy / "locales" / "klingon!").mkdir()
    problems = _problems(content_copy)
    assert any(p.startswith("content/locales/klingon!: not a language code Babel knows") for p in problems)


def test_content_check_shows_notes_and_succeeds_for_a_partial_locale(content_copy: Path) -> None:
    shutil.rmtree(content_copy / "locales" / "es" / "texts")
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "content", "check", "--dir", str(content_copy)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert ok.returncode == 0, ok.stderr
    assert "languages: en (English), de (Deutsch), es (Español), ru (Русский)" in ok.stdout
    assert "note: content/locales/es/texts: no text files (*.yaml) found" in ok.stdout


def test_languages_from_telegram_and_typed_names() -> None:
    available = ["en", "de", "es", "ru"]
    assert supported_language("de-AT", available) == "de"
    assert supported_language("es-419", available) == "es"
    assert supported_language("pt-br", available) == "en"
    assert supported_language(None, available) == "en"
    names = {"de": {"de": "Deutsch", "en": "German"}, "ru": {"ru": "русский", "en": "Russian"}}
    assert named_language("deutsch", names) == "de"
    assert named_language("German", names) == "de"
    assert named_language("Русский", names) == "ru"
    assert named_language("ru", names) == "ru"
    assert named_language("klingon", names) is None


@pytest.mark.parametrize(
    ("code", "typed", "english"),
    [
        ("de", "sieben", "7"),
        ("de", "meinem Rücken geht es wie eine 6", "meinem Rücken geht es wie eine 6"),
        ("de", "7 Uhr 15", "7 h 15"),
        ("de", "bitte Überspringen", "skip"),
        ("de", "ueberspringen", "skip"),
        ("es", "siete", "7"),
        ("es", "Sí", "yes"),
        ("es", "si", "yes"),
        ("es", "una hora y media", "1 hour and a half"),
        ("ru", "семь", "7"),
        ("ru", "Готово", "done"),
        ("ru", "2 недели", "2 weeks"),
        ("en", "seven", "seven"),  # English's own words are the readers' already
    ],
)
def test_typed_words_are_read_in_english(shipped: Content, code: str, typed: str, english: str) -> None:
    assert shipped.for_language(code).understanding.translate(typed) == english


@pytest.mark.parametrize(
    ("code", "city", "zone"),
    [
        ("de", "München", "Europe/Berlin"),
        ("de", "Muenchen", "Europe/Berlin"),
        ("es", "Múnich", "Europe/Berlin"),
        ("ru", "Мюнхен", "Europe/Berlin"),
        ("ru", "Москва", "Europe/Moscow"),  # CLDR's name, through Babel
        ("es", "Ciudad de México", "America/Mexico_City"),
        ("de", "Wien", "Europe/Vienna"),
    ],
)
def test_city_names_in_each_language(shipped: Content, code: str, city: str, zone: str) -> None:
    assert shipped.for_language(code).understanding.zone_for(city) == zone


def test_pain_is_recognised_in_any_language_for_everyone(shipped: Content) -> None:
    from bot.domain.pain_text import recognise

    lexicon = shipped.safety_words  # the same for every language: every locale's lists
    assert shipped.for_language("de").safety_words is lexicon
    assert recognise("my back hurts", lexicon) is not None
    assert recognise("mein Rücken tut weh", lexicon) is not None
    assert recognise("me duele la espalda", lexicon) is not None
    assert recognise("болит спина", lexicon) is not None
