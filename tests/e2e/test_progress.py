"""/progress and /history through the real bot, from known stored data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.charts.progress_chart import HEIGHT_PX, WIDTH_PX
from bot.db.unit_of_work import UnitOfWork
from bot.domain.clock import FakeClock
from bot.services import progress as service
from bot.services.ratings import save_rating
from bot.standin import BotApiStandIn, ChatUser
from tests.e2e.data_helpers import App, add_day, add_skip, ctx_of, onboard, reply_to, text_of

TODAY = date(2026, 3, 2)  # the clock's Monday (07:00 in Berlin)


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


async def known_month(app: App) -> None:
    """Last week: done Mon-Thu (6 -> 4, left), skipped Fri+Sat (travelling), done Sun (7 -> 5, left).
    Today: done (5 -> 4, right). Before that, a skip without reason on the 20th breaks the run."""
    await onboard(app)
    for offset in (-7, -6, -5, -4):
        await add_day(app, day(offset), 6, 4, side="left")
    await add_skip(app, day(-3), "travelling")
    await add_skip(app, day(-2), "travelling")
    await add_day(app, day(-1), 7, 5, side="left")
    await add_day(app, day(0), 5, 4, side="right")
    await add_skip(app, day(-10), None)
    await add_day(app, day(-12), 8, None, status="abandoned")


async def test_summary_numbers_from_known_data(app: App) -> None:
    await known_month(app)
    async with ctx_of(app).db.unit_of_work(read_only=True) as uow:
        report = await service.progress(uow, await ctx_of(app).scope_for(1001))
    assert report is not None
    assert report.today == TODAY
    assert report.days[0] == day(-29)
    assert report.days[-1] == TODAY
    assert report.streak == 6  # skipped-with-reason days keep it alive but do not count
    assert report.done_this_week == 1
    assert report.change_sessions == 6
    assert report.average_change == pytest.approx(-11 / 6)
    assert report.trend.this_week_avg_before == 5
    assert report.trend.previous_week_avg_before == pytest.approx(6.2)
    assert report.tighter_side == "left"
    assert report.skip_reasons == {"travelling": 2}
    assert report.before[day(-12)] == 8
    assert day(-12) not in report.done
    assert report.skipped == {day(-3): "travelling", day(-2): "travelling", day(-10): None}
    # 7-day average of the before ratings: today's window holds -6..0 (6, 6, 6, 7, 5).
    assert report.average_before[TODAY] == pytest.approx(6.0)
    assert report.average_before[day(-12)] == 8


async def test_progress_sends_a_chart_and_a_summary(user: ChatUser, app: App, standin: BotApiStandIn) -> None:
    await known_month(app)
    reply = await reply_to(user, "/progress")
    assert reply.photo is not None
    biggest = max(reply.photo, key=lambda size: size["width"])
    png = standin.file(biggest["file_id"]).data
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert (biggest["width"], biggest["height"]) == (WIDTH_PX, HEIGHT_PX)
    caption = text_of(reply)
    assert "Your last 30 days" in caption
    assert "Streak: 6 days in a row." in caption
    assert "This week: 1 of 7 days done." in caption
    assert "1.8 points looser (stretches rated before and after: 6)" in caption
    assert "Stiffness this week: 5 on average, down from 6.2 last week." in caption
    assert "Tighter side lately: left." in caption
    assert "Skipped with a reason: travelling ×2." in caption


async def test_a_new_user_gets_a_friendly_message_not_an_empty_chart(user: ChatUser, app: App) -> None:
    await onboard(app)
    reply = await reply_to(user, "/progress")
    assert reply.photo is None
    assert "No ratings yet" in text_of(reply)


async def test_unknown_user_is_asked_to_start(user: ChatUser, app: App) -> None:
    assert "tap /start" in text_of(await reply_to(user, "/progress"))
    assert "tap /start" in text_of(await reply_to(user, "/history"))


async def test_typed_ratings_alone_make_a_chart_and_say_where_the_numbers_come_from(
    user: ChatUser, app: App, clock: FakeClock
) -> None:
    await onboard(app)
    await reply_to(user, "my back is a 7 today")
    clock.advance(timedelta(hours=3))
    await reply_to(user, "6.5")
    reply = await reply_to(user, "/progress")
    assert reply.photo is not None
    assert "No ratings yet" not in text_of(reply)
    assert "From 0 ratings before a stretch, 0 after one and 2 typed on their own." in text_of(reply)


async def test_history_lists_the_last_14_days(user: ChatUser, app: App, clock: FakeClock) -> None:
    await known_month(app)
    await add_day(app, day(-20), 9, 9)  # too old for /history
    await add_day(app, day(-2), 6.5, None, status="stopped", gentle=True)
    clock.advance(timedelta(hours=3))  # 10:00 in Berlin
    await reply_to(user, "7.5")
    reply = await reply_to(user, "/history")
    lines = text_of(reply).splitlines()
    assert lines[0] == "Your last 14 days"
    body = [line for line in lines if line[:3] in ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")]
    assert body == [
        "Mon 2 Mar: stretch 5 → 4 · 7.5 at 10:00",
        "Sun 1 Mar: stretch 7 → 5",
        "Sat 28 Feb: gentle stretch 6.5 → – · skipped (travelling)",
        "Fri 27 Feb: skipped (travelling)",
        "Thu 26 Feb: stretch 6 → 4",
        "Wed 25 Feb: stretch 6 → 4",
        "Tue 24 Feb: stretch 6 → 4",
        "Mon 23 Feb: stretch 6 → 4",
        "Fri 20 Feb: skipped (no reason given)",
        "Wed 18 Feb: stretch 8 → –",
    ]
    assert "/progress" in lines[-1]


async def test_history_when_empty(user: ChatUser, app: App) -> None:
    await onboard(app)
    assert "Nothing in the last 14 days yet" in text_of(await reply_to(user, "/history"))


async def test_build_report_handles_two_sessions_a_day(app: App) -> None:
    await onboard(app)
    await add_day(app, TODAY, 6, 4)
    second = await add_day(app, TODAY, 8, 6)
    async with ctx_of(app).db.unit_of_work() as uow:
        assert isinstance(uow, UnitOfWork)
        await save_rating(
            uow,
            user_id=1001,
            value=7,
            kind="after",
            source="text",
            now=ctx_of(app).clock.now(),
            default_timezone="Europe/London",
            session_id=second,
        )
    async with ctx_of(app).db.unit_of_work(read_only=True) as uow:
        report = await service.progress(uow, await ctx_of(app).scope_for(1001))
    assert report is not None
    assert report.before[TODAY] == 7
    assert report.after[TODAY] == 5.5
    assert report.streak == 1


async def test_a_pause_neither_breaks_nor_extends_the_streak(
    user: ChatUser, app: App, clock: FakeClock, standin: BotApiStandIn
) -> None:
    await onboard(app)
    for offset in (-3, -2, -1, 0):  # a 4-day streak up to today
        await add_day(app, day(offset), 6, 4)
    assert "4 days" in text_of(await reply_to(user, "/progress"))
    await reply_to(user, "/pause")
    await reply_to(user, "a week")  # typed: today (already done) and the next 6 days are paused
    clock.advance(timedelta(days=7))  # the pause is over: reminders are back today
    reply = await reply_to(user, "/progress")
    caption = text_of(reply)
    assert "Streak: 4 days in a row." in caption  # not broken, not extended
    assert "Paused on 6 of these days" in caption
    assert "Skipped with a reason" not in caption
    history = text_of(await reply_to(user, "/history"))
    assert history.count("paused") == 6


async def test_resume_early_forgets_the_rest_of_the_pause(user: ChatUser, app: App, clock: FakeClock) -> None:
    await onboard(app)
    await add_day(app, day(-1), 6, 4)
    await reply_to(user, "/pause 10")
    clock.advance(timedelta(days=2))
    await reply_to(user, "/resume")
    clock.advance(timedelta(days=5))
    caption = text_of(await reply_to(user, "/progress"))
    assert "Paused on 3 of these days" in caption  # the pause's first 3 days; the rest was given back
    assert "No streak running" in caption  # days after /resume without a stretch break it


async def test_pause_until_resume_fills_in_its_days(user: ChatUser, app: App, clock: FakeClock) -> None:
    await onboard(app)
    await add_day(app, day(0), 6, 4)
    await reply_to(user, "/pause")
    await reply_to(user, "until I resume")
    clock.advance(timedelta(days=4))
    await reply_to(user, "resume")
    caption = text_of(await reply_to(user, "/progress"))
    assert "Paused on 4 of these days" in caption  # day 0 was done; days 1-4 were paused
    assert "Streak: 1 day" in caption
