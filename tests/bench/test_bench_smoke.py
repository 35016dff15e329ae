"""The benchmark scenarios at a tiny size: correctness only (never speed).

Every due reminder reaches its user exactly once, the paced fan-out draws no 429 from a rate-limited stand-in,
taps are all answered, and the table prints.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.__main__ import main as bench_main
from bench.baseline_jobqueue import run_daily_fanout
from bench.fanout import run_fanout
from bench.taps import run_taps

pytestmark = pytest.mark.slow


async def test_fanout_delivers_every_due_reminder_exactly_once(tmp_path: Path) -> None:
    result = await run_fanout(tmp_path, users=200, due=60, rate_limit=False, broadcast_per_second=100_000)
    assert result.problems == []
    assert (result.sent, result.delivered, result.db_sent) == (60, 60, 60)


async def test_paced_fanout_draws_no_429_from_telegrams_limits(tmp_path: Path) -> None:
    # 45 reminders at the default 29/s: the pacing itself takes about 1.5 s.
    result = await run_fanout(tmp_path, users=100, due=45, rate_limit=True)
    assert result.problems == []
    assert result.responses_429 == 0
    assert result.delivered == 45


async def test_taps_are_all_answered_and_edited(tmp_path: Path) -> None:
    steady, saturated = await run_taps(tmp_path, users=20, rate=100, taps=50, saturated_taps=50)
    assert steady.problems == [] and saturated.problems == []
    assert (steady.answered, steady.edits, saturated.answered, saturated.edits) == (50, 50, 50, 50)


async def test_usual_approach_accounts_for_every_job() -> None:
    result = await run_daily_fanout(due=30)
    assert result.sent + result.failed + result.missed == 30


def test_the_table_prints(capsys: pytest.CaptureFixture[str]) -> None:
    assert bench_main(["--small", "--only", "sends"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("| scenario | figure | target | usual approach (same run) | ratio | met? |")
    assert "Plain sends through PTB" in out


async def test_flood_answers_every_tap(tmp_path: Path) -> None:
    from bench.flood import run_flood

    result = await run_flood(tmp_path, others=3, messages=20, taps=20, seconds=1.0)
    assert result.problems == []
    assert result.flooder_taps_answered == result.flooder_taps == 20
    assert result.others_taps >= 3


async def test_morning_peak_answers_everything_and_delivers_each_reminder_once(tmp_path: Path) -> None:
    from bench.peak import Plan, run_peak

    plan = Plan(
        users=300, due=40, tap_users=10, tap_rate=20.0, routines=2, progress_rate=2.0, report_rate=1.0,
        seconds=2.0, time_scale=20.0,
    )  # fmt: skip
    result, samples = await run_peak(tmp_path, plan)
    assert result.problems == []
    assert result.reminders_sent == 40
    assert len(result.tap_ms) == result.taps_expected == 40
    # Every /progress and /report was answered: drawn, or "busy" (never left without an answer).
    assert len(result.charts.done) + result.charts.busy == plan.progress_requests
    assert len(result.reports.done) + result.reports.busy == plan.report_requests
    assert result.charts.done and result.reports.done
    assert result.timer_lateness
    # Per-chat pacing: one routine chat got a 429, waited out in that chat alone; no chat got two new messages
    # less than a (routine) second apart.
    assert (result.held_chats, result.responses_429, result.early_requests) == (1, 1, 0)
    assert result.held_lateness
    assert result.chats_with_gaps >= 2 and result.chats_too_fast == 0 and result.smallest_gap >= 0.999
    assert set(samples) == {"render_progress_png", "render_report"}
