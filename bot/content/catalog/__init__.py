"""The catalog of texts the code uses: each key and the values the code passes to it, one module per flow.

`content/locales/en/texts/*.yaml` must define exactly these keys (other locales a subset) and may use only these
placeholders. The loader checks it at start, and a test renders every key of every locale with sample values, so a
text and the code that sends it cannot drift apart.
To add a text: add its key to the flow's module here, use it in the code, write it in
`content/locales/en/texts/<flow>.yaml` (and in the other locales' folders).

Plurals: a text whose placeholders include one count (`PLURAL_COUNTS`) may be a mapping of CLDR plural categories
(`one`, `few`, `many`, `other`, ...); the form is chosen by that count, by Babel's plural rules of the language.
"""

from __future__ import annotations

from bot.content.catalog import coaching, core, outcomes, questions, ratings, reminders, report, routine, safety, words

_FLOWS = (core, reminders, ratings, routine, outcomes, report, safety, questions, words, coaching)

TEXT_CATALOG: dict[str, tuple[str, ...]] = {}
# A value of the right kind for every placeholder, used to render every text in tests and `content check`.
SAMPLE_VALUES: dict[str, str] = {}
for _flow in _FLOWS:
    TEXT_CATALOG.update(_flow.TEXTS)
    SAMPLE_VALUES.update(_flow.SAMPLES)

# Placeholders that hold a count, which a plural text chooses its form by.
COUNT_PLACEHOLDERS = ("minutes", "days", "reps", "sessions", "done", "points", "max_days", "hours", "count", "snooze")

# Texts whose plural form follows another number than their one count placeholder (the translators' choice, noted
# as "# plural by {name}" above the text in the locales' files; a test keeps the two in step).
_PLURAL_BY = {
    "progress.change_looser": "amount",
    "progress.change_stiffer": "amount",
    "outcomes.summary_change_looser": "amount",
    "outcomes.summary_change_stiffer": "amount",
    "outcomes.summary_sessions": "planned",
    "report.adherence_line": "planned",
    "report.gentle": "started",
    "routine.closing_better": "change",
    "routine.closing_worse": "change",
    "operator.errors": "count",
}

# key -> the placeholder whose number chooses the plural form: texts with exactly one count placeholder, and those
# named above.
PLURAL_COUNTS: dict[str, str] = {
    key: counts[0]
    for key, names in TEXT_CATALOG.items()
    if len(counts := [name for name in names if name in COUNT_PLACEHOLDERS]) == 1
} | _PLURAL_BY
for _key, _name in _PLURAL_BY.items():
    assert _name in TEXT_CATALOG[_key], f"{_key} has no placeholder {{{_name}}}"
