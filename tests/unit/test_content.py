"""Content: the shipped files are valid, every text renders with sample values, and errors are located."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.content.catalog import SAMPLE_VALUES, TEXT_CATALOG
from bot.content.errors import ContentError
from bot.content.loader import load_content

CONTENT = Path(__file__).resolve().parents[2] / "content"


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    target = tmp_path / "content"
    shutil.copytree(CONTENT, target)
    return target


def test_shipped_content_is_valid() -> None:
    content = load_content(CONTENT)
    assert "pigeon" in content.routines
    pigeon = content.routines["pigeon"]
    assert pigeon.sides == ("left", "right")
    assert [s.id for s in pigeon.steps] == ["position", "lean_forward", "lean_back_turn"]
    assert "90 degrees" in pigeon.steps[0].text


def test_every_text_renders_with_sample_values() -> None:
    texts = load_content(CONTENT).texts
    for key, placeholders in TEXT_CATALOG.items():
        values = {name: SAMPLE_VALUES[name] for name in placeholders}
        rendered = texts.render(key, **values)
        assert rendered.strip(), key
        assert "{" not in rendered.replace("{{", ""), f"{key} left a placeholder unfilled: {rendered!r}"


def test_every_placeholder_has_a_sample_value() -> None:
    missing = {name for names in TEXT_CATALOG.values() for name in names} - set(SAMPLE_VALUES)
    assert not missing


def test_values_are_html_escaped() -> None:
    texts = load_content(CONTENT).texts
    assert "&lt;script&gt;" in texts.render("onboarding.greeting", name="<script>")


def _problems(root: Path) -> list[str]:
    with pytest.raises(ContentError) as caught:
        load_content(root)
    return [str(p) for p in caught.value.problems]


def test_unknown_placeholder_is_located(content_copy: Path) -> None:
    path = content_copy / "locales" / "en" / "texts" / "core.yaml"
    path.write_text(path.read_text().replace("Hi {name}!", "Hi {nmae}!"))
    [problem] = _problems(content_copy)
    assert problem.startswith("content/locales/en/texts/core.yaml: onboarding.greeting: unknown placeholder {nmae}")
    assert "allowed here: {name}" in problem


def test_missing_and_unknown_text_keys(content_copy: Path) -> None:
    path = content_copy / "locales" / "en" / "texts" / "core.yaml"
    text = path.read_text().replace("  stale_button:", "  stale_buton:")
    path.write_text(text)
    problems = _problems(content_copy)
    assert (
        "content/locales/en/texts/core.yaml: common.stale_buton: unknown text key (a typo? the bot never uses it)"
        in problems
    )
    assert "content/locales/en/texts: common.stale_button: missing: the bot needs this text" in problems


def test_unbalanced_html_is_reported(content_copy: Path) -> None:
    path = content_copy / "locales" / "en" / "texts" / "core.yaml"
    path.write_text(path.read_text().replace("<b>A quick safety note.</b>", "<b>A quick safety note."))
    problems = _problems(content_copy)
    assert any(
        p.startswith("content/locales/en/texts/core.yaml: onboarding.safety: <b> is never closed") for p in problems
    )


def test_invalid_routine_field_is_located(content_copy: Path) -> None:
    path = content_copy / "routines" / "pigeon.yaml"
    path.write_text(path.read_text().replace("hold_seconds: 30", "hold_seconds: thirty", 1))
    [problem] = _problems(content_copy)
    # Positions count from 1, with the step's id; the expected form in plain words.
    assert problem.startswith("content/routines/pigeon.yaml: steps #2 (lean_forward).hold_seconds:")
    assert "write a whole number" in problem and "'thirty'" in problem


def test_unknown_field_and_missing_field(content_copy: Path) -> None:
    path = content_copy / "routines" / "pigeon.yaml"
    path.write_text(path.read_text().replace("minutes: 5\n", "minuets: 5\n"))
    problems = _problems(content_copy)
    assert "content/routines/pigeon.yaml: minutes: missing: this field is required" in problems
    assert any(p.startswith("content/routines/pigeon.yaml: minuets: unknown field (a typo?)") for p in problems)


def test_yaml_syntax_error_gives_line(content_copy: Path) -> None:
    (content_copy / "coach.yaml").write_text("default_routine: pigeon\nreminder_time_presets: [07:00\n")
    [problem] = _problems(content_copy)
    assert problem.startswith("content/coach.yaml: line ")
    assert "not valid YAML" in problem


def test_step_placeholder_must_be_known(content_copy: Path) -> None:
    path = content_copy / "routines" / "pigeon.yaml"
    path.write_text(path.read_text().replace("your {side} leg in front", "your {leg} leg in front"))
    [problem] = _problems(content_copy)
    assert "steps #1 (position).text: unknown placeholder {leg}" in problem


def test_second_routine_by_dropping_a_file(content_copy: Path) -> None:
    (content_copy / "routines" / "cat_cow.yaml").write_text(
        "id: cat_cow\ntitle: Cat-cow\nsummary: Gentle spine mobility.\nminutes: 3\n"
        "steps:\n  - id: flow\n    title: Cat-cow\n    text: Round and arch your back slowly.\n"
        "    reps: 5\n    hold_seconds: 5\n"
    )
    content = load_content(content_copy)
    assert set(content.routines) == {"pigeon", "cat_cow"}


def test_content_check_command(content_copy: Path) -> None:
    ok = subprocess.run(
        [sys.executable, "-m", "bot", "content", "check", "--dir", str(content_copy)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert ok.returncode == 0
    assert ok.stdout.startswith("content OK:")
    (content_copy / "coach.yaml").write_text("default_routine: nope\n")
    bad = subprocess.run(
        [sys.executable, "-m", "bot", "content", "check", "--dir", str(content_copy)],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert bad.returncode == 2
    assert "content/coach.yaml: reminder_time_presets: missing: this field is required" in bad.stderr
