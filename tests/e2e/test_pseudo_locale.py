"""The pseudo-locale test: every text a user sees comes from the content. A pseudo-locale is generated from the
English texts and routine at test time (every text wrapped in ⟦ ⟧, its letters accented; placeholders, HTML and
/commands kept), and a user in it goes through a whole scripted day: onboarding, the reminder, the routine
hands-free, ratings typed and tapped, "which side?", /progress, /history, /settings, /help, /report, nonsense typed.
No English word may show anywhere: in a message, a caption, a button or a toast."""

from __future__ import annotations

import re
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from bot.config import DEFAULT_CONTENT_DIR, Settings
from bot.content.catalog import TEXT_CATALOG
from bot.content.loader import load_content
from bot.db.models import Rating
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from bot.views.settings import city_name
from tests.e2e.helpers import ctx_of, dispatcher_of, read_until, rows
from tests.e2e.language_check import english_in, fragments, literal, shown
from tests.e2e.test_routine import bot, scaled

CODE = "eo"  # a language the content does not have: the pseudo-locale's folder
_ACCENTED = dict(zip("aceinouyACEINOUY", "áçéíñöúýÁÇÉÍÑÖÚÝ", strict=True))
_KEEP = re.compile(r"(\{\w+\}|\{\{|\}\}|<[^>]+>|&\w+;|/\w+|https?://\S+)")


def pseudo(text: str) -> str:
    """⟦Ýöúr séttíñgs⟧: letters accented outside placeholders, tags, entities, /commands and links."""
    parts = _KEEP.split(text)
    return "⟦" + "".join(p if _KEEP.fullmatch(p) else "".join(_ACCENTED.get(c, c) for c in p) for p in parts) + "⟧"


def _pseudo_tree(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: _pseudo_tree(item) for key, item in value.items()}
    return pseudo(value) if isinstance(value, str) else value


def make_pseudo_locale(content: Path) -> None:
    folder = content / "locales" / CODE
    (folder / "texts").mkdir(parents=True)
    (folder / "routines").mkdir()
    for path in (content / "locales" / "en" / "texts").glob("*.yaml"):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        (folder / "texts" / path.name).write_text(yaml.safe_dump(_pseudo_tree(data), allow_unicode=True), "utf-8")
    for path in (content / "routines").glob("*.yaml"):
        routine = yaml.safe_load(path.read_text(encoding="utf-8"))
        translated = {
            "title": pseudo(routine["title"]),
            "summary": pseudo(routine["summary"]),
            "steps": {s["id"]: {"title": pseudo(s["title"]), "text": pseudo(s["text"])} for s in routine["steps"]},
        }
        (folder / "routines" / path.name).write_text(yaml.safe_dump(translated, allow_unicode=True), "utf-8")
    (folder / "language.yaml").write_text("name: Pseudo\nformats: de\n", "utf-8")


def english_words(root: Path) -> set[str]:
    """Every word of four or more letters in the English texts and routines."""
    english = load_content(root)
    pieces = [p for key in TEXT_CATALOG for p in fragments(english.texts.raw(key))]
    for routine in english.routines.values():
        pieces += [routine.title, routine.summary, *(s.title for s in routine.steps), *(s.text for s in routine.steps)]
    return {w.casefold() for piece in pieces for w in re.findall(r"[A-Za-z]{4,}", piece)}


# Words that are not texts: the user's own name, zone names, the bot's name, the routine's file id.
_VALUES = {"alex", "europe", "berlin", "stretchbot", "pigeon"}


def leaks(texts: list[str], words: set[str], values: frozenset[str] = frozenset()) -> list[tuple[str, str]]:
    """(text, English word) for each English word shown outside the pseudo-locale's ⟦ ⟧ (`values`: words that are
    data, not texts, such as the timezone buttons' city names)."""
    found = []
    for text in texts:
        outside = re.sub(r"⟦.*?⟧", " ", text, flags=re.DOTALL)
        outside = re.sub(r"/\w+", " ", outside)  # commands are the same in every language
        for word in re.findall(r"[A-Za-z]{4,}", outside):
            if word.casefold() in words and word.casefold() not in _VALUES | values:
                found.append((text, word))
    return found


async def test_a_whole_scripted_day_in_a_pseudo_locale_shows_no_english(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, content)
    make_pseudo_locale(content)
    words = english_words(content)
    user = ChatUser(standin, 3001, "Alex", language_code=CODE)
    async with bot(scaled(settings, content_dir=content), clock) as app:
        local = ctx_of(app).content.for_language(CODE)
        assert local.language == CODE and not [n for n in local.notes if CODE in n.file]

        await user.send("/start")
        await read_until(user, literal(local, "onboarding.ask_time"))
        await user.tap(user.last_message.button_labels[-1])  # "Other time…"
        await read_until(user, literal(local, "onboarding.ask_time_typed"))
        await user.send("quarter past seven")  # not a time: the hint
        await read_until(user, literal(local, "onboarding.time_unreadable"))
        await user.send("7:30")
        ask_zone = await read_until(user, literal(local, "onboarding.ask_timezone"))
        await user.send("Atlantis")
        await read_until(user, literal(local, "onboarding.timezone_unknown"))
        await user.tap(ask_zone.button_labels[1], message=ask_zone.message_id)  # Berlin, in the locale's CLDR name
        await read_until(user, literal(local, "onboarding.done"))
        await user.send("/help")
        await read_until(user, literal(local, "help.text"))
        await user.send("blorp")
        await read_until(user, literal(local, "common.unknown_text"))
        await user.send("/settings")
        await read_until(user, literal(local, "settings.language_line"))
        await user.send("/history")
        await user.next_message()

        clock.set(datetime(2026, 3, 2, 6, 30, tzinfo=UTC))
        assert await dispatcher_of(app).run_once() == 1
        await read_until(user, literal(local, "reminder.greeting_morning"))
        await user.tap("6")
        await read_until(user, literal(local, "routine.ask_after"))
        await user.send("11")  # out of range
        await read_until(user, literal(local, "routine.rating_out_of_range"))
        await user.send("3")
        await read_until(user, literal(local, "routine.ask_tighter"))
        await user.tap(user.last_message.button_labels[0])
        await read_until(user, literal(local, "routine.closing_better"))
        assert {r.kind: r.value for r in await rows(app, Rating, user_id=3001)} == {"before": 6.0, "after": 3.0}

        await user.send("/progress")
        await read_until(user, literal(local, "progress.title"))
        await user.send("/history")
        await user.next_message()
        await user.send("/report")
        await user.next_message()

    everything = shown(user)
    assert len(everything) > 40
    cities = {city_name(zone, local.formats) for zone in local.coach.timezone_buttons}  # CLDR's, through Babel
    assert leaks(everything, words, frozenset(w.casefold() for c in cities for w in c.split())) == []
    assert english_in(user, load_content(content), local) == []


def test_the_leak_check_finds_english() -> None:
    words = {"settings", "reminder"}
    assert leaks(["⟦Ýöúr séttíñgs⟧ Reminder: 07:30"], words) == [("⟦Ýöúr séttíñgs⟧ Reminder: 07:30", "Reminder")]
    assert leaks(["⟦Ýöúr séttíñgs⟧ /settings Alex"], words) == []
