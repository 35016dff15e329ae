"""The token and the webhook secret are redacted from every line the process writes: log records with their
traceback and stack text, uncaught exceptions (main thread and others), warnings, asyncio's exception handler and
plain prints (a real interpreter, its stdout and stderr captured)."""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap

from bot.redaction import RedactingStream, RedactSecrets, forget_secrets, redact, register_secrets

TOKEN = "123456789:AAH-secret-part-of-the-token-0123456"
HOOK = "hook-secret-abcdef-0123456789"


def test_redact_replaces_the_token_its_secret_part_and_the_webhook_secret() -> None:
    register_secrets(TOKEN, HOOK)
    try:
        text = f"https://api/bot{TOKEN}/getMe ?t={TOKEN.split(':')[1]} {HOOK} 555555:{'x' * 30}"
        clean = redact(text)
        assert "secret-part" not in clean and HOOK not in clean and "x" * 30 not in clean
        assert clean.count("<redacted>") == 4
    finally:
        forget_secrets()


def test_the_filter_redacts_the_traceback_and_the_stack_of_a_record() -> None:
    register_secrets(TOKEN)
    try:
        try:
            raise RuntimeError(f"cannot reach https://x/bot{TOKEN}/getMe")
        except RuntimeError:
            record = logging.LogRecord("t", logging.ERROR, __file__, 1, "failed %s", (TOKEN,), sys.exc_info())
        record.stack_info = f"Stack: {TOKEN}"
        assert RedactSecrets().filter(record)
        out = logging.Formatter("%(message)s").format(record)
        assert "secret-part" not in out and "RuntimeError" in out and "<redacted>" in out
    finally:
        forget_secrets()


def test_a_stream_redacts_each_write() -> None:
    import io

    register_secrets(TOKEN)
    try:
        buffer = io.StringIO()
        RedactingStream(buffer).write(f"x {TOKEN} y")
        assert buffer.getvalue() == "x <redacted> y"
    finally:
        forget_secrets()


SCRIPT = textwrap.dedent(
    f"""
    import asyncio, logging, threading, warnings
    from bot.logging_setup import configure_logging
    from bot.redaction import redact_standard_streams
    redact_standard_streams()
    configure_logging("INFO", secrets=({TOKEN!r}, {HOOK!r}))
    print("print:", {TOKEN!r})
    logging.getLogger("x").exception("logged: %s", {HOOK!r}, stack_info=True)
    warnings.warn("warned: " + {TOKEN!r})
    def fail():
        raise ValueError({TOKEN!r})
    t = threading.Thread(target=fail)
    t.start(); t.join()
    async def main():
        asyncio.get_running_loop().call_exception_handler({{"message": "asyncio: " + {TOKEN!r}}})
    asyncio.run(main())
    raise RuntimeError("uncaught: " + {TOKEN!r})
    """
)


def test_nothing_the_process_writes_holds_a_secret() -> None:
    result = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=60, check=False)
    output = result.stdout + result.stderr
    assert result.returncode == 1
    for seen in ("print:", "logged:", "warned:", "ValueError", "asyncio:", "uncaught:"):
        assert seen in output, output
    assert "secret-part" not in output and HOOK not in output, output


def test_ptb_dumps_the_bot_replaces_with_its_own_line_are_dropped() -> None:
    from telegram.error import InvalidToken

    from bot.logging_setup import PtbNoise

    noise = PtbNoise()
    dump = logging.LogRecord(
        "telegram.Bot", logging.CRITICAL, __file__, 1, "Error while parsing updates! %r", ([],), None
    )
    assert not noise.filter(dump)
    try:
        raise InvalidToken("Unauthorized")
    except InvalidToken:
        revoked = logging.LogRecord("asyncio", logging.ERROR, __file__, 1, "Task exception", None, sys.exc_info())
    assert not noise.filter(revoked)
    other = logging.LogRecord("telegram.ext.Application", logging.INFO, __file__, 1, "Application started", None, None)
    assert noise.filter(other)
