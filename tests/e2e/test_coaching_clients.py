"""Two coaches and several clients: the roster's marks from planted data (attention first), a client's summary with
chart and report (an access event the client sees in /coach), another coach's client refused, a client who stops
sharing (the coach told at once and refused), history before the link, /delete and /export."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, timedelta

from sqlalchemy import update

from bot.db.models import CoachAccess, CoachLink, SafetyEvent, User
from bot.standin import BotApiStandIn, ChatUser
from tests.e2e.coaching_helpers import ADMIN, invite, links_of, open_link, person
from tests.e2e.data_helpers import add_day, ctx_of, text_of
from tests.e2e.helpers import AnyApp, onboard, read_until, rows

TODAY = date(2026, 3, 2)  # the test clock's day (Europe/Berlin)


async def _linked(app: AnyApp, coach: ChatUser, client: ChatUser, name: str) -> None:
    payload = await invite(coach, name)
    await open_link(client, payload)
    await client.tap("✅ Agree, share")
    await read_until(client, "you now share")
    await read_until(coach, "accepted your invite")


async def _plant(app: AnyApp, user_id: int, days_done: list[int], befores: dict[int, float] | None = None) -> None:
    """Finished sessions `days_done` days ago; the client onboarded 40 days ago and shares their history."""
    for ago in days_done:
        before = (befores or {}).get(ago, 5.0)
        await add_day(app, TODAY - timedelta(days=ago), before, before - 1, user_id=user_id)
    async with ctx_of(app).db.unit_of_work() as uow:
        start = datetime(2026, 1, 20, 8, 0).astimezone()
        await uow.session.execute(update(User).where(User.id == user_id).values(onboarded_at=start, created_at=start))
        await uow.session.execute(update(CoachLink).where(CoachLink.client_id == user_id).values(share_history=True))


async def test_roster_marks_from_planted_data(app: AnyApp, standin: BotApiStandIn) -> None:
    coach = person(standin, ADMIN, "Sam")
    steady, dropped, silent, hurt = (person(standin, 3000 + i, n) for i, n in enumerate(("Ava", "Bo", "Cy", "Di")))
    for client, name in ((steady, "Ava"), (dropped, "Bo"), (silent, "Cy"), (hurt, "Di")):
        await onboard(client)
        await _linked(app, coach, client, name)
    await _plant(app, 3000, list(range(0, 30)))  # every day: fine
    await _plant(app, 3001, [*list(range(7, 30)), 2])  # every day, then once in the last week: adherence down
    await _plant(app, 3002, list(range(4, 30)))  # nothing for the last 3 days: inactive
    await _plant(app, 3003, list(range(0, 30)))
    async with ctx_of(app).db.unit_of_work() as uow:
        uow.session.add(
            SafetyEvent(user_id=3003, kind="pain", context="chat", local_date=TODAY, created_at=ctx_of(app).clock.now())
        )
    await coach.send("/clients")
    roster = await read_until(coach, "Your clients")
    text = text_of(roster)
    assert text.index("Di") < text.index("Cy") < text.index("Bo") < text.index("Ava")  # attention first
    assert "reported pain or a warning sign" in text
    assert "adherence down 20% or more" in text
    assert "no activity for 3 days" in text
    ava = text[text.index("<b>Ava</b>") if "<b>Ava</b>" in text else text.index("Ava") :]
    assert ava.startswith("Ava · 7 days 100% · 30 days 100%"), ava
    assert roster.button_labels[:3] == ["⚠️ Di", "⚠️ Cy", "⚠️ Bo"] and roster.button_labels[3] == "Ava"
    events = await rows(app, CoachAccess, what="roster")
    assert {e.client_id for e in events} == {3000, 3001, 3002, 3003}


async def test_summary_chart_report_and_the_access_log(app: AnyApp, standin: BotApiStandIn) -> None:
    coach = person(standin, ADMIN, "Sam")
    client = person(standin, 3101, "Eli")
    await onboard(client)
    await _linked(app, coach, client, "Eli")
    await _plant(app, 3101, list(range(0, 60)))
    await coach.send("/clients")
    await read_until(coach, "Your clients")
    await coach.tap("Eli")
    summary = await read_until(coach, "shares since")
    assert "Adherence: 7 days 100%" in text_of(summary)
    chart = await coach.next_message(timeout=90)  # drawn off the event loop: slow on a busy machine
    assert "Eli: the last weeks" in text_of(chart) and chart.photo
    report = await coach.next_message(timeout=90)
    assert "one-page report" in text_of(report)
    assert report.document is not None and report.document["file_name"].endswith(".pdf")
    assert (await coach.next_message(timeout=30)).photo  # the same page as a picture
    await client.send("/coach")
    overview = text_of(await read_until(client, "Your coach"))
    assert "Sam: your summary, chart and report" in overview
    assert "Sam: your line in their list" in overview
    assert "Never what you type" in overview


async def test_another_coachs_client_is_refused(app: AnyApp, standin: BotApiStandIn) -> None:
    coach = person(standin, ADMIN, "Sam")
    other = person(standin, 4001, "Olga")
    await coach.send("/coaches add 4001")
    await read_until(coach, "Added 4001 as a coach")
    client = person(standin, 3201, "Fay")
    await onboard(client)
    await _linked(app, coach, client, "Fay")
    [link] = await links_of(app)
    await other.send("/clients")
    assert "No clients yet" in text_of(await other.next_message())
    await other.send("hi")
    await other.next_message()
    await other.tap_data(other.last_message.message_id, f"1|cv|{link.id}")
    refused = await read_until(other, "not one of your clients")
    assert refused
    assert await rows(app, CoachAccess, coach_id=4001) == []


async def test_a_client_leaves_and_the_coach_is_told_and_refused(app: AnyApp, standin: BotApiStandIn) -> None:
    coach = person(standin, ADMIN, "Sam")
    client = person(standin, 3301, "Gil")
    await onboard(client)
    await _linked(app, coach, client, "Gil")
    await coach.send("/clients")
    await read_until(coach, "Your clients")
    roster_message = coach.last_message
    await client.send("/coach")
    await read_until(client, "Your coach")
    await client.tap("Share history before")
    await read_until(client, "now sees your history")
    assert (await links_of(app))[0].share_history is True
    await client.tap("Stop sharing with Sam")
    await read_until(client, "You no longer share anything with Sam")
    await read_until(coach, "Gil stopped sharing with you")
    await coach.tap("Gil", message=roster_message)  # an old roster button
    await read_until(coach, "not one of your clients")
    [link] = await links_of(app)
    assert link.status == "ended" and link.ended_by == "client"


async def test_delete_ends_every_link_and_export_lists_them(app: AnyApp, standin: BotApiStandIn) -> None:
    sam, olga = person(standin, ADMIN, "Sam"), person(standin, 4002, "Olga")
    await sam.send("/coaches add 4002")
    await read_until(sam, "Added 4002")
    client = person(standin, 3401, "Hal")
    await onboard(client)
    await _linked(app, sam, client, "Hal")
    await _linked(app, olga, client, "Hal")
    await sam.send("/clients")
    await read_until(sam, "Your clients")
    await client.send("/export")
    export = await read_until(client, "")
    while export.document is None:
        export = await client.next_message()
    archive = zipfile.ZipFile(io.BytesIO(standin.state.files[export.document["file_id"]].data))
    links_csv = archive.read("coach_links.csv").decode()
    assert links_csv.count("active") == 2 and "Sam" in links_csv and "Olga" in links_csv
    assert "roster" in archive.read("coach_access.csv").decode()
    assert "coach_prescriptions.csv" in archive.namelist()
    await client.send("/delete")
    await client.next_message()
    await client.send("yes")
    await read_until(sam, "Hal stopped sharing with you")
    await read_until(olga, "Hal stopped sharing with you")
    assert await links_of(app) == []
    assert await rows(app, CoachAccess) == []


async def test_history_before_the_link_only_when_the_client_shares_it(app: AnyApp, standin: BotApiStandIn) -> None:
    coach = person(standin, ADMIN, "Sam")
    client = person(standin, 3501, "Ines")
    await onboard(client)
    for ago in range(1, 31):  # a month of stretching before the link (today: nothing yet)
        await add_day(app, TODAY - timedelta(days=ago), 5, 4, user_id=3501)
    await _linked(app, coach, client, "Ines")
    await coach.send("/clients")
    hidden = text_of(await read_until(coach, "Your clients"))
    assert "Ines · 7 days 0% · 30 days 0% · last never · streak 0" in hidden
    await client.send("/coach")
    await read_until(client, "Your coach")
    await client.tap("Share history before")
    await read_until(client, "now sees your history")
    await coach.send("/clients")
    shared = text_of(await read_until(coach, "Your clients"))
    assert "Ines · 7 days 86% · 30 days 97% · last 1 Mar · streak 30" in shared


async def test_the_roster_is_paged(app: AnyApp, standin: BotApiStandIn) -> None:
    coach = person(standin, ADMIN, "Sam")
    now = ctx_of(app).clock.now()
    async with ctx_of(app).db.unit_of_work() as uow:
        for i in range(10):
            user_id = 3600 + i
            uow.session.add(User(id=user_id, chat_id=user_id, timezone="Europe/Berlin", onboarded_at=now,
                                 created_at=now, updated_at=now))  # fmt: skip
            await uow.flush()
            uow.session.add(CoachLink(coach_id=ADMIN, client_id=user_id, client_name=f"Client {i:02d}",
                                      status="active", linked_at=now, linked_date=TODAY))  # fmt: skip
    await coach.send("/clients")
    first = await read_until(coach, "Your clients (10) – page 1 of 2")
    assert first.button_labels[-1] == "Next ▶" and "Client 00" in text_of(first) and "Client 09" not in text_of(first)
    await coach.tap("Next ▶", message=first)
    second = await read_until(coach, "page 2 of 2")
    assert "Client 09" in text_of(second) and second.button_labels[-1] == "◀ Previous"


async def test_an_admin_removes_a_coach_and_their_clients_are_told(app: AnyApp, standin: BotApiStandIn) -> None:
    admin, olga = person(standin, ADMIN, "Sam"), person(standin, 3700, "Olga")
    await admin.send("/coaches add 3700")
    await read_until(admin, "Added 3700")
    client = person(standin, 3701, "Rae")
    await onboard(client)
    await _linked(app, olga, client, "Rae")
    await admin.send("/coaches remove 3700")
    await read_until(admin, "Removed 3700")
    await read_until(client, "Olga is no longer a coach here")
    [link] = await links_of(app)
    assert (link.status, link.ended_by) == ("ended", "removed")
    await olga.send("/clients")
    assert "This is for coaches" in text_of(await olga.next_message())
