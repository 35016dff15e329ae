"""/stats: coaches (admin_user_ids = 999 in the test settings) see the numbers; anybody else gets the
unknown-command answer, as if it did not exist."""

from __future__ import annotations

from datetime import date, timedelta

from bot.standin import BotApiStandIn, ChatUser
from tests.e2e.data_helpers import App, add_day, onboard, reply_to, text_of

TODAY = date(2026, 3, 2)


async def test_stats_is_unknown_to_non_admins(user: ChatUser, app: App) -> None:
    await onboard(app)
    reply = await reply_to(user, "/stats")
    assert text_of(reply) == "I don't know /stats. Type /help to see what I can do."
    help_text = text_of(await reply_to(user, "/help"))
    assert "/stats" not in help_text


async def test_coach_sees_the_numbers(app: App, standin: BotApiStandIn) -> None:
    coach = ChatUser(standin, 999, "Coach")
    for user_id in (1001, 1002, 1003):
        await onboard(app, user_id=user_id)
    await add_day(app, TODAY, 6, 4, user_id=1001)  # -2
    await add_day(app, TODAY - timedelta(days=1), 7, 6, user_id=1002)  # -1
    await add_day(app, TODAY - timedelta(days=2), 5, None, user_id=1003, status="abandoned")
    await add_day(app, TODAY - timedelta(days=3), 8, None, user_id=1001, status="stopped")
    await add_day(app, TODAY - timedelta(days=10), 9, 1, user_id=1001)  # too old
    reply = await reply_to(coach, "/stats")
    lines = text_of(reply).splitlines()
    assert lines == [
        "Coach stats – last 7 days",
        "Active users: 3",
        "Sessions finished: 2 (of 4 started)",
        "Completion rate: 50%",
        "Average change before → after: -1.5",
    ]


async def test_coach_stats_without_sessions(app: App, standin: BotApiStandIn) -> None:
    coach = ChatUser(standin, 999, "Coach")
    text = text_of(await reply_to(coach, "/stats"))
    assert "Active users: 0" in text
    assert "Completion rate: n/a" in text
