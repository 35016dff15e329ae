"""The exit codes of `stretchbot run`, one table for the CLI, the runner and the database health (and
docs/deployment.md, whose systemd unit does not restart 2 and 3: `RestartPreventExitStatus=2 3`).

Each failure at start is one line that names the cause and the fix, never the token, without a traceback.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_UNEXPECTED = 1  # a bug: the traceback (secrets redacted) is in the log
EXIT_BAD_SETTING = 2  # a setting or the content is wrong: fix it, then start again (systemd does not restart)
EXIT_TOKEN_REJECTED = 3  # Telegram rejected TELEGRAM_BOT_TOKEN (revoked or mistyped; systemd does not restart)
EXIT_TELEGRAM_UNREACHABLE = 4  # the Bot API did not answer within STARTUP_RETRY_SECONDS of start
EXIT_TELEGRAM_UNEXPECTED = 5  # it answered, but not as a Bot API does (a wrong TELEGRAM_API_URL, a redirect loop)
EXIT_DATABASE_REFUSED = 6  # at start: the database cannot be opened, looks wrong, or cannot be written
EXIT_CANNOT_LISTEN = 7  # the webhook server cannot listen on its address and port
EXIT_STOP_TIMED_OUT = 8  # asked to stop, it had not stopped within STOP_TIMEOUT_SECONDS: stopped hard
EXIT_DATABASE_LOST = 9  # while running: the database file was deleted or replaced, or turned read-only

EXIT_CODES: dict[int, str] = {
    EXIT_OK: "stopped when asked (SIGTERM, SIGINT)",
    EXIT_UNEXPECTED: "an unexpected error (a bug): see the traceback in the log",
    EXIT_BAD_SETTING: "a setting or the content is wrong: the line before says which and how to fix it",
    EXIT_TOKEN_REJECTED: "Telegram rejected TELEGRAM_BOT_TOKEN: get the current one from @BotFather",
    EXIT_TELEGRAM_UNREACHABLE: "the Telegram Bot API could not be reached at start (network, DNS, firewall)",
    EXIT_TELEGRAM_UNEXPECTED: "TELEGRAM_API_URL answered, but not like a Bot API (wrong URL, redirect loop)",
    EXIT_DATABASE_REFUSED: "the database cannot be opened or written at start, or it looks wrong",
    EXIT_CANNOT_LISTEN: "the webhook server cannot listen on --listen/--port (in use, or not allowed)",
    EXIT_STOP_TIMED_OUT: "it did not stop within STOP_TIMEOUT_SECONDS of SIGTERM and was stopped hard",
    EXIT_DATABASE_LOST: "the database was deleted, replaced or turned read-only while the bot ran",
}


class StartupFailure(Exception):
    """The bot cannot start; `str(self)` is the one line for the log (cause and fix), `code` the exit code."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
