"""Schema errors (pydantic's) in plain words a coach can act on: the expected form instead of a regular expression,
positions counted from 1 ("steps #2" is the second step), the id of the step where there is one."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from bot.content.errors import ContentProblem

_PATTERNS = {
    r"^([01]\d|2[0-3]):[0-5]\d$": "write times as 09:00 (hours 00-23, two digits each, with a colon)",
    r"^[a-z][a-z0-9_]{0,31}$": "use lower-case letters, digits and _, starting with a letter (like pigeon_2)",
    r"^(left|right)$": "write left or right",
}


def plain_message(error: Any) -> str:
    """What is wrong, and the expected form, for one pydantic error."""
    kind, ctx = error["type"], error.get("ctx") or {}
    given = error.get("input")
    shown = f" (found {given!r})" if isinstance(given, str | int | float) and not isinstance(given, bool) else ""
    if kind == "extra_forbidden":
        return "unknown field (a typo?); remove it or check the spelling"
    if kind == "missing":
        return "missing: this field is required"
    if kind == "string_pattern_mismatch":
        return _PATTERNS.get(str(ctx.get("pattern")), "not in the expected form") + shown
    if kind in ("greater_than_equal", "greater_than"):
        return (
            f"must be at least {ctx.get('ge', ctx.get('gt'))}"
            + ("" if kind.endswith("equal") else " (exclusive)")
            + shown
        )
    if kind in ("less_than_equal", "less_than"):
        return f"must be at most {ctx.get('le', ctx.get('lt'))}" + shown
    if kind in ("int_parsing", "int_type", "int_from_float"):
        return "write a whole number, like 30" + shown
    if kind in ("float_parsing", "float_type"):
        return "write a number, like 0.6" + shown
    if kind in ("bool_parsing", "bool_type"):
        return "write true or false" + shown
    if kind in ("string_type",):
        return "write a text" + shown
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"too long: at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        return f"needs at least {ctx.get('min_length')} entries"
    if kind == "too_long":
        return f"at most {ctx.get('max_length')} entries"
    if kind in ("list_type",):
        return "write a list (one `- item` per line)"
    if kind in ("dict_type", "model_type"):
        return "write fields (name: value) here"
    if kind == "literal_error":
        return f"write one of: {ctx.get('expected')}" + shown
    return str(error["msg"]).removeprefix("Value error, ")


def place(loc: tuple[Any, ...], data: Any) -> str:
    """A field's place, positions from 1, with a list item's id where it has one: "steps #2 (lean_forward).reps"."""
    parts: list[str] = []
    node = data
    for part in loc:
        if isinstance(part, int) and not isinstance(part, bool) and isinstance(node, list):
            item = node[part] if 0 <= part < len(node) else None
            label = f"#{part + 1}"
            if isinstance(item, dict) and isinstance(item.get("id"), str):
                label += f" ({item['id']})"
            parts[-1:] = [f"{parts[-1]} {label}" if parts else label]
            node = item
            continue
        parts.append(str(part))
        node = node.get(part) if isinstance(node, dict) else None
    return ".".join(parts)


def model_problems(exc: ValidationError, file: str, data: Any) -> list[ContentProblem]:
    return [ContentProblem(file, place(tuple(error["loc"]), data), plain_message(error)) for error in exc.errors()]
