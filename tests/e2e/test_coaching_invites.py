"""Invites and consent through the real stack: a coach's /invite link, a client who agrees (new and existing user),
declines, a forged, reused, expired or revoked link; nothing is shared before Agree; typed yes / no / nonsense."""

from __future__ import annotations

from datetime import timedelta

from bot.db.models import CoachInvite
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn
from tests.e2e.coaching_helpers import ADMIN, invite, links_of, open_link, person
from tests.e2e.helpers import AnyApp, onboard, read_until, rows


async def test_a_new_client_agrees_and_then_sets_up(app: AnyApp, standin: BotApiStandIn) -> None:
    coach = person(standin, ADMIN, "Sam")
    client = person(standin, 2001, "Anna")
    payload = await invite(coach, "Anna B")
    stored = await rows(app, CoachInvite)
    assert len(stored) == 1 and payload[1:] not in stored[0].token_hash  # only the hash is stored
    consent = await open_link(client, payload)
    assert "Sam" in (consent.text or "") and "never see anything you type" in (consent.text or "")
    assert consent.button_labels == ["✅ Agree, share", "✖️ No, don't share"]
    assert await links_of(app) == []  # nothing before Agree
    await client.tap("✅ Agree, share")
    await read_until(client, "you now share your progress with Sam")
    await read_until(client, "What time")  # a new user's set-up begins
    told = await read_until(coach, "accepted your invite")
    assert "Anna B" in (told.text or "")
    [link] = await links_of(app)
    assert link.client_id == 2001 and link.coach_id == ADMIN and link.status == "active"
    assert link.share_history is False


async def test_an_existing_user_keeps_their_data_and_types_yes(app: AnyApp, standin: BotApiStandIn) -> None:
    coach = person(standin, ADMIN, "Sam")
    client = person(standin, 2002, "Ben")
    await onboard(client)
    payload = await invite(coach)
    await open_link(client, payload)
    await client.send("hmm what")
    hint = await client.next_message()
    assert "type <i>yes</i> or <i>no</i>" in (hint.raw.get("text") or "") or "type yes or no" in (hint.text or "")
    assert await links_of(app) == []
    await client.send("yes")
    await read_until(client, "you now share your progress with Sam")
    await read_until(coach, "Ben accepted your invite")
    [link] = await links_of(app)
    assert link.client_id == 2002


async def test_decline_shares_nothing_and_the_link_is_spent(app: AnyApp, standin: BotApiStandIn) -> None:
    coach = person(standin, ADMIN, "Sam")
    client = person(standin, 2003, "Cleo")
    payload = await invite(coach, "Cleo")
    await open_link(client, payload)
    await client.send("no")
    await read_until(client, "Nothing was shared")
    await read_until(coach, "Cleo declined your invite")
    assert await links_of(app) == []
    again = await open_link(client, payload)
    assert "already been used" in (again.text or "")


async def test_single_use_a_second_person_and_a_reused_link(app: AnyApp, standin: BotApiStandIn) -> None:
    coach = person(standin, ADMIN, "Sam")
    first, second = person(standin, 2004, "Dan"), person(standin, 2005, "Eve")
    payload = await invite(coach)
    await open_link(first, payload)
    other = await open_link(second, payload)
    assert "already been used" in (other.text or "")
    await first.tap("✅ Agree, share")
    await read_until(first, "you now share")
    await first.send(f"/start {payload}")
    await read_until(first, "already been used")
    assert len(await links_of(app)) == 1


async def test_a_forged_payload_and_a_forged_button(app: AnyApp, standin: BotApiStandIn) -> None:
    coach = person(standin, ADMIN, "Sam")
    client = person(standin, 2006, "Finn")
    payload = await invite(coach)
    forged = await open_link(client, "c" + "A" * 32)
    assert "not valid" in (forged.text or "")
    garbage = await open_link(client, "c!!")
    assert "not valid" in (garbage.text or "")
    # the invite was never opened by this user: a forged Agree for it changes nothing
    [stored] = await rows(app, CoachInvite)
    message = await client.send("hello")
    del message
    await client.next_message()
    answer = await client.tap_data(client.last_message.message_id, f"1|ck|{stored.id}|1")
    del answer
    assert await links_of(app) == []
    assert payload  # the real link still works for someone
    await open_link(person(standin, 2007, "Gus"), payload)


async def test_expired_and_revoked_links(app: AnyApp, standin: BotApiStandIn, clock: FakeClock) -> None:
    coach = person(standin, ADMIN, "Sam")
    client = person(standin, 2008, "Hana")
    old = await invite(coach, "Old")
    clock.advance(timedelta(days=7, minutes=1))
    expired = await open_link(client, old)
    assert "expired" in (expired.text or "")
    fresh = await invite(coach, "Hana")
    await coach.tap("Withdraw: Hana")
    await read_until(coach, "Withdrawn: Hana")
    revoked = await open_link(client, fresh)
    assert "not valid" in (revoked.text or "")
    assert await links_of(app) == []


async def test_a_non_coach_cannot_invite_and_a_coach_opens_their_own_link(app: AnyApp, standin: BotApiStandIn) -> None:
    stranger = person(standin, 2009, "Ivy")
    await stranger.send("/invite")
    assert "This is for coaches" in ((await stranger.next_message()).text or "")
    coach = person(standin, ADMIN, "Sam")
    payload = await invite(coach)
    own = await open_link(coach, payload)
    assert "your own invite link" in (own.text or "")


async def test_typed_answers_at_the_consent_question(app: AnyApp, standin: BotApiStandIn) -> None:
    coach = person(standin, ADMIN, "Sam")
    client = person(standin, 2010, "Jon")
    await onboard(client)
    payload = await invite(coach, "Jon")
    await open_link(client, payload)
    for nonsense in ("maybe later perhaps", "42", "🤷"):
        await client.send(nonsense)
        assert "Tap Agree" in ((await client.next_message()).text or "")
    await client.send("help")
    assert "/stretch" in ((await client.next_message()).text or "")  # help does what it says
    assert await links_of(app) == []
    await client.send("stop")
    await read_until(client, "Nothing was shared")
    await read_until(coach, "Jon declined your invite")
    await client.send("yes")  # the question is answered: a later "yes" shares nothing
    await client.next_message()
    assert await links_of(app) == []


async def test_a_new_user_types_yes_and_sets_up(app: AnyApp, standin: BotApiStandIn) -> None:
    coach = person(standin, ADMIN, "Sam")
    client = person(standin, 2011, "Kai")
    payload = await invite(coach)
    await open_link(client, payload)
    await client.send("what is this")
    assert "Tap Agree" in ((await client.next_message()).text or "")
    await client.send("ok")
    await read_until(client, "you now share your progress with Sam")
    await read_until(client, "What time")
    await read_until(coach, "Kai accepted your invite")


async def test_coaches_command_typed_wrong(app: AnyApp, standin: BotApiStandIn) -> None:
    admin = person(standin, ADMIN, "Sam")
    for typed, expected in (
        ("/coaches add", "Add a coach"),
        ("/coaches add bob", "is not a Telegram user id"),
        ("/coaches add -5", "is not a Telegram user id"),
        ("/coaches remove 12345", "is not a coach added here"),
        ("/coaches remove 999", "is not a coach added here"),
        ("/coaches frobnicate 1", "Add a coach"),
    ):
        await admin.send(typed)
        assert expected in ((await admin.next_message()).text or ""), typed
    stranger = person(standin, 2012, "Lu")
    await onboard(stranger)
    await stranger.send("/coaches add 2012")
    assert "I don't know /coaches" in ((await stranger.next_message()).text or "")


async def test_help_shows_each_his_own_commands(app: AnyApp, standin: BotApiStandIn) -> None:
    admin, coach, client = person(standin, ADMIN, "Sam"), person(standin, 2020, "Olga"), person(standin, 2021, "Pia")
    await admin.send("/coaches add 2020")
    await read_until(admin, "Added 2020")
    await admin.send("/help")
    text = (await admin.next_message()).text or ""
    assert "/clients" in text and "/stats" in text and "/coaches" in text and "/coach " in text
    await coach.send("/help")
    text = (await coach.next_message()).text or ""
    assert "/clients" in text and "/invite" in text and "/stats" not in text and "/coaches" not in text
    await client.send("/help")
    text = (await client.next_message()).text or ""
    assert "/coach " in text and "/clients" not in text


async def test_an_invite_name_is_shown_as_typed_never_as_markup(app: AnyApp, standin: BotApiStandIn) -> None:
    coach = person(standin, ADMIN, "Sam")
    await coach.send("/invite <b>Bob</b> " + "x" * 80)
    made = await read_until(coach, "t.me/")
    assert "(<b>Bob</b> xxxx" in (made.text or "")  # escaped once: shown as typed, cut to 40 characters
    [stored] = await rows(app, CoachInvite)
    assert stored.label == ("<b>Bob</b> " + "x" * 80)[:40]
