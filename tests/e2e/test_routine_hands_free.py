"""Hands-free mode through the real bot and the stand-in, at scaled time: a whole routine with no tap between the
before and after ratings, the sound cues (order, timing, each removed when the next comes), at most one new message
a second in the chat, pause and resume (tapped and typed) mid-hold and during "get ready", Skip and Stop saying so on
the live message, a restart mid-hold that refreshes the live message at once, sound cues off, and the mode in
/settings."""

from __future__ import annotations

import asyncio
import itertools
from datetime import timedelta

from sqlalchemy import update

from bot.config import Settings
from bot.db.models import RoutineSession
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.state import ChatEvent
from tests.e2e.test_routine import bot, ctx_of, expect, has, make_user, ratings_of, scaled, sessions_of, text_of, view

CUE = "🔔"


def cue_texts(events: list[ChatEvent]) -> list[str]:
    return [str(text_of(e)) for e in events if e.kind == "sent" and str(text_of(e)).startswith(CUE)]


def expected_cues() -> list[str]:
    """The pigeon routine, hands-free: per side, two timed steps of 3 holds; a switch of sides between the sides.
    One cue per moment: the side's last release is the switch cue, and the routine's last one is the after
    question itself (a new message, which sounds)."""
    cues: list[str] = []
    for side in ("left", "right"):
        for _step in range(2):
            for rep in (1, 2, 3):
                cues.append(f"{CUE} Hold · {side} side – rep {rep}/3")
                cues.append(f"{CUE} Release – rest 10 s" if rep < 3 else f"{CUE} Release – well done")
        cues.pop()
        if side == "left":
            cues.append(f"{CUE} Switch sides – right leg in front")
    return cues


async def test_a_whole_hands_free_routine_without_a_tap(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    scale = 50.0  # a 30 s hold takes 0.6 s; one message a second in the chat is one every 20 ms
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=scale), clock) as app:
        await make_user(app, chat=user, mode="hands_free")
        await user.send("/stretch")
        await expect(user, "how stiff is your back right now")
        await user.tap("6")
        start = len(user.events)
        first = await expect(user, "1/6 · Get into pigeon pose", "sent")
        assert "the next step comes by itself in 20 s" in text_of(first)
        assert view(user, first).button_labels == ["Next ▶", "⏸ Pause", "Skip", "■ Stop"]
        step = await expect(user, "2/6 · Lean forward and breathe", "sent")
        assert "starts by itself in 10 s" in text_of(step)
        assert view(user, step).button_labels[:2] == ["▶ Start now", "⏸ Pause"]
        asked = await user.wait_for(has("How stiff is your back now", "sent"), timeout=90)
        taps_during = len(user.answers)
        events = user.events[start : asked.index + 1]
        await user.tap("4")
        await expect(user, "Which side felt tighter?", "sent")
        await user.tap("Left")
        await expect(user, "Stiffness 6 → 4")
        everything = list(user.events)
        (session,) = await sessions_of(app)
        assert session.status == "finished"
        assert await ratings_of(app, session.id) == {"before": 6.0, "after": 4.0}
    assert taps_during == 1  # only the before rating's tap: nothing between it and the after question

    # The cues, in order, each a new message; each removed once the next one came (the last at the question).
    assert cue_texts(events) == expected_cues()
    cue_ids = [e.message_id for e in events if e.kind == "sent" and str(text_of(e)).startswith(CUE)]
    deleted = {e.message_id: e.index for e in everything if e.kind == "deleted"}
    assert set(deleted) == set(cue_ids)
    sent_at = {e.message_id: e.index for e in events if e.kind == "sent"}
    for cue, after in itertools.pairwise(cue_ids):
        assert sent_at[after] < deleted[cue]  # removed when the next cue is there, not before
    assert deleted[cue_ids[-1]] > sent_at[asked.message_id]

    # The steps, the switch of sides and the live countdown: every step shown, holds counted down by edits.
    sent_texts = [str(text_of(e)) for e in events if e.kind == "sent"]
    assert sum("/6 · " in text for text in sent_texts) == 6
    assert sum("switch sides" in text for text in sent_texts) == 1
    edits = [str(text_of(e)) for e in events if e.kind == "edited"]
    assert any("20 s left" in text for text in edits)
    assert any("Halfway" in text and "15 s left" in text for text in edits)
    assert sum("All 3 done" in text for text in edits) == 4

    # Never more than one new message a second (scaled) in the chat.
    times = [e.time for e in events if e.kind == "sent"]
    gaps = [(later - earlier) * scale for earlier, later in itertools.pairwise(times)]
    assert min(gaps) >= 0.95, min(gaps)

    # A hold lasts its 30 s: from the hold's cue to its release cue (the cues ride the one-a-second pacing).
    cue_times = [e.time for e in events if e.kind == "sent" and str(text_of(e)).startswith(CUE)]
    texts = cue_texts(events)
    for index, text in enumerate(texts):
        if "Hold" in text and index + 1 < len(texts):  # the last hold ends with the after question instead
            held = (cue_times[index + 1] - cue_times[index]) * scale
            assert 27.0 <= held <= 60.0, (text, held)


async def test_typed_pause_and_resume_mid_hold_then_typed_stop(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    scale = 10.0  # a hold takes 3 s: time to type
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=scale), clock) as app:
        await make_user(app, chat=user, mode="hands_free")
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        live = await expect(user, "Hold – rep 1/3", "sent")
        await expect(user, f"{CUE} Hold", "sent")
        await user.send("Pause")
        paused = await expect(user, "⏸ Paused – rep 1/3", "edited")
        assert paused.message_id == live.message_id
        assert view(user, paused).button_labels[0] == "▶ Resume"
        (session,) = await sessions_of(app)
        assert session.state is not None and session.state["phase"] == "paused"
        await asyncio.sleep(4.0)  # longer than the hold: nothing moves while paused
        assert not any(f"{CUE} Release" in text_of(e) for e in user.events)
        await user.send("pause")  # nothing counts down now
        await expect(user, "It's paused")
        await user.send("next")  # "next"/"done" cannot go on from a pause either: the same answer
        await expect(user, "It's paused")
        (session,) = await sessions_of(app)
        assert session.state is not None and session.state["phase"] == "paused"
        await user.send("resume please")
        resumed = await expect(user, "Hold – rep 1/3", "edited")
        assert resumed.message_id == live.message_id
        await expect(user, f"{CUE} Release – rest 10 s", "sent")
        await user.send("stop")
        stopped = await expect(user, "Stopped at rep 1/3", "edited")
        assert stopped.message_id == live.message_id
        await expect(user, "Stopped. That's fine", "sent")
        await user.wait_for(lambda e: e.kind == "deleted")  # the release cue is removed with the end of the routine
        for _ in range(100):  # the session forgets the cue right after deleting it
            (session,) = await sessions_of(app)
            if session.cue_message_id is None:
                break
            await asyncio.sleep(0.05)
        assert (session.status, session.cue_message_id) == ("stopped", None)


async def test_a_sentence_with_stop_in_it_is_not_a_command(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=10.0), clock) as app:
        await make_user(app, chat=user, mode="hands_free")
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        await expect(user, "1/6 · Get into pigeon pose", "sent")
        await user.send("should I stop if it pulls a bit?")
        await asyncio.sleep(0.3)
        (session,) = await sessions_of(app)
        assert session.status == "active"


async def test_tapped_pause_during_get_ready_survives_a_restart_and_skip_says_so(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=10.0), clock) as app:
        await make_user(app, chat=user, mode="hands_free")
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        await expect(user, "1/6 · Get into pigeon pose", "sent")
        await user.tap("Pause")
        paused = await expect(user, "⏸ Paused. Tap Resume", "sent")
        assert view(user, paused).button_labels == ["▶ Resume", "Skip", "■ Stop"]
    (session,) = await sessions_of(app)
    assert session.state is not None
    assert (session.state["phase"], session.state["paused_phase"]) == ("paused", "ready")
    assert session.timer_due_at is None
    clock.advance(timedelta(minutes=10))
    async with bot(scaled(settings, time_scale=50.0), clock) as app2:
        await asyncio.sleep(0.5)  # nothing starts by itself after the restart: it is paused
        assert not any("2/6" in text_of(e) for e in user.events)
        await user.tap("Resume", message=paused.message_id)
        again = await expect(user, "1/6 · Get into pigeon pose", "sent")  # the step again, counted in anew
        assert "comes by itself in 20 s" in text_of(again)
        await expect(user, "2/6 · Lean forward and breathe", "sent")
        live = await expect(user, "Hold – rep 1/3", "sent")
        await user.tap("Skip", message=live.message_id)
        skipped = await expect(user, "Skipped at rep 1/3", "edited")
        assert skipped.message_id == live.message_id
        await expect(user, "3/6 · Lean back and turn", "sent")
        await user.tap("Stop")
        await expect(user, "Stopped.")
        (session,) = await sessions_of(app2)
        assert session.status == "stopped"


async def test_a_restart_mid_hold_refreshes_the_live_message_at_once(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=10.0), clock) as app:
        await make_user(app, chat=user, mode="hands_free")
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        live = await expect(user, "Hold – rep 1/3", "sent")
        await expect(user, f"{CUE} Hold", "sent")
    (session,) = await sessions_of(app)
    assert session.timer_kind == "tick"
    # The first tick is 8 s away when the bot comes back at real speed: the refresh must not wait for it.
    async with ctx_of(app).db.unit_of_work() as uow:
        await uow.session.execute(
            update(RoutineSession)
            .where(RoutineSession.id == session.id)
            .values(timer_due_at=clock.now() + timedelta(seconds=8))
        )
    async with bot(scaled(settings, time_scale=1.0), clock):
        refreshed = await expect(user, "28 s left", "edited")
        assert refreshed.message_id == live.message_id
        assert view(user, refreshed).button_labels[:2] == ["✓ Done", "⏸ Pause"]


async def test_sound_cues_off_and_the_tap_mode_from_settings(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=50.0), clock) as app:
        await make_user(app, chat=user, mode="hands_free")
        await user.send("/settings")
        menu = await expect(user, "Your settings")
        assert "Stretch: hands-free (runs by itself), sound cues on" in text_of(menu)
        await user.tap("🔕 Sound cues off")
        changed = await expect(user, "sound cues off", "edited")
        assert "🔔 Sound cues on" in view(user, changed).button_labels
        async with ctx_of(app).db.unit_of_work(read_only=True) as uow:
            row = await uow.users.get(1001)
            assert row is not None and row.sound_cues is False
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        await expect(user, "All 3 done", "edited")
        assert cue_texts(user.events) == []  # no cue at all (and the routine's messages come silently)
        await user.send("stop")
        await expect(user, "Stopped.")
        await user.send("/settings")
        await expect(user, "sound cues off")
        await user.tap("Stretch: a tap per step")
        await expect(user, "Stretch: a tap per step, sound cues off", "edited")
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        first = await expect(user, "1/6 · Get into pigeon pose", "sent")
        assert "Tap Done when you're ready." in text_of(first)
        await asyncio.sleep(1.0)  # 50 s scaled: a hands-free step would have moved on by now
        steps_shown = [e for e in user.events if e.kind == "sent" and "2/6" in text_of(e)]
        assert len(steps_shown) == 1  # only the earlier (hands-free) routine's
