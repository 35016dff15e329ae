"""The stop watchdog: once asked to stop, a bot that has not stopped within STOP_TIMEOUT_SECONDS (a wedged
shutdown, even a blocked event loop) exits hard with its own exit code, saying so in one line."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from bot.failures import EXIT_STOP_TIMED_OUT

SCRIPT = textwrap.dedent(
    """
    import asyncio, time
    from bot.logging_setup import configure_logging
    from bot.runner import _Stop

    async def main():
        stop = _Stop(0.3)
        stop.request()
        time.sleep(10)  # the event loop is blocked: only the watchdog thread can end this

    configure_logging("INFO")
    asyncio.run(main())
    """
)


def test_a_stop_that_hangs_ends_hard_with_its_exit_code() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == EXIT_STOP_TIMED_OUT
    [line] = [x for x in result.stderr.splitlines() if "CRITICAL" in x]
    assert "did not stop within STOP_TIMEOUT_SECONDS" in line
