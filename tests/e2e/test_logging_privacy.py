"""Logs never contain the bot token or what users typed, even at DEBUG."""

from __future__ import annotations

import logging

import pytest

from bot.logging_setup import configure_logging
from bot.standin import ChatUser
from tests.conftest import TOKEN
from tests.e2e.helpers import AnyApp, onboard


async def test_debug_logs_hold_no_token_and_no_user_text(
    app: AnyApp, user: ChatUser, caplog: pytest.LogCaptureFixture
) -> None:
    configure_logging("DEBUG")
    caplog.set_level(logging.DEBUG)
    try:
        await onboard(user, "07:15", "Europe/Berlin")
        await user.send("my back is a 7 today, secret-marker")
        await user.next_message()
    finally:
        configure_logging("INFO")
    text = "\n".join(f"{r.name} {r.getMessage()}" for r in caplog.records)
    assert caplog.records, "something is logged at DEBUG"
    assert TOKEN not in text
    assert TOKEN.split(":")[1] not in text
    assert "secret-marker" not in text
    assert "my back is a 7" not in text
