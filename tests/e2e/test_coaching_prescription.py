"""A coach's prescription reaches the client's next session: hold, repetitions and reminders within the content's
bounds, the client told what changed and by whom; another coach cannot prescribe; the plan ends with the link."""

from __future__ import annotations

from bot.db.models import CoachPrescription, ReminderSlot, RoutineSession
from bot.standin import BotApiStandIn
from tests.e2e.coaching_helpers import ADMIN, invite, links_of, open_link, person
from tests.e2e.data_helpers import text_of
from tests.e2e.helpers import AnyApp, onboard, read_until, rows
from tests.e2e.test_report import pdf_text


async def test_prescription_reaches_the_next_session(app: AnyApp, standin: BotApiStandIn) -> None:
    coach = person(standin, ADMIN, "Sam")
    client = person(standin, 5001, "Ida")
    await onboard(client)
    payload = await invite(coach, "Ida")
    await open_link(client, payload)
    await client.tap("✅ Agree, share")
    await read_until(coach, "accepted your invite")
    await coach.send("/clients")
    await read_until(coach, "Your clients")
    await coach.tap("Ida")
    await read_until(coach, "shares since")
    await coach.tap("📝 Prescribe")
    editor = await read_until(coach, "Prescription for Ida")
    assert "Hold: as the routine says\n" in text_of(editor)  # no unit after words
    await coach.tap("Hold +", message=editor)
    told = await read_until(client, "Sam changed your plan")
    assert "holds of 35 seconds" in text_of(told) and "next stretch" in text_of(told)
    await coach.tap("Reps −", message=editor.message_id)
    await read_until(client, "2 repetitions")
    await coach.tap("2 reminder(s) a day", message=editor.message_id)
    await read_until(client, "2 reminder(s) a day")
    [rx] = await rows(app, CoachPrescription)
    assert (rx.hold_seconds, rx.reps, rx.reminders, rx.coach_id) == (35, 2, 2, ADMIN)
    [second] = await rows(app, ReminderSlot, user_id=5001, slot=2)
    assert second.enabled
    await client.send("/stretch")
    await read_until(client, "how stiff is your back right now")
    await client.tap("6")
    await read_until(client, "Pigeon hip stretch")
    [session] = await rows(app, RoutineSession, user_id=5001)
    assert session.prescription == {"hold_seconds": 35, "reps": 2}
    await client.send("/routine")
    note = await read_until(client, "Your coach Sam chose your routine (Pigeon hip stretch)")
    assert note.button_labels == []
    # The one-page report shows the routine as prescribed.
    await client.send("/report 30")
    document = await client.next_message(timeout=90)
    while document.document is None:
        document = await client.next_message(timeout=90)
    assert "Lean forward and breathe: 2 × 35 s each side" in pdf_text(
        standin.state.files[document.document["file_id"]].data
    )


async def test_bounds_refusal_and_the_plan_ends_with_the_link(app: AnyApp, standin: BotApiStandIn) -> None:
    coach, other = person(standin, ADMIN, "Sam"), person(standin, 5100, "Olga")
    await coach.send("/coaches add 5100")
    await read_until(coach, "Added 5100")
    client = person(standin, 5002, "Jo")
    await onboard(client)
    payload = await invite(coach, "Jo")
    await open_link(client, payload)
    await client.tap("✅ Agree, share")
    await read_until(coach, "accepted your invite")
    [link] = await links_of(app)
    await coach.send("/help")
    await coach.next_message()
    await coach.tap_data(coach.last_message.message_id, f"1|cx|{link.id}|hold|5000")
    await read_until(client, "holds of 90 seconds")  # clamped to the content's maximum
    await other.send("/help")
    await other.next_message()
    await other.tap_data(other.last_message.message_id, f"1|cx|{link.id}|hold|40")
    await read_until(other, "not one of your clients")
    [rx] = await rows(app, CoachPrescription)
    assert rx.hold_seconds == 90
    await client.send("/coach")
    overview = await read_until(client, "Your coach")
    assert "Your plan from Sam: routine Pigeon hip stretch, holds of 90 seconds." in text_of(overview)
    await client.tap("Stop sharing with Sam")
    await read_until(client, "no longer share")
    assert await rows(app, CoachPrescription) == []
