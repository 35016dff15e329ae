"""Helpers for the coaching tests: coaches and clients as chat users, an invite link's payload, the link rows."""

from __future__ import annotations

import re
from typing import Any

from bot.db.models import CoachLink
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.user import BotMessage
from tests.e2e.helpers import AnyApp, read_until, rows

ADMIN = 999  # the test settings' ADMIN_USER_IDS


def person(standin: BotApiStandIn, user_id: int, name: str) -> ChatUser:
    return ChatUser(standin, user_id, name)


async def invite(coach: ChatUser, name: str = "") -> str:
    """/invite [name] as `coach`: the deep link's payload."""
    await coach.send(f"/invite {name}".strip())
    message = await read_until(coach, "t.me/")
    found = re.search(r"https://t\.me/(\w+)\?start=([A-Za-z0-9_-]+)", message.text or "")
    assert found is not None, message.text
    assert found.group(1) == "stretchbot_local_bot"
    payload = found.group(2)
    assert len(payload) <= 64
    await read_until(coach, "Open invites")
    return payload


async def open_link(client: ChatUser, payload: str) -> BotMessage:
    await client.send(f"/start {payload}")
    return await client.next_message()


async def links_of(app: AnyApp, **where: Any) -> list[CoachLink]:
    return await rows(app, CoachLink, **where)
