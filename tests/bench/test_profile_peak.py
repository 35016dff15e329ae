"""`python -m bench.profile_peak --summarize`: py-spy's raw samples grouped by the layer of the innermost frame."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.profile_peak import summarize

RAW = """\
_run (events.py:80);execute (sqlalchemy/orm/session.py:2300) 6
_run (events.py:80);de_json (telegram/_update.py:500);__setattr__ (telegram/_telegramobject.py:300) 3
_run (events.py:80);on_rating (bot/handlers/ratings.py:40) 1
run (asyncio/runners.py:118);prepare (bench/peak.py:278);seeded_database (bench/common.py:90) 50
"""


def test_samples_are_grouped_by_layer_and_seeding_is_left_out(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = tmp_path / "peak.raw"
    raw.write_text(RAW)

    summarize(raw)

    lines = capsys.readouterr().out.splitlines()
    assert lines == [
        " 60.0%  database (SQLAlchemy)",
        " 30.0%  python-telegram-bot's object model and request path",
        " 10.0%  the bot's own code",
    ]
