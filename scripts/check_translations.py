"""Compare each translated texts file (content/locales/<code>/texts/*.yaml) with the English one.

Reports, per file: missing and extra keys, placeholders that differ from the English text, unbalanced HTML tags,
and plural mappings whose categories are not the ones the language needs (German/Spanish: one, other; Russian:
one, few, many, other; Babel decides the category at run time). Also checks the routine texts and the safety word
lists for the same keys/lists. A helper for translators; `stretchbot content check` is the bot's own check.

Usage: python scripts/check_translations.py [content_dir]   (exit status 1 if anything is wrong)
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

import yaml

PLURALS = {"de": {"one", "other"}, "es": {"one", "other"}, "ru": {"one", "few", "many", "other"}}
PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_]+)\}(?!\})")
SAME_OK = {"ok", "start", "routine_start", "routine_pause", "normal"}  # may be the same word in a language
TAG = re.compile(r"<(/?)([a-z]+)(?:\s[^>]*)?>")


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def html_problem(text: str) -> str | None:
    stack: list[str] = []
    for closing, name in TAG.findall(text):
        if not closing:
            stack.append(name)
        elif not stack or stack.pop() != name:
            return f"unbalanced </{name}>"
    return f"unclosed <{stack[-1]}>" if stack else None


def check_texts(english: dict, other: dict, code: str, where: str) -> list[str]:
    problems = []
    for section in english.keys() - other.keys():
        problems.append(f"{where}: missing section {section}")
    for section in other.keys() - english.keys():
        problems.append(f"{where}: extra section {section}")
    for section in english.keys() & other.keys():
        en, tr = english[section], other[section]
        for key in en.keys() - tr.keys():
            problems.append(f"{where}: missing {section}.{key}")
        for key in tr.keys() - en.keys():
            problems.append(f"{where}: extra {section}.{key}")
        for key in en.keys() & tr.keys():
            value = tr[key]
            variants = value if isinstance(value, dict) else {"": value}
            if isinstance(value, dict) and set(value) != PLURALS[code]:
                problems.append(f"{where}: {section}.{key} plural categories {sorted(value)}, want {sorted(PLURALS[code])}")
            for category, text in variants.items():
                name = f"{section}.{key}" + (f"[{category}]" if category else "")
                if not isinstance(text, str) or not text.strip():
                    problems.append(f"{where}: {name} is not a text")
                    continue
                if placeholders(text) != placeholders(en[key]):
                    problems.append(
                        f"{where}: {name} placeholders {sorted(placeholders(text))}, English {sorted(placeholders(en[key]))}"
                    )
                if (problem := html_problem(text)) is not None:
                    problems.append(f"{where}: {name} HTML: {problem}")
                words = PLACEHOLDER.sub("", TAG.sub("", en[key]))
                if text.strip() == en[key].strip() and re.search(r"[a-z]{4,}", words) and key not in SAME_OK:
                    problems.append(f"{where}: {name} looks untranslated")
    return problems


def main(content: Path) -> int:
    problems: list[str] = []
    for code in sorted(PLURALS):
        base = content / "locales" / code
        for english_file in sorted((content / "texts").glob("*.yaml")):
            path = base / "texts" / english_file.name
            if not path.exists():
                problems.append(f"{path}: missing file")
                continue
            english = yaml.safe_load(english_file.read_text(encoding="utf-8"))
            other = yaml.safe_load(path.read_text(encoding="utf-8"))
            problems += check_texts(english, other, code, str(path))
        for routine_file in sorted((content / "routines").glob("*.yaml")):
            path = base / "routines" / routine_file.name
            english = yaml.safe_load(routine_file.read_text(encoding="utf-8"))
            if not path.exists():
                problems.append(f"{path}: missing file")
                continue
            other = yaml.safe_load(path.read_text(encoding="utf-8"))
            for field in ("title", "summary"):
                if not isinstance(other.get(field), str):
                    problems.append(f"{path}: missing {field}")
            steps = other.get("steps") or {}
            for step in english["steps"]:
                tr = steps.get(step["id"])
                if not isinstance(tr, dict) or set(tr) != {"title", "text"}:
                    problems.append(f"{path}: steps.{step['id']} needs title and text")
                    continue
                if placeholders(tr["text"]) != placeholders(step["text"]):
                    problems.append(f"{path}: steps.{step['id']}.text placeholders differ")
                if (problem := html_problem(tr["text"])) is not None:
                    problems.append(f"{path}: steps.{step['id']}.text HTML: {problem}")
            for extra in set(steps) - {s["id"] for s in english["steps"]}:
                problems.append(f"{path}: extra step {extra}")
            unknown = set(other) - {"title", "summary", "steps"}
            if unknown:
                problems.append(f"{path}: fields that are not translatable: {sorted(unknown)}")
        english_words = yaml.safe_load((content / "safety_words.yaml").read_text(encoding="utf-8"))
        path = base / "safety_words.yaml"
        if not path.exists():
            problems.append(f"{path}: missing file")
        else:
            words = yaml.safe_load(path.read_text(encoding="utf-8"))
            for name in english_words.keys() - words.keys():
                problems.append(f"{path}: missing list {name}")
            for name in words.keys() - english_words.keys():
                problems.append(f"{path}: extra list {name}")
            for name, phrases in words.items():
                for phrase in phrases or []:
                    for word in phrase.split():
                        if word != "..." and not re.fullmatch(r"[^\W_]+\*?(\|[^\W_]+\*?)*", word):
                            problems.append(f"{path}: {name}: bad word {word!r} in {phrase!r}")
                        if word != word.lower():
                            problems.append(f"{path}: {name}: not lower-case: {phrase!r}")
    for problem in problems:
        print(problem)
    print(f"{len(problems)} problem(s)")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("content")))
