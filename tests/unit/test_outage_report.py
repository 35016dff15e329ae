"""An outage is logged when it begins, once a minute while it lasts, and when it ends: not once per failure."""

from __future__ import annotations

import logging

import pytest

from bot.outage_report import OutageReport
from bot.telegram_io.reachability import DOWN_AFTER, TelegramReachability


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_ten_minutes_of_failures_every_second_make_a_dozen_lines(caplog: pytest.LogCaptureFixture) -> None:
    clock = Clock()
    report = OutageReport(logging.getLogger("test.outage"), "The thing", "things wait", clock=clock)
    caplog.set_level(logging.INFO, logger="test.outage")
    for _ in range(600):
        report.failed("ClientConnectorError")
        clock.now += 1.0
    report.recovered()
    lines = [r.getMessage() for r in caplog.records]
    assert lines[0].startswith("The thing is unavailable (ClientConnectorError): things wait")
    assert sum("still unavailable" in line for line in lines) == 9
    assert lines[-1] == "The thing is available again after 10 min 0 s (600 failures)"
    assert len(lines) == 11


def test_telegram_is_unreachable_only_after_several_failures_in_a_row(caplog: pytest.LogCaptureFixture) -> None:
    reachability = TelegramReachability(clock=Clock())
    for _ in range(DOWN_AFTER - 1):
        reachability.failed("HTTP 502")
    reachability.succeeded()  # someone else's request went through: one chat's trouble is not an outage
    for _ in range(DOWN_AFTER - 1):
        reachability.failed("TimedOut")
    assert reachability.reachable
    reachability.failed("TimedOut")
    assert not reachability.reachable
    reachability.succeeded()
    assert reachability.reachable
    assert [r.levelname for r in caplog.records if r.name == "bot.telegram"] == ["WARNING", "WARNING"]
