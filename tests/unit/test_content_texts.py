"""Every text the code may send renders from the shipped content with sample values, as valid Telegram HTML."""

from __future__ import annotations

import pytest

from bot.config import DEFAULT_CONTENT_DIR
from bot.content.catalog import SAMPLE_VALUES, TEXT_CATALOG
from bot.content.loader import html_problems, load_content

CONTENT = load_content(DEFAULT_CONTENT_DIR)


@pytest.mark.parametrize("key", sorted(TEXT_CATALOG))
def test_every_catalog_key_renders(key: str) -> None:
    values = {name: SAMPLE_VALUES[name] for name in TEXT_CATALOG[key]}
    rendered = CONTENT.texts.render(key, **values)
    assert rendered.strip()
    assert html_problems(rendered) == []


def test_every_placeholder_has_a_sample_value() -> None:
    used = {name for names in TEXT_CATALOG.values() for name in names}
    assert used <= set(SAMPLE_VALUES)
