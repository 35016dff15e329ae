"""Pain and warning signs typed at any point, through the real bot and the stand-in: during a hold (paused, then
the gentler version or rest today), in answer to the before question, on a reminder, out of the blue; red flags
get the urgent advice and only Stop; negations are not reports; every report is a safety event without words."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import UTC, datetime

from bot.config import Settings
from bot.db.models import ReminderDelivery, RoutineSession, SafetyEvent, SkippedDay
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from bot.ui.callbacks_safety import SafetyChoice
from tests.e2e.helpers import AnyApp, dispatcher_of, onboard, read_until, rows
from tests.e2e.test_routine import bot, expect, make_user, scaled, sessions_of, view

UTC_0630 = datetime(2026, 3, 2, 6, 30, tzinfo=UTC)  # 07:30 in Berlin


async def _into_a_hold(user: ChatUser) -> None:
    await user.send("/stretch")
    await expect(user, "how stiff is your back right now")
    await user.send("5")
    await expect(user, "1/6")
    await user.tap("Done")
    await expect(user, "2/6", "sent")
    await user.tap("Start")
    await expect(user, "Hold – rep 1/3", "sent")


async def test_pain_during_a_hold_pauses_it_and_offers_the_gentler_version(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=1.0), clock) as app:  # real-time holds: nothing fires by itself
        await make_user(app, chat=user)
        await _into_a_hold(user)
        await user.send("ouch this hurts")
        advice = await expect(user, "Ease out of the stretch now", "sent")
        assert "paused your routine" in advice.message["text"]
        assert "I didn't quite get that" not in advice.message["text"]
        assert view(user, advice).button_labels == ["🌱 Gentler version", "Stop for today"]
        await expect(user, "Paused – rep 1/3", "edited")
        (session,) = await sessions_of(app)
        assert (session.state["phase"], session.timer_due_at) == ("paused", None)
        [event] = await rows(app, SafetyEvent, user_id=1001)
        assert (event.kind, event.context, event.session_id) == ("pain", "hold", session.id)
        await user.tap("Gentler version", message=view(user, advice))
        await expect(user, "1/6", "sent")
        (session,) = await sessions_of(app)
        assert (session.status, session.gentle, session.state["phase"]) == ("active", True, "ready")
        assert view(user, advice).button_labels == []  # the advice's buttons came off
        before = (await sessions_of(app))[0].seq
        await user.answer_to(await user.tap_data(advice.message_id, SafetyChoice(session.id, 0, "gentle").pack()))
        (session,) = await sessions_of(app)
        assert session.seq == before


async def test_a_warning_sign_typed_during_a_hold_and_stop_for_today(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=1.0), clock) as app:
        await make_user(app, chat=user)
        await _into_a_hold(user)
        await user.send("I have sharp pain down my leg")
        advice = await expect(user, "Please stop the stretch", "sent")
        assert "clinician" in advice.message["text"]
        await expect(user, "Paused", "edited")
        await user.tap("Stop for today", message=view(user, advice))
        await expect(user, "Rest is fine too", "sent")
        (session,) = await sessions_of(app)
        assert (session.status, session.timer_due_at) == ("stopped", None)
        [skipped] = await rows(app, SkippedDay, user_id=1001)
        assert skipped.reason == "flare_up"
        [event] = await rows(app, SafetyEvent, user_id=1001)
        assert (event.kind, event.context) == ("warning", "hold")


async def test_a_red_flag_gets_urgent_advice_first_and_only_stop(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=1.0), clock) as app:
        await make_user(app, chat=user)
        await _into_a_hold(user)
        user.skip_to_end()
        await user.send("both legs feel weak and numb")
        first = await user.next_message()
        assert "get urgent medical care" in (first.text or "")
        assert first.button_labels == ["Stop for today"]
        [event] = await rows(app, SafetyEvent, user_id=1001)
        assert (event.kind, event.context) == ("red_flag", "hold")
        # Out of the blue (no routine): the urgent advice, no buttons to carry on.
        await user.tap("Stop for today", message=first)
        await expect(user, "Rest is fine too", "sent")
        user.skip_to_end()
        await user.send("I wet myself this morning")
        urgent = await user.next_message()
        assert "get urgent medical care" in (urgent.text or "")
        assert urgent.button_labels == []
        events = await rows(app, SafetyEvent, user_id=1001)
        assert [(e.kind, e.context) for e in events][-1] == ("red_flag", "chat")


async def test_pain_in_answer_to_the_before_question(app: AnyApp, user: ChatUser) -> None:
    await make_user(app, chat=user)
    await user.send("/stretch")
    await expect(user, "how stiff is your back right now")
    await user.send("it hurts a lot")
    advice = await expect(user, "sorry your back hurts", "sent")
    assert "paused" not in advice.message["text"]
    [event] = await rows(app, SafetyEvent, user_id=1001)
    assert event.context == "rating"
    await user.tap("Gentler version", message=view(user, advice))
    await expect(user, "1/6", "sent")
    (session,) = await sessions_of(app)
    assert session.gentle


async def test_negations_are_not_reports(app: AnyApp, user: ChatUser) -> None:
    await make_user(app, chat=user)
    await user.send("/stretch")
    await expect(user, "how stiff is your back right now")
    await user.send("no pain today, maybe a 3")
    await expect(user, "1/6")
    assert await rows(app, SafetyEvent, user_id=1001) == []


async def test_pain_typed_on_a_reminder_offers_rest_and_skips_the_day(
    app: AnyApp, user: ChatUser, clock: FakeClock
) -> None:
    await onboard(user, "07:30", "Berlin")
    clock.set(UTC_0630)
    assert await dispatcher_of(app).run_once() == 1
    await read_until(user, "How stiff is your back right now")
    await user.send("my back is sore and aching")
    advice = await read_until(user, "sorry your back hurts")
    assert "stretch now" not in (advice.text or ""), "no stretch is under way: nothing to ease out of"
    assert advice.button_labels == ["Stop for today"]
    [event] = await rows(app, SafetyEvent, user_id=1001)
    assert event.context == "reminder"
    await user.tap("Stop for today", message=advice)
    await read_until(user, "Rest is fine too")
    [delivery] = await rows(app, ReminderDelivery, user_id=1001)
    assert delivery.status == "skipped"
    assert [s.reason for s in await rows(app, SkippedDay, user_id=1001)] == ["flare_up"]
    assert await rows(app, RoutineSession, user_id=1001) == []


async def test_a_user_who_never_started_gets_the_advice_and_nothing_is_stored(app: AnyApp, user: ChatUser) -> None:
    await user.send("sharp shooting pain in my leg")
    advice = await read_until(user, "Please don't stretch until")
    assert "/start" in (advice.text or "")
    assert await rows(app, SafetyEvent) == []


async def test_reported_pain_shows_in_history_progress_and_export(
    app: AnyApp, user: ChatUser, standin: BotApiStandIn
) -> None:
    await make_user(app, chat=user)
    await user.send("6")
    await read_until(user, "6")
    await user.send("my hip is really sore")
    await read_until(user, "sorry your back hurts")
    await user.send("pins and needles in my foot")
    await read_until(user, "Please don't stretch until")
    await user.send("/history")
    history = await read_until(user, "Your last 14 days")
    assert "warning sign reported (see a clinician)" in (history.text or "")
    assert "pain reported" not in (history.text or "")  # one entry a day: the most serious
    await user.send("/progress")
    progress = await read_until(user, "told me about pain")
    assert "on one of these days" in (progress.caption or progress.text or "")
    await user.send("/export")
    reply = await user.next_message()
    while reply.document is None:
        reply = await user.next_message()
    with zipfile.ZipFile(io.BytesIO(standin.file(reply.document["file_id"]).data)) as archive:
        raw = "".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
        events = archive.read("safety_events.csv").decode("utf-8-sig")
    safety = list(csv.DictReader(io.StringIO(events, newline="")))
    assert [(r["kind"], r["where"]) for r in safety] == [("pain", "chat"), ("warning", "chat")]
    assert "sore" not in raw and "needles" not in raw  # never the user's words


async def test_forged_or_old_safety_buttons_change_nothing(app: AnyApp, user: ChatUser, clock: FakeClock) -> None:
    await onboard(user, "07:30", "Berlin")
    clock.set(UTC_0630)
    assert await dispatcher_of(app).run_once() == 1
    reminder = await read_until(user, "How stiff is your back right now")
    [delivery] = await rows(app, ReminderDelivery, user_id=1001)
    # No pain reported today: "Stop for today" (forged) is refused and skips nothing.
    for data in (SafetyChoice(0, delivery.id, "rest"), SafetyChoice(0, 0, "rest"), SafetyChoice(999, 0, "gentle")):
        answer = await user.answer_to(await user.tap_data(reminder.message_id, data.pack()))
        assert "earlier step" in (answer.text or "")
    assert await rows(app, SkippedDay, user_id=1001) == []
    assert [d.status for d in await rows(app, ReminderDelivery, user_id=1001)] == ["sent"]
    # After a report, a button naming someone else's reminder is refused too.
    await user.send("my back hurts")
    await read_until(user, "sorry your back hurts")
    answer = await user.answer_to(await user.tap_data(reminder.message_id, SafetyChoice(0, 10**6, "rest").pack()))
    assert "earlier step" in (answer.text or "")
    assert await rows(app, SkippedDay, user_id=1001) == []
