"""Unhandled errors reach the operator: counted in /metrics, told to OPERATOR_CHAT_ID (rate-limited, the kind and the
place only, never what the user typed) and, with SENTRY_DSN, to Sentry with user content stripped.

The failure is real: every INSERT into `ratings` fails inside the database (a trigger), so a typed rating raises in
its handler, as a broken deployment would. The user still gets the truthful apology.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import AsyncIterator
from typing import Any, ClassVar

import aiohttp
import pytest
import sentry_sdk
from sentry_sdk.envelope import Envelope
from sentry_sdk.transport import Transport

from bot.app import build_application
from bot.config import Settings
from bot.domain.clock import FakeClock
from bot.health.sentry import close_sentry, init_sentry, strip_event
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.harness import running
from tests.conftest import TOKEN
from tests.e2e.helpers import AnyApp, break_rating_inserts, ctx_of, onboard, read_until
from tests.e2e.test_health_process import samples, value
from tests.support.processes import wait_until

OPERATOR = 5000
TYPED = ("my back is a 7.5 today", "8.5, stiff as a board", "9.5")  # ratings (a report of pain has its own flow)


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> AsyncIterator[AnyApp]:
    changed = settings.model_copy(
        update={"operator_chat_id": OPERATOR, "operator_alert_minutes": 0.05, "health_port": 0}
    )
    application = build_application(changed, clock=clock)
    async with running(application):
        yield application


async def test_errors_are_counted_and_told_to_the_operator_chat_rate_limited_without_user_content(
    app: AnyApp, standin: BotApiStandIn
) -> None:
    operator = ChatUser(standin, OPERATOR, "Operator")
    standin.state.ensure_chat(operator.user)  # the operator once wrote to the bot, so it may write to them
    user = ChatUser(standin, 1001, "Alex")
    await onboard(user, "07:15", "Berlin")
    await break_rating_inserts(app)
    await user.send(TYPED[0])
    assert "Sorry, something went wrong" in (await read_until(user, "Sorry")).text
    first = await operator.next_message()
    # Two more within OPERATOR_ALERT_MINUTES (3 s here): one message for both, at the end of the window.
    for typed in TYPED[1:]:
        await user.send(typed)
        await read_until(user, "Sorry")
    assert len(operator.messages) == 1, "nothing more until the window ends"
    second = await operator.next_message(timeout=15)
    texts = [first.text, second.text]
    assert texts[0].startswith("⚠️ stretchbot: 1 unhandled error(s) in the last 0.05 min.")
    assert texts[1].startswith("⚠️ stretchbot: 2 unhandled error(s) in the last 0.05 min.")
    error = "OperationalError" if ctx_of(app).db.is_sqlite else "DBAPIError"
    for alert in texts:
        assert f"The latest: {error} while handling a user's update, at bot/" in alert
        assert "at bot/services/ratings.py:" in alert and "(save_rating)" in alert, "the use case that failed"
        for typed in TYPED:
            assert typed not in alert
        assert "7.5" not in alert and "stiff" not in alert and TOKEN not in alert
        assert "no such table" not in alert and "broken" not in alert, "no exception message"
    server = ctx_of(app).health_server
    assert server is not None
    async with aiohttp.ClientSession() as session, session.get(f"http://127.0.0.1:{server.port}/metrics") as response:
        found = samples(await response.text())
    assert value(found, "stretchbot_errors_total", where="update") == 3
    await asyncio.sleep(3.5)
    assert len(operator.messages) == 2, "a quiet window sends nothing"


class Captured(Transport):
    """A Sentry transport that keeps the events instead of sending them anywhere."""

    events: ClassVar[list[dict[str, Any]]] = []

    def capture_envelope(self, envelope: Envelope) -> None:
        event = envelope.get_event()
        if event is not None:
            Captured.events.append(dict(event))


async def test_sentry_gets_the_error_type_and_place_but_no_user_content(app: AnyApp, standin: BotApiStandIn) -> None:
    Captured.events = []
    assert init_sentry("https://public@127.0.0.1/1", transport=Captured)
    try:
        user = ChatUser(standin, 1001, "Alex")
        await onboard(user, "07:15", "Berlin")
        await break_rating_inserts(app)
        await user.send(TYPED[0])
        await read_until(user, "Sorry")
        await wait_until(lambda: Captured.events, 10)
    finally:
        sentry_sdk.flush()
        close_sentry()
    (event,) = Captured.events
    (exception,) = [e for e in event["exception"]["values"] if e["type"] in ("OperationalError", "DBAPIError")][-1:]
    assert exception["value"] == "(message not sent)"
    frames = exception["stacktrace"]["frames"]
    assert frames and all("vars" not in frame for frame in frames)
    assert any(frame.get("module", "").startswith("bot.") for frame in frames)
    sent = json.dumps(event)
    for leak in ("my back", TOKEN, TOKEN.split(":")[1], "no such table", "broken", "Alex"):
        assert leak not in sent, f"{leak!r} reached Sentry"
    for number in ("7.5", "1001"):  # as numbers of their own, not digits inside a timestamp or an event id
        assert not re.search(rf"(?<![\w.]){re.escape(number)}(?![\w.])", sent), f"{number} reached Sentry"
    assert "user" not in event and "request" not in event and "breadcrumbs" not in event


def test_strip_event_removes_what_can_hold_user_content() -> None:
    event = {
        "exception": {
            "values": [
                {
                    "type": "ValueError",
                    "value": "could not parse 'my back hurts'",
                    "stacktrace": {"frames": [{"function": "f", "vars": {"text": "my back hurts"}}]},
                }
            ]
        },
        "request": {"data": "x"},
        "user": {"id": 1001},
        "extra": {"text": "my back hurts"},
        "breadcrumbs": {"values": [{"message": "my back hurts"}]},
        "logentry": {"message": "failed for %s", "params": ["my back hurts"]},
        "contexts": {"runtime": {"name": "CPython"}, "note": f"bot{TOKEN}/sendMessage"},
    }
    stripped = json.dumps(strip_event(event))
    assert "my back hurts" not in stripped and "1001" not in stripped and TOKEN not in stripped
    assert "ValueError" in stripped and "CPython" in stripped and "failed for %s" in stripped
