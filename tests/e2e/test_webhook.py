"""Webhook mode end to end: PTB's webhook server on a free localhost port, `setWebhook` sent to the stand-in, real
Update JSON POSTed to it. Only requests with the right `X-Telegram-Bot-Api-Secret-Token` are processed."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.app import build_application
from bot.config import Settings
from bot.domain.clock import FakeClock
from bot.runner import serving_webhook, url_path_of, webhook_secret
from bot.standin import BotApiStandIn, ChatUser
from tests.conftest import make_settings
from tests.e2e.helpers import read_until

SECRET = "webhook-Secret_0123456789"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
async def webhook(settings: Settings, clock: FakeClock) -> AsyncIterator[str]:
    port = free_port()
    url = f"http://127.0.0.1:{port}/telegram/hook"
    application = build_application(settings, clock=clock)
    async with serving_webhook(application, webhook_url=url, secret_token=SECRET, listen="127.0.0.1", port=port):
        yield url


def take_update(standin: BotApiStandIn) -> dict[str, Any]:
    """The Update the stand-in made for the user's last action (it would deliver it to the webhook)."""
    [update] = standin.state.updates
    standin.state.updates.clear()
    return update


async def post(url: str, update: dict[str, Any], headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as session, session.post(url, json=update, headers=headers) as response:
        return response.status


async def test_setwebhook_registers_the_url_and_the_secret(webhook: str, standin: BotApiStandIn) -> None:
    assert standin.state.webhook == {"url": webhook}
    [call] = standin.calls("setWebhook")
    assert call.params["url"] == webhook
    assert call.params["secret_token"] == SECRET


async def test_only_updates_with_the_right_secret_are_processed(webhook: str, standin: BotApiStandIn) -> None:
    user = ChatUser(standin, 1001, "Alex")
    await user.send("/start")
    update = take_update(standin)
    assert await post(webhook, update, {}) == 403
    assert await post(webhook, update, {HEADER: "not-the-secret"}) == 403
    await asyncio.sleep(0.5)
    assert user.messages == [], "a request without the right secret was processed"
    assert standin.calls("sendMessage") == []

    assert await post(webhook, update, {HEADER: SECRET}) == 200
    await read_until(user, "What time")
    await user.tap("07:30")
    assert await post(webhook, take_update(standin), {HEADER: SECRET}) == 200
    await read_until(user, "Which timezone")


async def test_a_wrong_path_is_not_an_endpoint(webhook: str, standin: BotApiStandIn) -> None:
    user = ChatUser(standin, 1001, "Alex")
    await user.send("/start")
    update = take_update(standin)
    assert await post(webhook.rsplit("/", 1)[0] + "/other", update, {HEADER: SECRET}) == 404
    await asyncio.sleep(0.3)
    assert user.messages == []


def test_secret_comes_from_settings_or_is_generated() -> None:
    assert webhook_secret(make_settings(webhook_secret=" abc_DEF-1 ")) == "abc_DEF-1"
    generated = {webhook_secret(make_settings()) for _ in range(3)}
    assert len(generated) == 3
    assert all(len(s) >= 32 and s.replace("-", "").replace("_", "").isalnum() for s in generated)
    assert url_path_of("https://bot.example.com/telegram/hook") == "telegram/hook"
    assert url_path_of("https://bot.example.com") == ""


async def post_raw(url: str, body: bytes, headers: dict[str, str]) -> int:
    async with aiohttp.ClientSession() as session, session.post(url, data=body, headers=headers) as response:
        return response.status


@pytest.mark.parametrize(
    "body",
    [b"[1,2,3]", b'{"update_id": 1, "message": ', b"\xff\xfe{}", b'"just a string"', b""],
    ids=["array", "malformed", "not-utf8", "string", "empty"],
)
async def test_bodies_that_are_not_a_json_object_get_400_and_log_nothing_of_them(
    webhook: str, standin: BotApiStandIn, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    assert await post_raw(webhook, body, {HEADER: SECRET, "Content-Type": "application/json"}) == 400
    assert not [r for r in caplog.records if r.levelname in {"ERROR", "CRITICAL"}]
    assert "[1,2,3]" not in caplog.text


async def test_a_poison_update_is_answered_200_skipped_and_the_next_one_served(
    webhook: str, standin: BotApiStandIn, caplog: pytest.LogCaptureFixture
) -> None:
    private = "my back is a 7 today"
    poison = {"update_id": 77, "poll": {"id": "5", "question": private, "options": []}}
    assert await post(webhook, poison, {HEADER: SECRET}) == 200, "Telegram must not send it again"
    user = ChatUser(standin, 1001, "Alex")
    await user.send("/start")
    assert await post(webhook, take_update(standin), {HEADER: SECRET}) == 200
    await read_until(user, "What time")
    [skipped] = [r.getMessage() for r in caplog.records if "Skipped update" in r.getMessage()]
    assert "77" in skipped and "(poll)" in skipped and "TypeError" in skipped
    assert private not in caplog.text
