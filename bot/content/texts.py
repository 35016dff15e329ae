"""Rendering the bot's texts: every message comes from `content/texts.yaml` through `Texts.render`.

Texts are Telegram HTML. Values put into them are escaped, so a user's name can never break the markup.
"""

from __future__ import annotations

import html
import string
from collections.abc import Mapping

from bot.content.catalog import TEXT_CATALOG

_FORMATTER = string.Formatter()


def placeholders_of(template: str) -> set[str]:
    """The `{names}` a template uses (raises ValueError on a malformed template)."""
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name}


class Texts:
    """All texts of one language, checked against `TEXT_CATALOG` by the loader."""

    def __init__(self, templates: Mapping[str, str]) -> None:
        self._templates = dict(templates)

    def render(self, key: str, /, **values: object) -> str:
        template = self._templates[key]
        allowed = TEXT_CATALOG[key]
        missing = placeholders_of(template) - set(values)
        if missing:
            raise KeyError(f"text {key!r} needs values for {sorted(missing)}")
        unknown = set(values) - set(allowed)
        if unknown:
            raise KeyError(f"text {key!r} does not take {sorted(unknown)}")
        safe = {name: html.escape(str(value), quote=False) for name, value in values.items()}
        return template.format_map(safe)

    def raw(self, key: str) -> str:
        return self._templates[key]

    def keys(self) -> list[str]:
        return list(self._templates)
