"""LOG_FORMAT: plain lines by default, one JSON object per line with `json`; the token is redacted in both, and the
monitoring settings read from the environment as an operator writes them."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.config import SettingsError, load_settings
from bot.logging_setup import configure_logging, log_failure

TOKEN = "123456789:AAbbCCddEEffGGhhIIjjKKllMMnnOOpp"


@pytest.fixture
def output() -> Iterator[io.StringIO]:
    """What the bot's own log handler writes (it is the root logger's, set up by `configure_logging`)."""
    configure_logging("INFO")
    (handler,) = [h for h in logging.getLogger().handlers if getattr(h, "_stretchbot", False)]
    assert isinstance(handler, logging.StreamHandler)
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        yield stream
    finally:
        handler.setStream(previous)
        configure_logging("INFO")


def test_plain_is_the_default_and_redacts_the_token(output: io.StringIO) -> None:
    logging.getLogger("bot.test").info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    line = output.getvalue().strip()
    assert " INFO bot.test: calling https://api.telegram.org/bot<" in line and line.endswith(">/getMe")
    assert TOKEN not in line and TOKEN.split(":")[1] not in line
    with pytest.raises(json.JSONDecodeError):
        json.loads(line)


def test_json_is_one_object_per_line_and_redacts_the_token(output: io.StringIO) -> None:
    configure_logging("INFO", log_format="json")
    log = logging.getLogger("bot.test")
    log.info("calling https://api.telegram.org/bot%s/getMe", TOKEN)
    log.warning('a line with "quotes" and\na newline')
    typed = "my back hurts"
    try:
        raise KeyError(typed)
    except KeyError as exc:
        log_failure(log, "error while handling %s", exc, "Update")
    lines = output.getvalue().splitlines()
    assert len(lines) == 3, "every record is one line, whatever its message holds"
    records = [json.loads(line) for line in lines]
    assert records[0]["message"].startswith("calling https://api.telegram.org/bot<")  # <token> or <redacted>
    assert records[0]["message"].endswith(">/getMe")
    assert (records[0]["level"], records[0]["logger"]) == ("INFO", "bot.test")
    assert "time" in records[0]
    assert records[1]["message"] == 'a line with "quotes" and\na newline'
    assert records[2]["level"] == "ERROR" and "KeyError (message not logged)" in records[2]["message"]
    assert TOKEN not in output.getvalue()
    assert "my back hurts" not in output.getvalue(), "no exception message"


class RedactTracebacks(logging.Filter):
    """A filter that formats a record's traceback into `exc_text` and redacts it there (as `stretchbot run`'s does)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.exc_info:  # (pytest's own handler may have cached the unredacted text already)
            record.exc_text = logging.Formatter().formatException(record.exc_info).replace(TOKEN, "<hidden>")
        return True


@pytest.mark.parametrize("log_format", ["plain", "json"])
def test_a_traceback_redacted_by_a_filter_stays_redacted(output: io.StringIO, log_format: str) -> None:
    configure_logging("INFO", log_format=log_format)
    (handler,) = [h for h in logging.getLogger().handlers if getattr(h, "_stretchbot", False)]
    redacting = RedactTracebacks()
    handler.addFilter(redacting)
    try:
        url = f"https://api.telegram.org/bot{TOKEN}/getMe"
        try:
            raise ConnectionError(url)
        except ConnectionError:
            logging.getLogger("bot.test").exception("request failed")
    finally:
        handler.removeFilter(redacting)
    assert "ConnectionError: https://api.telegram.org/bot<hidden>/getMe" in output.getvalue().replace("\\n", "\n")
    assert TOKEN not in output.getvalue()


def test_switching_back_to_plain(output: io.StringIO) -> None:
    configure_logging("INFO", log_format="json")
    configure_logging("INFO", log_format="plain")
    logging.getLogger("bot.test").info("hello")
    assert output.getvalue().strip().endswith("INFO bot.test: hello")


def test_monitoring_settings_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LOG_FORMAT", "JSON")
    monkeypatch.setenv("HEALTH_PORT", "9102")
    monkeypatch.setenv("OPERATOR_CHAT_ID", "-100123")
    monkeypatch.setenv("SENTRY_DSN", "")
    settings = load_settings(_env_file=None)
    assert (settings.log_format, settings.health_port, settings.health_listen) == ("json", 9102, "127.0.0.1")
    assert (settings.operator_chat_id, settings.sentry_dsn) == (-100123, None)
    monkeypatch.setenv("HEALTH_PORT", "")
    assert load_settings(_env_file=None).health_port is None, "empty means off"
    monkeypatch.setenv("LOG_FORMAT", "xml")
    with pytest.raises(SettingsError, match="LOG_FORMAT must be plain or json"):
        load_settings(_env_file=None)
