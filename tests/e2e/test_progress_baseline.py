"""/progress states the change from baseline honestly: at 0, 1, a few and many days of data (issue 18)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.db.models import MorningStiffness, WeeklyCheckin
from bot.standin import ChatUser
from tests.e2e.data_helpers import App, add_day, ctx_of, onboard, reply_to, text_of

TODAY = date(2026, 3, 2)
T = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


async def add_minutes(app: App, values: dict[date, int]) -> None:
    async with ctx_of(app).db.unit_of_work() as uow:
        for local_date, minutes in values.items():
            uow.session.add(
                MorningStiffness(
                    user_id=1001, local_date=local_date, minutes=minutes, source="text", created_at=T, updated_at=T
                )
            )


async def add_checkin(app: App, local_date: date, pain: int, enjoyment: int, activity: int) -> None:
    async with ctx_of(app).db.unit_of_work() as uow:
        uow.session.add(
            WeeklyCheckin(
                user_id=1001, local_date=local_date, pain=pain, enjoyment=enjoyment, activity=activity,
                status="done", created_at=T, completed_at=T,
            )
        )  # fmt: skip


async def progress_texts(user: ChatUser) -> tuple[str, str]:
    """(the chart's caption, the baseline message)."""
    await user.send("/progress")
    chart = await user.next_message(timeout=60)  # drawing the chart may take a while on a loaded machine
    assert chart.photo is not None
    return text_of(chart), text_of(await user.next_message())


async def test_no_data_makes_no_claim(user: ChatUser, app: App) -> None:
    await onboard(app)
    reply = await reply_to(user, "/progress")
    assert "No ratings yet" in text_of(reply)
    assert "Compared with your start" not in text_of(reply)


async def test_one_rating_is_too_early(user: ChatUser, app: App) -> None:
    await onboard(app)
    await add_day(app, TODAY, 6, 4)
    _caption, baseline = await progress_texts(user)
    assert baseline.splitlines() == [
        "Compared with your start",
        "Stiffness before the stretch: 6 so far. Too early to tell whether it's changing – that needs 2 weeks of "
        "answers (you have 1 day).",
    ]


async def test_a_few_days_are_still_too_early_even_when_dropping(user: ChatUser, app: App) -> None:
    await onboard(app)
    for offset, value in enumerate([8, 8, 7, 7, 6, 5, 4, 3]):
        await add_day(app, day(offset - 7), value, value - 1)
    await add_minutes(app, {day(-1): 60, day(0): 30})
    _caption, baseline = await progress_texts(user)
    # The first 7 days with data are the baseline: 8, 8, 7, 7, 6, 5, 4 -> 6.4.
    assert "Stiffness before the stretch: 6.4 so far. Too early to tell" in baseline
    assert "(you have 8 days)" in baseline
    assert "Morning stiffness: 45 minutes so far. Too early to tell" in baseline
    assert "(you have 2 days)" in baseline
    for claim in ("lower", "higher", "meaningful", "better", "worse"):
        assert claim not in baseline


async def test_two_months_a_meaningful_change_on_every_measure(user: ChatUser, app: App) -> None:
    await onboard(app)
    for offset in range(-59, 1):
        if offset % 5 == 0:
            continue  # a day off now and then
        before = 7 if offset <= -52 else (5 if offset < -6 else 4)
        await add_day(app, day(offset), before, before - 1.5)
    await add_minutes(app, {day(o): 60 for o in range(-59, -52)} | {day(o): 40 for o in range(-6, 1)})
    for week, (pain, enjoyment, activity) in enumerate([(6, 6, 6), (6, 5, 5), (4, 4, 4)]):
        await add_checkin(app, day(-56 + 7 * week), pain, enjoyment, activity)
    caption, baseline = await progress_texts(user)
    assert "after the stretch your back is on average" in caption.lower()
    lines = baseline.splitlines()
    assert lines[0] == "Compared with your start"
    # Baseline: days -59..-52 less -55 = 7 days of 7; last 7 days: -6..0 less -5 and 0 = 5 days of 4.
    assert lines[1] == (
        "Stiffness before the stretch: 7 at the start, 4 in the last 7 days – 3 points (43%) lower. That reaches "
        "the 2-point or 30% change clinicians count as meaningful."
    )
    assert lines[2] == (
        "Morning stiffness: 60 minutes at the start, 40 minutes in the last 7 days – 20 minutes (33%) lower. That "
        "reaches the 30% change clinicians count as meaningful."
    )
    assert lines[3] == (
        "Weekly check-in score (PEG): 6 at your first check-in, 4 at the latest – 2 points (33%) lower. That "
        "reaches the 2-point or 30% change clinicians count as meaningful."
    )


async def test_a_small_change_is_called_small(user: ChatUser, app: App) -> None:
    await onboard(app)
    for offset in range(-20, 1):
        await add_day(app, day(offset), 6 if offset < -13 else 5, None)
    _caption, baseline = await progress_texts(user)
    assert (
        "Stiffness before the stretch: 6 at the start, 5 in the last 7 days – 1 point (17%) lower. That's below the "
        "2-point or 30% clinicians count as meaningful, so not clear yet." in baseline
    )


async def test_sparse_data_is_said_to_be_sparse(user: ChatUser, app: App) -> None:
    await onboard(app)
    for offset in range(-30, -23):
        await add_day(app, day(offset), 6, 4)
    await add_day(app, TODAY, 2, 1)
    _caption, baseline = await progress_texts(user)
    assert "Stiffness before the stretch: 6 at the start, but too few answers lately to compare" in baseline
    assert "lower" not in baseline


async def test_worse_is_said_with_advice(user: ChatUser, app: App) -> None:
    await onboard(app)
    for offset in range(-20, 1):
        await add_day(app, day(offset), 3 if offset < -13 else 6, None)
    _caption, baseline = await progress_texts(user)
    assert "3 at the start, 6 in the last 7 days – 3 points (100%) higher" in baseline
    assert "check with a clinician" in baseline
