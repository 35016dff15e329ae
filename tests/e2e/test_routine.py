"""The guided routine through the real bot and the stand-in, with scaled time (time_scale=1000: a 30 s hold
fires in 30 ms): whole walkthroughs, `RoutineRuntime.begin`, the gentle path, skip/pause/resume/stop, a restart in the
middle of a hold, stale/forged/double taps, typed ratings and a second routine dropped into content/."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from telegram.ext import Application

from bot.app import build_application
from bot.cli import main as cli_main
from bot.config import DEFAULT_CONTENT_DIR, Settings
from bot.context import AppContext, app_context_of
from bot.db.models import Rating, RoutineSession, SkippedDay
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.harness import running
from bot.standin.state import ChatEvent
from bot.standin.user import BotMessage
from tests.conftest import START
from tests.e2e.helpers import rows

App = Application[Any, Any, Any, Any, Any, Any]


def ctx_of(app: App) -> AppContext:
    return app_context_of(app)


async def make_user(
    app: App, user_id: int = 1001, routine_id: str = "pigeon", *, chat: ChatUser | None = None, mode: str = "taps"
) -> None:
    """An onboarded user (Berlin), straight into the database (and their chat into the stand-in). The tests in this
    file walk the tap-per-step mode; hands-free mode (the default for a new user) is in test_routine_hands_free.py."""
    if chat is not None:
        assert chat.chat is not None  # the stand-in knows the private chat, as after a real /start
    async with ctx_of(app).db.unit_of_work() as uow:
        user, _ = await uow.users.get_or_create(user_id, user_id, START)
        user.onboarding_step = None
        user.timezone = "Europe/Berlin"
        user.routine_id = routine_id
        user.routine_mode = mode


async def sessions_of(app: App, user_id: int = 1001) -> list[RoutineSession]:
    async with ctx_of(app).db.unit_of_work(read_only=True) as uow:
        statement = select(RoutineSession).where(RoutineSession.user_id == user_id).order_by(RoutineSession.id)
        return list((await uow.session.execute(statement)).scalars())


async def ratings_of(app: App, session_id: int) -> dict[str, float]:
    async with ctx_of(app).db.unit_of_work(read_only=True) as uow:
        rows = (await uow.session.execute(select(Rating).where(Rating.session_id == session_id))).scalars()
        return {row.kind: row.value for row in rows}


def text_of(event: ChatEvent) -> str:
    """A message's text, or a picture's caption."""
    return str(event.message.get("text") or event.message.get("caption") or "")


def has(fragment: str, kind: str | None = None) -> Callable[[ChatEvent], bool]:
    def match(event: ChatEvent) -> bool:
        text = text_of(event)
        return fragment in text and (kind is None or event.kind == kind)

    return match


async def expect(user: ChatUser, fragment: str, kind: str | None = None) -> ChatEvent:
    return await user.wait_for(has(fragment, kind))


def view(user: ChatUser, event: ChatEvent) -> BotMessage:
    return next(m for m in user.messages if m.message_id == event.message_id)


def scaled(settings: Settings, **changes: Any) -> Settings:
    return settings.model_copy(update=changes)


@asynccontextmanager
async def bot(settings: Settings, clock: FakeClock) -> AsyncIterator[App]:
    application = build_application(settings, clock=clock)
    async with running(application):
        yield application


async def walk_side(user: ChatUser, *, steps: int = 2) -> None:
    """Position (already shown: Done), then each timed step: Start, and let the timers run to the next message."""
    await user.tap("Done")
    for title in ("Lean forward and breathe", "Lean back and turn to the back hip")[:steps]:
        await expect(user, title, "sent")
        await user.tap("Start")


# --- whole walkthroughs ---------------------------------------------------------------------------


async def test_whole_walkthrough_from_stretch(user: ChatUser, app: App) -> None:
    await make_user(app)
    await user.send("/stretch")
    ask = await expect(user, "how stiff is your back right now")
    assert view(user, ask).button_labels[:11] == [str(v) for v in range(11)]
    await user.tap("6")
    intro = await expect(user, "Pigeon hip stretch – about 5 minutes")
    assert intro.kind == "sent"
    first = await expect(user, "1/6 · Get into pigeon pose")
    assert "both legs bent at 90 degrees" in text_of(first)
    assert "Side: left" in text_of(first)
    assert view(user, first).button_labels == ["✓ Done", "Skip", "■ Stop"]
    await walk_side(user)
    switch = await expect(user, "switch sides", "sent")
    assert "left side is done" in text_of(switch)
    await user.tap("Next")
    await expect(user, "Side: right", "sent")
    await walk_side(user)
    await expect(user, "How stiff is your back now", "sent")
    await user.tap("4")
    tighter = await expect(user, "Which side felt tighter?", "sent")
    assert view(user, tighter).button_labels == ["Left", "Right", "About the same", "Skip"]
    await user.tap("Left")
    closing = await expect(user, "All done", "sent")
    assert "6 → 4" in text_of(closing)
    assert "2 points looser" in text_of(closing)

    # The one live message per timed step: a hold counting down, the halfway cue, release and rest, 3 reps.
    edits = [text_of(e) for e in user.events if e.kind == "edited"]
    assert any("Halfway – keep breathing" in text and "15 s" in text for text in edits)
    assert any("Release and rest" in text and "rep 2/3" in text for text in edits)
    assert any("All 3 done" in text for text in edits)
    assert any("Hold – rep 3/3" in text and "right side" in text for text in edits)
    (session,) = await sessions_of(app)
    assert (session.status, session.tighter_side, session.timer_due_at) == ("finished", "left", None)
    assert session.finished_at is not None
    assert await ratings_of(app, session.id) == {"before": 6.0, "after": 4.0}
    assert session.local_date == START.date()

    # A finished session's buttons answer politely and change nothing.
    query = await user.tap_data(first.message_id, f"1|ra|{session.id}|{session.state['seq']}|done")
    assert "already over" in ((await user.answer_to(query)).text or "")
    assert (await sessions_of(app))[0].status == "finished"


async def test_begin_routine_with_a_before_value_from_the_reminder(user: ChatUser, app: App) -> None:
    await make_user(app, chat=user)
    ctx = ctx_of(app)
    await ctx.routine.begin(user_id=1001, delivery_id=None, before=5, update_id=4242)
    await expect(user, "Pigeon hip stretch – about 5 minutes")
    await expect(user, "1/6 · Get into pigeon pose")
    (session,) = await sessions_of(app)
    assert (session.status, session.gentle, session.delivery_id) == ("active", False, None)
    assert await ratings_of(app, session.id) == {"before": 5.0}
    # Called again while it runs: Resume / Start over, nothing else changes.
    await ctx.routine.begin(user_id=1001, delivery_id=None, before=7, update_id=4243)
    offer = await expect(user, "You're in the middle of")
    assert view(user, offer).button_labels == ["Resume", "Start over"]
    assert len(await sessions_of(app)) == 1
    await user.tap("Resume")
    await expect(user, "1/6 · Get into pigeon pose", "sent")
    await ctx.routine.begin(user_id=1001, delivery_id=None, before=7, update_id=4244)
    await expect(user, "You're in the middle of")
    await user.tap("Start over")
    await expect(user, "1/6 · Get into pigeon pose", "sent")
    old, new = await sessions_of(app)
    assert (old.status, new.status) == ("stopped", "active")
    assert await ratings_of(app, new.id) == {"before": 7.0}


async def test_a_session_left_for_hours_is_abandoned_by_a_new_start(user: ChatUser, app: App, clock: FakeClock) -> None:
    await make_user(app)
    await user.send("/stretch")
    await expect(user, "how stiff is your back right now")
    clock.advance(timedelta(hours=13))
    await user.send("/stretch")
    await expect(user, "how stiff is your back right now")
    old, new = await sessions_of(app)
    assert (old.status, new.status) == ("abandoned", "active")


# --- the gentle path --------------------------------------------------------------------------------


async def test_a_high_before_rating_offers_the_gentler_version(user: ChatUser, app: App) -> None:
    await make_user(app)
    await user.send("/stretch")
    await expect(user, "how stiff is your back right now")
    await user.tap("9")
    offer = await expect(user, "gentler version")
    assert "radiates down a leg" in text_of(offer)
    assert "clinician" in text_of(offer)
    assert view(user, offer).button_labels == ["Gentler version", "Normal version", "Skip today"]
    await user.tap("Gentler version")
    await expect(user, "This is the gentler version")
    await expect(user, "1/6")
    await user.tap("Done")
    step = await expect(user, "2/6 · Lean forward and breathe")
    assert "2 × 18 s hold" in text_of(step)
    (session,) = await sessions_of(app)
    assert (session.gentle, session.status) == (True, "active")
    assert await ratings_of(app, session.id) == {"before": 9.0}


async def test_skip_today_at_the_gentle_offer(user: ChatUser, app: App) -> None:
    await make_user(app, chat=user)
    ctx = ctx_of(app)
    await ctx.routine.begin(user_id=1001, delivery_id=None, before=10, update_id=None)
    await expect(user, "gentler version")
    await user.tap("Skip today")
    await expect(user, "Rest is fine too")
    (session,) = await sessions_of(app)
    assert session.status == "stopped"
    # A day skipped because of a flare-up: stored with its reason, so the streak is not broken.
    (skip,) = await rows(app, SkippedDay, user_id=1001)
    assert (skip.local_date, skip.reason) == (session.local_date, "flare_up")


# --- skip, pause/resume, stop -----------------------------------------------------------------------


async def test_skip_pause_resume_and_stop(standin: BotApiStandIn, settings: Settings, clock: FakeClock) -> None:
    # Slower time (a 30 s hold takes 3 s) so that the taps land inside the hold.
    async with bot(scaled(settings, time_scale=10.0), clock) as app:
        user = ChatUser(standin, 1001)
        await make_user(app)
        await user.send("/stretch")
        await expect(user, "how stiff is your back right now")
        await user.tap("Skip rating")
        await expect(user, "1/6")
        await user.tap("Skip")
        await expect(user, "2/6 · Lean forward and breathe", "sent")
        await user.tap("Start")
        live = await expect(user, "Hold – rep 1/3", "sent")
        assert view(user, live).button_labels == ["✓ Done", "⏸ Pause", "Skip", "■ Stop"]
        await user.tap("Pause")
        paused = await expect(user, "Paused – rep 1/3", "edited")
        assert paused.message_id == live.message_id
        (session,) = await sessions_of(app)
        assert (session.state["phase"], session.timer_due_at) == ("paused", None)
        await user.tap("Resume")
        resumed = await expect(user, "Hold – rep 1/3", "edited")
        assert resumed.message_id == live.message_id
        await user.tap("Skip")
        await expect(user, "3/6 · Lean back and turn", "sent")
        await user.tap("Stop")
        await expect(user, "Stopped.", "sent")
        (session,) = await sessions_of(app)
        assert (session.status, session.timer_due_at) == ("stopped", None)
        assert await ratings_of(app, session.id) == {}


# --- a restart in the middle of a hold --------------------------------------------------------------


async def test_restart_in_the_middle_of_a_hold(standin: BotApiStandIn, settings: Settings, clock: FakeClock) -> None:
    slow = scaled(settings, time_scale=10.0)  # the first hold's first tick is 1 s away
    user = ChatUser(standin, 1001)
    async with bot(slow, clock) as app:
        await make_user(app, chat=user)
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        await expect(user, "1/6")
        await user.tap("Done")
        await expect(user, "2/6", "sent")
        await user.tap("Start")
        live = await expect(user, "Hold – rep 1/3", "sent")
    (session,) = await sessions_of(app)
    assert session.status == "active"
    assert (session.timer_kind, session.live_message_id) == ("tick", live.message_id)
    assert session.timer_due_at is not None

    clock.advance(timedelta(seconds=5))  # the bot was down longer than the timer: it fires at once
    async with bot(scaled(settings, time_scale=1000.0), clock) as app2:
        halfway = await expect(user, "Halfway – keep breathing", "edited")
        assert halfway.message_id == live.message_id
        await expect(user, "Release and rest", "edited")
        await expect(user, "Hold – rep 2/3", "edited")
        await expect(user, "3/6 · Lean back and turn", "sent")
        await user.tap("Stop")
        await expect(user, "Stopped.")
        (session,) = await sessions_of(app2)
        assert session.status == "stopped"


async def test_a_state_that_cannot_be_restored_asks_the_user(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=10.0), clock) as app:
        await make_user(app, chat=user)
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        await expect(user, "1/6")
        await user.tap("Done")
        await expect(user, "2/6", "sent")
        await user.tap("Start")
        await expect(user, "Hold – rep 1/3", "sent")
        async with ctx_of(app).db.unit_of_work() as uow:
            session = await uow.sessions.active_of(1001)
            assert session is not None
            session.state = {**(session.state or {}), "version": 99}
    async with bot(settings, clock):
        ask = await expect(user, "lost track of where you were")
        assert view(user, ask).button_labels == ["Start over", "■ Stop"]
        await user.tap("Start over")
        await expect(user, "how stiff is your back right now")


# --- stale, forged and double taps ----------------------------------------------------------------


async def test_double_tap_advances_once(user: ChatUser, app: App) -> None:
    await make_user(app, chat=user)
    await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=3, update_id=None)
    step = await expect(user, "1/6")
    data = next(b.value for row in view(user, step).buttons for b in row if b.text == "✓ Done")
    first = await user.tap_data(step.message_id, data)
    second = await user.tap_data(step.message_id, data)
    await expect(user, "2/6", "sent")
    answers = [await user.answer_to(first), await user.answer_to(second)]
    assert sorted(a.text or "" for a in answers) == ["", "That button was for an earlier step, so nothing changed."]
    (session,) = await sessions_of(app)
    assert session.state is not None
    assert (session.state["slot"], session.state["phase"]) == (1, "ready")
    assert not any("3/6" in text_of(e) for e in user.events)


async def test_old_and_forged_buttons_change_nothing(standin: BotApiStandIn, user: ChatUser, app: App) -> None:
    await make_user(app)
    await make_user(app, 1002)
    await user.send("/stretch")
    await expect(user, "how stiff")
    await user.tap("Skip rating")
    old_step = await expect(user, "1/6")
    old_done = next(b.value for row in view(user, old_step).buttons for b in row if b.text == "✓ Done")
    await user.tap("Stop")
    await expect(user, "Stopped.")
    await user.send("/stretch")
    await expect(user, "how stiff")
    # The stopped session's Done.
    query = await user.tap_data(old_step.message_id, old_done)
    assert "already over" in ((await user.answer_to(query)).text or "")
    # Another user forges data pointing at this user's running session.
    _, running_session = await sessions_of(app)
    other = ChatUser(standin, 1002, "Sam")
    await other.send("/help")
    await other.next_message()
    for data in (
        f"1|rb|{running_session.id}|5",
        f"1|ra|{running_session.id}|0|stop",
        f"1|rx|{running_session.id}|over|0|-",
        f"1|rq|{running_session.id}|0|after|5",
    ):
        query = await other.tap_data(1, data)
        assert "earlier step" in ((await other.answer_to(query)).text or "")
    _, after = await sessions_of(app)
    assert (after.status, after.state) == ("active", running_session.state)
    assert await ratings_of(app, after.id) == {}


# --- typed ratings, a second routine from content, the content check -----------------------------


QUICK = """\
id: quick
title: Quick check
summary: Two short steps, no sides.
minutes: 1
video_url: https://example.com/quick-video
sides: [left]
steps:
  - id: stand
    title: Stand tall
    text: Stand up and roll your shoulders.
  - id: reach
    title: Reach up
    reps: 1
    hold_seconds: 10
    text: Reach both arms up and hold.
"""


async def test_a_second_routine_from_content_with_typed_ratings(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, content)
    (content / "routines" / "quick.yaml").write_text(QUICK, encoding="utf-8")
    assert cli_main(["content", "check", "--dir", str(content)]) == 0
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, content_dir=content), clock) as app:
        await make_user(app, routine_id="quick")
        await user.send("/stretch")
        ask = await expect(user, "Quick check")
        assert "https://example.com/quick-video" in [b.value for row in view(user, ask).buttons for b in row]
        await user.send("my back is a 5 today")
        await expect(user, "Quick check – about 1 minutes")
        step = await expect(user, "1/2 · Stand tall")
        assert "Side:" not in text_of(step)
        assert "▶ Watch how" in view(user, step).button_labels
        await user.tap("Done")
        await expect(user, "2/2 · Reach up", "sent")
        await user.tap("Start")
        await expect(user, "How stiff is your back now", "sent")
        await user.send("11")
        assert "outside the scale" in (await user.next_message()).text
        await user.send("6 or 7")
        assert "couldn't read one rating" in (await user.next_message()).text
        await user.send("3")
        closing = await expect(user, "All done")
        assert "5 → 3" in text_of(closing)
        (session,) = await sessions_of(app)
        assert (session.routine_id, session.status, session.tighter_side) == ("quick", "finished", None)
        assert await ratings_of(app, session.id) == {"before": 5.0, "after": 3.0}
        ratings = await _sources(app, session.id)
        assert ratings == {"before": "text", "after": "text"}
        await user.send("purple elephants")
        assert "didn't quite get that" in (await user.next_message()).text


async def _sources(app: App, session_id: int) -> dict[str, str]:
    async with ctx_of(app).db.unit_of_work(read_only=True) as uow:
        rows = (await uow.session.execute(select(Rating).where(Rating.session_id == session_id))).scalars()
        return {row.kind: row.source for row in rows}


async def test_a_broken_routine_file_is_reported_by_content_check(tmp_path: Path, capsys: Any) -> None:
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, content)
    (content / "routines" / "broken.yaml").write_text(QUICK.replace("hold_seconds: 10", "hold_seconds: 2"))
    assert cli_main(["content", "check", "--dir", str(content)]) != 0
    assert "broken.yaml" in capsys.readouterr().err


# --- a timer lost (e.g. its instance died) is picked up by the sweep ------------------------------


async def test_the_sweep_picks_up_an_overdue_timer_with_no_job(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    from bot.routine.runtime import OVERDUE_GRACE

    slow = scaled(settings, time_scale=1.0)  # real-time holds: nothing fires by itself during the test
    user = ChatUser(standin, 1001)
    async with bot(slow, clock) as app:
        await make_user(app, chat=user)
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        await expect(user, "1/6")
        await user.tap("Done")
        await expect(user, "2/6", "sent")
        await user.tap("Start")
        await expect(user, "Hold – rep 1/3", "sent")
        (session,) = await sessions_of(app)
        runtime = ctx_of(app).routine
        async with runtime.locked(1001):  # the tap's message goes out before its timer is armed: let it finish
            assert runtime.timers.armed(session.id)
        runtime.timers.cancel(session.id)  # the job is gone, as if the instance that armed it had died
        assert await runtime.sweep() == 0  # not overdue yet
        assert session.timer_due_at is not None
        clock.set(session.timer_due_at + OVERDUE_GRACE + timedelta(seconds=1))
        # This sweep, or the periodic one (every SWEEP_SECONDS of real time, which a loaded machine can reach
        # during the test), arms the lost timer; either way it is armed once and fires.
        assert await runtime.sweep() in (0, 1)
        assert runtime.timers.armed(session.id)
        await expect(user, "20 s left", "edited")  # the first tick
        assert await runtime.sweep() == 0  # armed again for the next checkpoint, which is not overdue
