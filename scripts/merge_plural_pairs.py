"""One-off migration of text files: the hand-written singular keys (`X_one` beside `X`) become one plural text.

    python scripts/merge_plural_pairs.py content/locales/*/texts

For each pair below, `X: "{n} days"` + `X_one: "1 day"` in a file becomes
`X: {one: "1 day", other: "{n} days"}` (a text that already is a plural mapping keeps its own forms, and its
`one` form if it has one). The files are rewritten with the plural text where `X` was; comments are kept.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

# (section, plural key, the old singular key)
PAIRS = (
    ("outcomes", "minutes", "minute_one"),
    ("outcomes", "points", "point_one"),
    ("outcomes", "day_count", "day_one"),
    ("progress", "streak", "streak_one"),
    ("progress", "paused", "paused_one"),
    ("progress", "pain", "pain_one"),
    ("routine", "live_released", "live_released_one"),
    ("buttons", "pause_days", "pause_one_day"),
)


def _quoted(text: str) -> str:
    return yaml.safe_dump(text, allow_unicode=True, width=10_000, default_style='"').strip()


def _needed(path: Path) -> list[str]:
    """The plural forms the file's language needs (its folder: locales/<code>/texts/)."""
    from bot.content.locale_loader import plural_tags

    return sorted(plural_tags(path.parent.parent.name))


def merge_file(path: Path) -> bool:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    lines = path.read_text(encoding="utf-8").splitlines()
    changed = False
    for section, key, single in PAIRS:
        values = data.get(section)
        if not isinstance(values, dict) or single not in values:
            continue
        one, other = values[single], values.get(key)
        forms: dict[str, str] = dict(other) if isinstance(other, dict) else {}
        if isinstance(other, str):
            forms["other"] = other
        forms.setdefault("one", one)
        if "other" not in forms:
            forms["other"] = one
        for name in _needed(path):  # a form the language needs beyond one: its `other` text (written count-neutral)
            forms.setdefault(name, forms["other"])
        order = ["zero", "one", "two", "few", "many", "other"]
        ordered = {name: forms[name] for name in order if name in forms}
        lines = _rewrite(lines, section, key, single, ordered)
        changed = True
    if changed:
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return changed


def _entry_span(lines: list[str], section: str, key: str) -> tuple[int, int, str] | None:
    """(first line, end line, indent) of `section.key` in a two-level YAML file, or None."""
    in_section = False
    for index, line in enumerate(lines):
        if re.match(rf"^{re.escape(section)}:\s*$", line):
            in_section = True
            continue
        if in_section and re.match(r"^\S", line) and not line.startswith("#"):
            in_section = False
        if in_section:
            match = re.match(rf"^(\s+){re.escape(key)}:", line)
            if match:
                indent = match.group(1)
                end = index + 1
                while end < len(lines) and (
                    lines[end].strip() == "" or len(lines[end]) - len(lines[end].lstrip()) > len(indent)
                ):
                    end += 1
                while end > index + 1 and lines[end - 1].strip() == "":
                    end -= 1
                return index, end, indent
    return None


def _rewrite(lines: list[str], section: str, key: str, single: str, forms: dict[str, str]) -> list[str]:
    span = _entry_span(lines, section, single)
    if span is not None:
        lines = lines[: span[0]] + lines[span[1] :]
    block_indent = "  "
    span = _entry_span(lines, section, key)
    new = [f"{(span[2] if span else block_indent)}{key}:"]
    indent = (span[2] if span else block_indent) + "  "
    new += [f"{indent}{name}: {_quoted(text)}" for name, text in forms.items()]
    if span is not None:
        return lines[: span[0]] + new + lines[span[1] :]
    for index, line in enumerate(lines):
        if re.match(rf"^{re.escape(section)}:\s*$", line):
            return lines[: index + 1] + new + lines[index + 1 :]
    return [*lines, f"{section}:", *new]


def main(folders: list[str]) -> None:
    for folder in folders:
        for path in sorted(Path(folder).glob("*.yaml")):
            if merge_file(path):
                print(f"merged plural pairs in {path}")


if __name__ == "__main__":
    main(sys.argv[1:])
