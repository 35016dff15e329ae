"""Loading `content/`: coach settings, routines and every language's texts, validated, every problem located.

Layout: `coach.yaml`, `routines/*.yaml` (structure and the English texts), `locales/<code>/` per language
(`texts/*.yaml`, optional `routines/<id>.yaml` with the routine's texts, `safety_words.yaml`,
`understanding.yaml`, `language.yaml`; see `bot.content.locale_loader`). English (`locales/en`) is the reference:
it must be complete. Another locale may be partial: the check says so (warnings), and the bot uses the English text
for what is missing. `load_content` returns the English `Content`; `Content.for_language` gives the others.
"""

from __future__ import annotations

import html.parser
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from bot.content.catalog import SAMPLE_VALUES
from bot.content.errors import CAUSE, ContentError, ContentProblem
from bot.content.media import resolve_image
from bot.content.plain_errors import model_problems
from bot.content.schema import CoachFile, RoutineFile
from bot.content.texts import Texts, placeholders_of
from bot.domain.pain_text import PainLexicon
from bot.domain.routine_model import GentleVariant, Routine, Step, StepMedia
from bot.domain.understanding import Understanding

STEP_PLACEHOLDERS = frozenset({"side", "other_side"})
REFERENCE = "en"
_ALLOWED_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a"})


@dataclass(frozen=True)
class Content:
    """Everything the bot says and guides, in one language (`language`); `formats` is the Babel locale for dates
    and numbers. Coach settings and the safety word lists (all languages') are shared by every language."""

    texts: Texts
    coach: CoachFile
    routines: dict[str, Routine]
    safety_words: PainLexicon
    language: str = REFERENCE
    formats: str = "en_GB"
    name: str = "English"
    understanding: Understanding = field(default_factory=Understanding)
    # Every language's content by code (shared by all of them; English's own entry is itself).
    languages: Mapping[str, Content] = field(default_factory=dict, repr=False, compare=False)
    notes: tuple[ContentProblem, ...] = ()  # warnings: what a partial translation lacks

    def routine(self, routine_id: str) -> Routine:
        return self.routines.get(routine_id) or self.routines[self.coach.default_routine]

    def for_language(self, code: str | None) -> Content:
        """The content in the language `code` (a locale of content/locales), or this one's for an unknown code."""
        return self.languages.get(code or "", self) if self.languages else self

    def language_names(self) -> dict[str, str]:
        """code -> the language's own name ("Deutsch"), English first, then by code."""
        codes = sorted(self.languages, key=lambda code: (code != REFERENCE, code))
        return {code: self.languages[code].name for code in codes} or {self.language: self.name}


def display(path: Path, root: Path) -> str:
    return str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)


def read_yaml(path: Path, root: Path, problems: list[ContentProblem], *, required: bool = True) -> Any:
    name = display(path, root)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if required:
            problems.append(ContentProblem(name, "", "file is missing", rank=CAUSE))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        reason = getattr(exc, "problem", None) or exc
        hint = " – a text that contains ': ' or starts with a special character needs quotes around it"
        problems.append(ContentProblem(name, where, f"not valid YAML ({reason}){hint}", rank=CAUSE))
    except UnicodeDecodeError:
        problems.append(ContentProblem(name, "", "not UTF-8 text: save the file as UTF-8", rank=CAUSE))
    return None


class _TagChecker(html.parser.HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _ALLOWED_TAGS:
            self.errors.append(f"<{tag}> is not a tag Telegram supports (use b, i, u, s, code, pre, a)")
        self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> does not close the last opened tag")
        else:
            self.stack.pop()


def html_problems(text: str) -> list[str]:
    """Why `text` is not Telegram-safe HTML (empty if it is)."""
    checker = _TagChecker()
    checker.feed(text)
    checker.close()
    errors = checker.errors
    if checker.stack:
        errors.append(f"<{checker.stack[-1]}> is never closed")
    return errors


def check_template(
    template: Any,
    allowed: frozenset[str] | tuple[str, ...],
    file: str,
    path: str,
    problems: list[ContentProblem],
) -> bool:
    if not isinstance(template, str) or not template.strip():
        problems.append(ContentProblem(file, path, "expected a non-empty text"))
        return False
    try:
        used = placeholders_of(template)
    except ValueError as exc:
        problems.append(ContentProblem(file, path, f"malformed placeholder ({exc}); write {{name}}, or {{{{ for {{"))
        return False
    unknown = used - set(allowed)
    if unknown:
        allowed_text = ", ".join("{" + name + "}" for name in allowed) or "none"
        problems.append(
            ContentProblem(file, path, f"unknown placeholder {{{sorted(unknown)[0]}}}; allowed here: {allowed_text}")
        )
        return False
    rendered = template.format_map({name: SAMPLE_VALUES.get(name, name) for name in used})
    ok = True
    for error in html_problems(rendered):
        problems.append(ContentProblem(file, path, error))
        ok = False
    return ok


def validate(model: type[BaseModel], data: Any, file: str, problems: list[ContentProblem]) -> Any:
    if not isinstance(data, dict):
        problems.append(ContentProblem(file, "", "expected fields (name: value), one per line"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(model_problems(exc, file, data))
        return None


def _to_routine(parsed: RoutineFile, images: dict[str, StepMedia]) -> Routine:
    return Routine(
        id=parsed.id,
        title=parsed.title,
        summary=parsed.summary,
        minutes=parsed.minutes,
        video_url=parsed.video_url,
        sides=tuple(parsed.sides),
        gentle=GentleVariant(reps=parsed.gentle.reps, hold_scale=parsed.gentle.hold_scale),
        get_ready_seconds=parsed.get_ready_seconds,
        switch_seconds=parsed.switch_seconds,
        switch_image=images.get(" switch"),
        steps=tuple(
            Step(
                id=s.id,
                title=s.title,
                text=s.text.strip(),
                per_side=s.per_side,
                reps=s.reps,
                hold_seconds=s.hold_seconds,
                rest_seconds=s.rest_seconds,
                halfway_cue=s.halfway_cue,
                get_ready_seconds=s.get_ready_seconds,
                image=images.get(s.id),
            )
            for s in parsed.steps
        ),
    )


def _raw_checks(data: dict[str, Any], root: Path, file: str, problems: list[ContentProblem]) -> dict[str, StepMedia]:
    """The checks beyond the schema (step texts, pictures), run on the raw data, so a schema error elsewhere in the
    file does not hide them until the next run."""
    images: dict[str, StepMedia] = {}
    steps = data.get("steps")
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        if not isinstance(step, dict):
            continue
        label = f"steps #{index + 1}" + (f" ({step['id']})" if isinstance(step.get("id"), str) else "")
        if isinstance(step.get("text"), str):
            check_template(step["text"], tuple(STEP_PLACEHOLDERS), file, f"{label}.text", problems)
        if isinstance(step.get("image"), str):
            media, problem = resolve_image(step["image"], root)
            if media is None:
                problems.append(ContentProblem(file, f"{label}.image", problem or "unusable picture"))
            elif isinstance(step.get("id"), str):
                images[step["id"]] = media
    if isinstance(data.get("switch_image"), str):
        media, problem = resolve_image(data["switch_image"], root)
        if media is None:
            problems.append(ContentProblem(file, "switch_image", problem or "unusable picture"))
        else:
            images[" switch"] = media  # not a step id (ids have no spaces)
    return images


def _load_routines(root: Path, problems: list[ContentProblem]) -> tuple[dict[str, Routine], set[str]]:
    """The valid routines by id, and every id a routine file declares (valid or not)."""
    routines: dict[str, Routine] = {}
    folder = root / "routines"
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not files:
        problems.append(ContentProblem(display(folder, root), "", "no routine files (*.yaml) found"))
    loaded: list[tuple[Path, dict[str, Any]]] = []
    for path in files:
        data = read_yaml(path, root, problems)
        if data is None:
            continue
        if not isinstance(data, dict):
            problems.append(ContentProblem(display(path, root), "", "expected fields (name: value), one per line"))
            continue
        loaded.append((path, data))
    # A duplicate id is blamed on the file not named after it (the copy), not on the original.
    owner: dict[str, Path] = {}
    for path, data in sorted(loaded, key=lambda item: (item[0].stem != str(item[1].get("id")), item[0].name)):
        routine_id = str(data.get("id"))
        if routine_id in owner and "id" in data:
            problems.append(
                ContentProblem(
                    display(path, root),
                    "id",
                    f"routine id {routine_id!r} is already used by {display(owner[routine_id], root)}; "
                    "give this routine its own id",
                )
            )
            data["_duplicate"] = True
        else:
            owner.setdefault(routine_id, path)
    for path, data in loaded:
        file = display(path, root)
        duplicate = data.pop("_duplicate", False)
        before = len(problems)
        images = _raw_checks(data, root, file, problems)
        parsed = validate(RoutineFile, data, file, problems)
        if parsed is None or duplicate or len(problems) > before:
            continue
        assert isinstance(parsed, RoutineFile)
        routines[parsed.id] = _to_routine(parsed, images)
    return routines, set(owner)


def load_content(root: Path) -> Content:
    """Load and validate everything under `root`; raise `ContentError` listing every problem found (warnings, such
    as a partial translation, do not stop it: they are in `Content.notes`)."""
    from bot.content.locale_loader import load_locales

    root = root.resolve()
    problems: list[ContentProblem] = []
    if not root.is_dir():
        raise ContentError([ContentProblem(str(root), "", "content folder not found")])
    coach_path = root / "coach.yaml"
    coach_data = read_yaml(coach_path, root, problems)
    coach = validate(CoachFile, coach_data, display(coach_path, root), problems) if coach_data else None
    routines, declared = _load_routines(root, problems)
    default = coach.default_routine if coach is not None else (coach_data or {}).get("default_routine")
    if isinstance(default, str) and declared and default not in declared:
        problems.append(
            ContentProblem(
                display(coach_path, root),
                "default_routine",
                f"no routine with id {default!r} in routines/ (have: {', '.join(sorted(declared))})",
            )
        )
    locales = load_locales(root, coach, routines, problems, declared)
    if any(not p.warning for p in problems) or coach is None or locales is None:
        raise ContentError(problems)
    return locales
