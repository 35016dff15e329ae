"""Pain typed while a hands-free routine runs by itself, through the real bot and the stand-in at scaled time: the
advice first, then whatever counts down is paused (a hold, a "get ready") through `walking.pause_active`, no cue or
timer message follows while paused, and the "Gentler version" under the advice starts the gentler walkthrough, still
hands-free."""

from __future__ import annotations

import asyncio

from bot.config import Settings
from bot.db.models import SafetyEvent
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from tests.e2e.helpers import rows
from tests.e2e.test_routine import bot, ctx_of, expect, make_user, scaled, sessions_of, text_of, view
from tests.support.processes import wait_until

CUE = "🔔"


async def test_pain_typed_during_a_hands_free_hold_pauses_it_and_nothing_follows(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    scale = 10.0  # a 30 s hold takes 3 s, a 10 s rest 1 s, a 20 s "get ready" 2 s
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=scale), clock) as app:
        await make_user(app, chat=user, mode="hands_free")
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        live = await expect(user, "Hold – rep 1/3", "sent")  # it got there by itself
        await expect(user, f"{CUE} Hold", "sent")
        await user.send("ouch that hurts")
        advice = await expect(user, "Ease out of the stretch now", "sent")
        assert "paused your routine" in text_of(advice)
        assert "didn't quite get that" not in text_of(advice)
        assert view(user, advice).button_labels == ["🌱 Gentler version", "Stop for today"]
        paused = await expect(user, "Paused – rep 1/3", "edited")
        assert paused.message_id == live.message_id
        (session,) = await sessions_of(app)
        assert session.state is not None
        assert (session.state["phase"], session.state["hands_free"], session.timer_due_at) == ("paused", True, None)
        [event] = await rows(app, SafetyEvent, user_id=1001)
        assert (event.kind, event.context, event.session_id) == ("pain", "hold", session.id)

        await asyncio.sleep(5.0)  # longer than the rest of the hold and the rest after it (scaled)
        after = user.events[paused.index + 1 :]
        assert [e for e in after if e.kind in ("sent", "edited")] == []  # no cue, no countdown, no next step
        (session,) = await sessions_of(app)
        assert session.state is not None and session.state["phase"] == "paused"

        # The gentler version starts the walkthrough again, gentler, and it still runs by itself.
        await user.tap("Gentler version", message=view(user, advice))
        await expect(user, "1/6", "sent")
        await expect(user, "2/6", "sent")  # no tap: the "get ready" ran out by itself
        await expect(user, f"{CUE} Hold", "sent")
        (session,) = await sessions_of(app)
        assert session.state is not None
        assert (session.status, session.gentle, session.state["hands_free"]) == ("active", True, True)


async def test_pain_typed_during_a_hands_free_get_ready_pauses_it(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=10.0), clock) as app:
        await make_user(app, chat=user, mode="hands_free")
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        await expect(user, "1/6 · Get into pigeon pose", "sent")  # counts 20 s down to the next step
        await user.send("my back hurts")
        advice = await expect(user, "Ease out of the stretch now", "sent")
        assert "paused your routine" in text_of(advice)

        async def paused() -> bool:  # the advice goes out first, the pause is committed right after it
            (session,) = await sessions_of(app)
            return session.state is not None and session.state["phase"] == "paused"

        await wait_until(paused, timeout=5)
        (session,) = await sessions_of(app)
        assert session.timer_due_at is None
        await asyncio.sleep(3.5)  # longer than the "get ready" (scaled): nothing moves on
        later = [str(text_of(e)) for e in user.events[advice.index + 1 :] if e.kind == "sent"]
        assert not any("2/6" in text or text.startswith(CUE) for text in later), later
        [event] = await rows(app, SafetyEvent, user_id=1001)
        assert event.context == "routine"
        await user.send("resume")  # goes on: the step again, counted in anew
        await expect(user, "1/6 · Get into pigeon pose", "sent")
        await expect(user, "2/6", "sent")
