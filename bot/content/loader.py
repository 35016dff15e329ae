"""Loading `content/`: texts, coach settings and routines, validated, with every problem located precisely."""

from __future__ import annotations

import html.parser
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from bot.content.catalog import SAMPLE_VALUES, TEXT_CATALOG
from bot.content.errors import ContentError, ContentProblem
from bot.content.media import resolve_image
from bot.content.schema import CoachFile, RoutineFile, SafetyWordsFile
from bot.content.texts import Texts, placeholders_of
from bot.domain.pain_text import PainLexicon, compile_lexicon
from bot.domain.routine_model import GentleVariant, Routine, Step, StepMedia

STEP_PLACEHOLDERS = frozenset({"side", "other_side"})
_ALLOWED_TAGS = frozenset({"b", "strong", "i", "em", "u", "ins", "s", "strike", "del", "code", "pre", "a"})


@dataclass(frozen=True)
class Content:
    texts: Texts
    coach: CoachFile
    routines: dict[str, Routine]
    safety_words: PainLexicon

    def routine(self, routine_id: str) -> Routine:
        return self.routines.get(routine_id) or self.routines[self.coach.default_routine]


def _read_yaml(path: Path, root: Path, problems: list[ContentProblem]) -> Any:
    name = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        problems.append(ContentProblem(name, "", "file is missing"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark is not None else ""
        problems.append(ContentProblem(name, where, f"not valid YAML ({getattr(exc, 'problem', exc)})"))
    except UnicodeDecodeError:
        problems.append(ContentProblem(name, "", "not UTF-8 text"))
    return None


def _display(path: Path, root: Path) -> str:
    return str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)


def _flatten(data: Any, prefix: str = "") -> dict[str, Any]:
    if not isinstance(data, dict):
        return {prefix: data}
    flat: dict[str, Any] = {}
    for key, value in data.items():
        path = f"{prefix}.{key}" if prefix else str(key)
        flat.update(_flatten(value, path) if isinstance(value, dict) else {path: value})
    return flat


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


def _check_template(
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
    for error in html_problems(rendered):
        problems.append(ContentProblem(file, path, error))
    return True


def _load_texts(root: Path, problems: list[ContentProblem]) -> Texts | None:
    """Every `texts/*.yaml` file, merged; each key must be defined once and match the catalog."""
    files = sorted((root / "texts").glob("*.yaml"))
    if not files:
        problems.append(ContentProblem(_display(root / "texts", root), "", "no text files (*.yaml) found"))
        return None
    before = len(problems)
    flat: dict[str, Any] = {}
    where: dict[str, str] = {}
    for path in files:
        file = _display(path, root)
        data = _read_yaml(path, root, problems)
        if data is None:
            continue
        if not isinstance(data, dict):
            problems.append(ContentProblem(file, "", "expected sections of texts (key: text)"))
            continue
        for key, value in _flatten(data).items():
            if key in flat:
                problems.append(ContentProblem(file, key, f"defined twice (also in {where[key]})"))
                continue
            flat[key], where[key] = value, file
            if key not in TEXT_CATALOG:
                problems.append(ContentProblem(file, key, "unknown text key (a typo? the bot never uses it)"))
                continue
            _check_template(value, TEXT_CATALOG[key], file, key, problems)
    for key in TEXT_CATALOG:
        if key not in flat:
            problems.append(ContentProblem(_display(root / "texts", root), key, "missing: the bot needs this text"))
    if len(problems) > before:
        return None
    return Texts({key: str(flat[key]) for key in TEXT_CATALOG})


def _model_problems(exc: ValidationError, file: str) -> list[ContentProblem]:
    problems = []
    for error in exc.errors():
        path = ".".join(str(part) for part in error["loc"])
        message = str(error["msg"]).removeprefix("Value error, ")
        if error["type"] == "extra_forbidden":
            message = "unknown field (a typo?)"
        elif error["type"] == "missing":
            message = "missing: this field is required"
        problems.append(ContentProblem(file, path, message))
    return problems


def _validate(model: type[BaseModel], data: Any, file: str, problems: list[ContentProblem]) -> Any:
    if not isinstance(data, dict):
        problems.append(ContentProblem(file, "", "expected a mapping of fields"))
        return None
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        problems.extend(_model_problems(exc, file))
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


def _load_routines(root: Path, problems: list[ContentProblem]) -> dict[str, Routine]:
    routines: dict[str, Routine] = {}
    folder = root / "routines"
    files = sorted(folder.glob("*.yaml")) + sorted(folder.glob("*.yml"))
    if not files:
        problems.append(ContentProblem(_display(folder, root), "", "no routine files (*.yaml) found"))
    for path in files:
        file = _display(path, root)
        data = _read_yaml(path, root, problems)
        if data is None:
            continue
        parsed = _validate(RoutineFile, data, file, problems)
        if parsed is None:
            continue
        assert isinstance(parsed, RoutineFile)
        ok = True
        images: dict[str, StepMedia] = {}
        for index, step in enumerate(parsed.steps):
            ok &= _check_template(step.text, tuple(STEP_PLACEHOLDERS), file, f"steps.{index}.text", problems)
            if step.image is not None:
                media, problem = resolve_image(step.image, root)
                if media is None:
                    problems.append(ContentProblem(file, f"steps.{index}.image", problem or "unusable picture"))
                    ok = False
                else:
                    images[step.id] = media
        if parsed.switch_image is not None:
            media, problem = resolve_image(parsed.switch_image, root)
            if media is None:
                problems.append(ContentProblem(file, "switch_image", problem or "unusable picture"))
                ok = False
            else:
                images[" switch"] = media  # not a step id (ids have no spaces)
        if parsed.id in routines:
            problems.append(ContentProblem(file, "id", f"routine id {parsed.id!r} is already used by another file"))
            continue
        if ok:
            routines[parsed.id] = _to_routine(parsed, images)
    return routines


def load_content(root: Path) -> Content:
    """Load and validate everything under `root`; raise `ContentError` listing every problem found."""
    root = root.resolve()
    problems: list[ContentProblem] = []
    if not root.is_dir():
        raise ContentError([ContentProblem(str(root), "", "content folder not found")])
    texts = _load_texts(root, problems)
    coach_data = _read_yaml(root / "coach.yaml", root, problems)
    coach = _validate(CoachFile, coach_data, _display(root / "coach.yaml", root), problems) if coach_data else None
    routines = _load_routines(root, problems)
    words_path = root / "safety_words.yaml"
    words_data = _read_yaml(words_path, root, problems)
    words = _validate(SafetyWordsFile, words_data, _display(words_path, root), problems) if words_data else None
    if coach is not None and routines and coach.default_routine not in routines:
        problems.append(
            ContentProblem(
                _display(root / "coach.yaml", root),
                "default_routine",
                f"no routine with id {coach.default_routine!r} in routines/ (have: {', '.join(sorted(routines))})",
            )
        )
    if problems or texts is None or coach is None or words is None:
        raise ContentError(problems)
    return Content(texts=texts, coach=coach, routines=routines, safety_words=_lexicon(words))


def _lexicon(words: SafetyWordsFile) -> PainLexicon:
    return compile_lexicon(
        red_flag=words.red_flag,
        warning=words.warning,
        pain=words.pain,
        negations=words.negations,
        negations_after=words.negations_after,
        defuse=words.defuse,
        ignore=words.ignore,
    )
