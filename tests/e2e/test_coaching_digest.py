"""The coach's digest at the coach's own local time (two coaches in two zones, a FakeClock), listing who needs
attention and why with a button to each; typed /digest settings, wrong ones answered."""

from __future__ import annotations

from datetime import UTC, datetime, time

from bot.db.models import Coach, CoachAccess
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn
from bot.standin.user import ChatUser
from tests.e2e.coaching_helpers import ADMIN, invite, open_link, person
from tests.e2e.data_helpers import ctx_of, text_of
from tests.e2e.helpers import AnyApp, onboard, read_until, rows


async def test_digest_at_each_coachs_local_time(app: AnyApp, standin: BotApiStandIn, clock: FakeClock) -> None:
    sam, nia = person(standin, ADMIN, "Sam"), person(standin, 6100, "Nia")
    await onboard(sam, zone="Berlin")
    await sam.send("/coaches add 6100")
    await read_until(sam, "Added 6100")
    await onboard(nia, zone="New York")
    client = person(standin, 6001, "Kim")
    await onboard(client)
    payload = await invite(sam, "Kim")
    await open_link(client, payload)
    await client.tap("✅ Agree, share")
    await read_until(sam, "accepted your invite")
    await sam.send("/digest")
    menu = await read_until(sam, "Digest: off")
    await sam.tap("Daily 18:00", message=menu)
    await read_until(sam, "Digest: daily at 18:00")
    await nia.send("/digest daily 6pm")
    await read_until(nia, "Digest: daily at 18:00")
    digest = ctx_of(app).digest
    clock.set(datetime(2026, 3, 2, 16, 59, tzinfo=UTC))
    assert await digest.run_once() == 0
    clock.set(datetime(2026, 3, 2, 17, 0, tzinfo=UTC))  # 18:00 in Berlin
    assert await digest.run_once() == 1
    fine = await read_until(sam, "Your clients today")
    assert "nobody needs attention. (1 clients)" in text_of(fine)
    assert await digest.run_once() == 0  # at most once
    clock.set(datetime(2026, 3, 2, 23, 0, tzinfo=UTC))  # 18:00 in New York
    assert await digest.run_once() == 1
    await read_until(nia, "nobody needs attention. (0 clients)")
    clock.set(datetime(2026, 3, 3, 17, 0, tzinfo=UTC))
    assert await digest.run_once() == 1
    await read_until(sam, "nobody needs attention")
    # On her third day without anything done, Sam's digest names Kim, with a button to her summary.
    clock.set(datetime(2026, 3, 4, 17, 0, tzinfo=UTC))
    assert await digest.run_once() == 1
    flagged = await read_until(sam, "need attention")
    assert "Kim" in text_of(flagged) and "no activity for 3 days" in text_of(flagged)
    assert flagged.button_labels == ["⚠️ Kim"]
    assert {e.what for e in await rows(app, CoachAccess, client_id=6001)} == {"digest"}
    [row] = await rows(app, Coach, user_id=ADMIN)
    assert row.digest_due_at == datetime(2026, 3, 5, 17, 0, tzinfo=UTC)


async def test_typed_digest_settings_and_nonsense(app: AnyApp, standin: BotApiStandIn) -> None:
    sam = person(standin, ADMIN, "Sam")
    stranger = person(standin, 6200, "Ola")
    await sam.send("/digest sometimes")
    assert "/digest daily 18:00" in text_of(await sam.next_message())
    await sam.send("/digest daily 25:99")
    assert "/digest daily 18:00" in text_of(await sam.next_message())
    await sam.send("/digest weekly 7:30")
    assert "weekly on Mondays at 07:30" in text_of(await sam.next_message())
    await sam.send("/digest off")
    assert "Digest: off" in text_of(await sam.next_message())
    await stranger.send("/digest daily 18:00")
    assert "This is for coaches" in text_of(await stranger.next_message())
    assert [c.user_id for c in await rows(app, Coach)] == [ADMIN]


async def test_a_german_coach_types_the_digest_in_german(app: AnyApp, standin: BotApiStandIn) -> None:
    sam = ChatUser(standin, ADMIN, "Sam", language_code="de")
    await sam.send("/digest täglich 18 Uhr")
    assert "täglich um 18:00" in text_of(await sam.next_message())
    assert [(c.digest, c.digest_time) for c in await rows(app, Coach)] == [("daily", time(18, 0))]
    await sam.send("/digest wöchentlich 7:30")
    assert "wöchentlich montags um 07:30" in text_of(await sam.next_message())
    await sam.send("/digest aus")
    assert "Zusammenfassung: aus" in text_of(await sam.next_message())
    assert [c.digest for c in await rows(app, Coach)] == ["off"]
    await sam.send("/digest manchmal")  # not a choice: the German example, nothing changed
    assert "/digest täglich 18:00" in text_of(await sam.next_message())
    assert [c.digest for c in await rows(app, Coach)] == ["off"]
