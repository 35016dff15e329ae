"""The catalog of texts the code uses: each key and the values the code passes to it, one module per flow.

`content/texts/*.yaml` must define exactly these keys and may use only these placeholders. The loader checks it at
start, and a test renders every key with sample values, so a text and the code that sends it cannot drift apart.
To add a text: add its key to the flow's module here, use it in the code, write it in `content/texts/<flow>.yaml`.
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
