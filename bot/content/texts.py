"""Rendering the bot's texts: every message comes from `content/locales/<code>/texts/*.yaml` through `Texts.render`.

Texts are Telegram HTML. Values put into them are escaped, so a user's name can never break the markup. A text may
be a plural text (a mapping of CLDR plural categories to texts, see `bot.content.catalog.PLURAL_COUNTS`): its form is
chosen by the count it is given, with Babel's plural rules of the language ("1 Tag", "2 Tage"; "1 день", "2 дня",
"5 дней").
"""

from __future__ import annotations

import html
import string
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from babel import Locale

from bot.content.catalog import PLURAL_COUNTS, TEXT_CATALOG

_FORMATTER = string.Formatter()

Template = str | Mapping[str, str]


def placeholders_of(template: str) -> set[str]:
    """The `{names}` a template uses (raises ValueError on a malformed template)."""
    return {name for _, name, _, _ in _FORMATTER.parse(template) if name}


def template_placeholders(template: Template) -> set[str]:
    """The placeholders a text uses in any of its forms."""
    if isinstance(template, str):
        return placeholders_of(template)
    return set().union(*(placeholders_of(form) for form in template.values()))


def _number(value: object) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        return None


class Texts:
    """All texts of one language, checked against `TEXT_CATALOG` by the loader; `locale` names the plural rules."""

    def __init__(self, templates: Mapping[str, Template], locale: str = "en", formats: str = "en_GB") -> None:
        self._templates = dict(templates)
        self._plural = Locale.parse(locale).plural_form
        self.locale = locale
        self.formats = formats  # the Babel locale for dates and numbers (`Content.formats`)

    def _form(self, key: str, template: Template, values: Mapping[str, object]) -> str:
        if isinstance(template, str):
            return template
        count = _number(values.get(PLURAL_COUNTS.get(key, ""), ""))
        category = self._plural(count) if count is not None else "other"
        return template.get(category) or template["other"]

    def render(self, key: str, /, **values: object) -> str:
        template = self._form(key, self._templates[key], values)
        allowed = TEXT_CATALOG[key]
        missing = placeholders_of(template) - set(values)
        if missing:
            raise KeyError(f"text {key!r} needs values for {sorted(missing)}")
        unknown = set(values) - set(allowed)
        if unknown:
            raise KeyError(f"text {key!r} does not take {sorted(unknown)}")
        safe = {name: html.escape(str(value), quote=False) for name, value in values.items()}
        return template.format_map(safe)

    def raw(self, key: str) -> Template:
        return self._templates[key]

    def keys(self) -> list[str]:
        return list(self._templates)
