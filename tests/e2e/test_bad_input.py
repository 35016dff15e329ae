"""Bad input, property-based, against the real bot and the stand-in: random text, forged callback data, edits,
stickers, photos, voice, groups, channels, odd users. Every update gets a helpful answer or is ignored on purpose;
nothing escapes to the error handler, nothing is logged at ERROR, and forged taps change no row at all."""

from __future__ import annotations

import asyncio
import itertools
import logging
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import text

from bot.db.models import Base, Rating, ReminderDelivery, RoutineSession
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.state import BOT_USER, ChatState
from tests.e2e.helpers import AnyApp, ctx_of, dispatcher_of, onboard, read_until, rows
from tests.e2e.test_reminders import UTC_0630

ERROR_TEXT = "Sorry, something went wrong"
GROUP, SUPERGROUP, CHANNEL = -4001, -1002003004005, -1009008007006
EXAMPLES = settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow]
)
_ids = itertools.count(1)


@dataclass
class World:
    alice: ChatUser
    bob: ChatUser
    own: dict[str, int]  # alice's delivery, rating and session ids
    others: dict[str, int]  # bob's


async def settle(app: AnyApp, standin: BotApiStandIn) -> None:
    """Until every update handed to the stand-in has been fetched and completely handled (error handler too)."""
    quiet = 0
    for _ in range(1000):
        busy = standin.state.updates or app.update_queue._unfinished_tasks  # unfinished: queued or being handled
        quiet = 0 if busy else quiet + 1
        if quiet >= 3:
            return
        await asyncio.sleep(0.005)
    raise AssertionError("the bot did not finish handling the updates")


async def snapshot(app: AnyApp) -> dict[str, list[tuple[Any, ...]]]:
    tables = {}
    async with ctx_of(app).db.unit_of_work(read_only=True) as uow:
        for table in Base.metadata.sorted_tables:
            order = ", ".join(column.name for column in table.primary_key.columns)
            result = await uow.session.execute(text(f"SELECT * FROM {table.name} ORDER BY {order}"))
            tables[table.name] = [tuple(row) for row in result]
    return tables


def bot_texts(standin: BotApiStandIn) -> list[str]:
    return [
        str(e.message.get("text") or e.message.get("caption") or "")
        for chat in standin.state.chats.values()
        for e in chat.events
    ]


def answer_texts(standin: BotApiStandIn) -> list[str]:
    return [str((q.answer or {}).get("text") or "") for q in standin.state.callback_queries.values()]


def assert_nothing_went_wrong(standin: BotApiStandIn, caplog: pytest.LogCaptureFixture) -> None:
    assert not [t for t in bot_texts(standin) + answer_texts(standin) if ERROR_TEXT in t]
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR and r.name.startswith(("bot", "telegram"))]
    assert not errors, [r.getMessage() for r in errors]


@pytest.fixture
async def world(app: AnyApp, standin: BotApiStandIn, clock: FakeClock, caplog: pytest.LogCaptureFixture) -> World:
    """Alice and Bob, each with a typed rating, today's reminder and an active routine session."""
    caplog.set_level(logging.WARNING)
    alice, bob = ChatUser(standin, 1001, "Alice"), ChatUser(standin, 2002, "Bob")
    ids: list[dict[str, int]] = []
    for person, value in ((alice, "6"), (bob, "7")):
        await onboard(person)
        await person.send(value)
        await read_until(person, "Saved")
    clock.set(UTC_0630)
    assert await dispatcher_of(app).run_once() == 2
    for person in (alice, bob):
        await person.send("/stretch")
        await read_until(person, "how stiff is your back right now")
        [delivery] = await rows(app, ReminderDelivery, user_id=person.user_id)
        [rating] = await rows(app, Rating, user_id=person.user_id)
        [session] = await rows(app, RoutineSession, user_id=person.user_id)
        ids.append({"delivery": delivery.id, "rating": rating.id, "session": session.id})
    for chat_id, kind in ((GROUP, "group"), (SUPERGROUP, "supergroup"), (CHANNEL, "channel")):
        standin.state.chats[chat_id] = ChatState(chat={"id": chat_id, "type": kind, "title": "Stretch club"}, user={})
    return World(alice, bob, ids[0], ids[1])


# ----- random text -------------------------------------------------------------------------------------------

ODD = "\u200b\u200c\u200d\u2060\ufeff\u202e\u202d\u061c" + "שלום مرحبا" + "🙂🧘‍♀️👍🏽🇩🇪" + "\x00\x01\x07\x1b\x7f\t\r"
texts = st.one_of(
    st.text(min_size=1, max_size=60),
    st.text(alphabet=st.sampled_from(ODD + "0123456789 .,/-abc"), min_size=1, max_size=40),
    st.builds(lambda chunk, n: (chunk * n)[:4096], st.text(min_size=1, max_size=8), st.integers(130, 4096)),
    st.sampled_from(["7", "6.5", "11", "-3", "10/10", "½", "٧", "7 or 8", "seven", "0x7", "1e3", "nan", "∞"]),
).filter(lambda t: t.strip() and not t.lstrip().startswith("/"))


@EXAMPLES
@given(data=st.data())
async def test_random_text_always_gets_a_helpful_answer(
    app: AnyApp, standin: BotApiStandIn, world: World, caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    typed = data.draw(texts, label="text")
    alice = world.alice
    alice.skip_to_end()
    await alice.send(typed)
    await settle(app, standin)
    replies = [e for e in alice.events[alice._cursor :] if e.kind in ("sent", "edited")]
    assert replies, f"no answer to {typed!r}"
    assert_nothing_went_wrong(standin, caplog)


# ----- forged callback data ----------------------------------------------------------------------------------


def forged_data(world: World) -> st.SearchStrategy[str]:
    own, other = world.own, world.others
    mine = set(own.values())
    foreign_id = st.one_of(
        st.sampled_from(sorted(set(other.values()))),
        st.integers(-(2**63), 2**63 - 1).filter(lambda i: i not in mine),
    )
    seq = st.integers(-3, 50)
    outside = st.one_of(st.integers(-(10**6), -1), st.integers(11, 10**6))
    bad_rating = st.one_of(
        st.text(max_size=6).filter(lambda v: v.strip() not in {str(n) for n in range(11)}), outside.map(str)
    )
    bad_hhmm = st.sampled_from(["2599", "0760", "abcd", "", "24:01", "99999", "-100"])
    someone_elses = st.one_of(
        st.builds("1|rr|{}|{}".format, foreign_id, st.integers(0, 10)),
        *(st.builds(f"1|{p}|{{}}".format, foreign_id) for p in ("rs", "rz", "rk", "rtu", "rtc")),
        st.builds("1|rw|{}|ill".format, foreign_id),
        st.builds("1|rts|{}|{}".format, foreign_id, st.integers(0, 10)),
        st.builds(
            "1|ra|{}|{}|{}".format, foreign_id, seq, st.sampled_from(["done", "skip", "pause", "resume", "stop"])
        ),
        st.builds("1|rb|{}|{}".format, foreign_id, st.sampled_from(["4", "skip"])),
        st.builds("1|rg|{}|{}".format, foreign_id, st.sampled_from(["gentle", "normal", "skip"])),
        st.builds("1|rq|{}|{}|after|3".format, foreign_id, seq),
        st.builds("1|rx|{}|{}|0|-".format, foreign_id, st.sampled_from(["resume", "over", "stop"])),
    )
    out_of_range = st.one_of(
        st.builds(f"1|rr|{own['delivery']}|{{}}".format, outside),
        st.builds(f"1|rts|{own['rating']}|{{}}".format, outside),
        st.builds(f"1|rb|{own['session']}|{{}}".format, bad_rating),
        st.builds(f"1|rq|{own['session']}|{{}}|after|{{}}".format, seq, bad_rating),
        st.builds(f"1|rw|{own['delivery']}|{{}}".format, st.sampled_from(["bored", "", "ILL", "x" * 20])),
        st.builds("1|pf|{}".format, st.one_of(st.integers(-(10**6), -1), st.integers(10**4, 10**9))),
        st.builds("1|sl|{}".format, st.sampled_from([-15, 0, 7, 16, 10**6])),
        st.builds("1|s2|{}".format, bad_hhmm),
        st.builds("1|ot|{}".format, bad_hhmm),
        st.builds("1|oz|{}".format, st.sampled_from(["Mars/Olympus", "", "UTC+99", "Europe/Nowhere"])),
        st.builds("1|sm|{}".format, st.sampled_from(["", "delete", "SECOND"])),
        st.sampled_from(["1|oc|never", "1|del|maybe", "1|del|YES", "1|del|"]),
    )
    legit_looking = st.sampled_from(
        [f"rk|{own['delivery']}", f"rtu|{own['rating']}", f"rb|{own['session']}|5", "del|yes", "pf|3", "sl|30"]
    )
    other_version = st.builds("{}|{}".format, st.sampled_from(["0", "2", "99", "01", " 1", "1.0"]), legit_looking)
    garbage = st.one_of(st.text(max_size=80), st.sampled_from(["|", "||||", "1|", "1||", "1|rr", "1|rr|x|y"]))
    too_long = st.builds(
        lambda data, pad: f"{data}|{'9' * pad}", st.sampled_from(["1|del|yes", "1|pf|3"]), st.integers(60, 200)
    )
    return st.one_of(someone_elses, out_of_range, other_version, garbage, too_long)


@EXAMPLES
@given(data=st.data())
async def test_forged_callback_data_is_answered_and_changes_no_row(
    app: AnyApp, standin: BotApiStandIn, world: World, caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    forged = data.draw(forged_data(world), label="callback_data")
    alice = world.alice
    message_id = data.draw(st.sampled_from([alice.last_message.message_id, 1, 10**6]), label="message_id")
    before = await snapshot(app)
    query_id = await alice.tap_data(message_id, forged)
    await settle(app, standin)
    assert standin.state.callback_queries[query_id].answered, f"{forged!r} left the button spinning"
    assert await snapshot(app) == before, f"{forged!r} changed the database"
    assert_nothing_went_wrong(standin, caplog)


# ----- edits, media, groups, channels, odd users -------------------------------------------------------------

odd_names = st.one_of(
    st.sampled_from(["", " ", "\u200b", "‮Alice", "🙂", "<b>x</b>", "A" * 300, "Robert'); DROP TABLE users;--"]),
    st.text(max_size=30),
)


def _group_message(chat_id: int, kind: str, sender: dict[str, Any], body: dict[str, Any]) -> dict[str, Any]:
    return {
        "message_id": next(_ids) + 10_000,
        "date": 0,
        "chat": {"id": chat_id, "type": kind, "title": "Stretch club"},
        "from": sender,
        **body,
    }


@EXAMPLES
@given(data=st.data())
async def test_other_updates_are_answered_or_ignored_on_purpose(
    app: AnyApp, standin: BotApiStandIn, world: World, caplog: pytest.LogCaptureFixture, data: st.DataObject
) -> None:
    alice = world.alice
    kind = data.draw(
        st.sampled_from(
            ["sticker", "photo", "voice", "edit", "group_text", "group_command", "group_tap", "group_added",
             "channel_post", "channel_edit", "stranger"]
        ),
        label="kind",
    )  # fmt: skip
    before = await snapshot(app)
    alice.skip_to_end()
    state = standin.state
    expect_private: str | None = None  # a fragment of the answer in Alice's chat (None: she gets nothing)
    expect_group: str | None = None
    group_id, group_kind = data.draw(st.sampled_from([(GROUP, "group"), (SUPERGROUP, "supergroup")]), label="group")
    group_events = len(state.chats[group_id].events)
    stranger: ChatUser | None = None
    if kind == "sticker":
        await alice.send_sticker(data.draw(st.sampled_from(["👍", "🧘", ""])))
        expect_private = "I can only read text"
    elif kind == "photo":
        # A caption is read as text (tests/e2e/test_typed_ratings.py); one that looks like a command is not run.
        caption = data.draw(st.one_of(st.none(), st.sampled_from(["/delete", "my back"])))
        await alice.send_photo(caption=caption)
        expect_private = "I can only read text" if caption is None or caption.startswith("/") else "didn't quite get"
    elif kind == "voice":
        await alice.send_voice()
        expect_private = "I can only read text"
    elif kind == "edit":
        own = next(m for m in reversed(list(alice.chat.messages.values())) if not m.from_bot)
        await alice.edit_message(own.json["message_id"], data.draw(st.sampled_from(["9", "/delete", "10", "hi"])))
    elif kind in ("group_text", "group_command"):
        words = "/delete" if kind == "group_command" else data.draw(st.sampled_from(["7", "hello", "/"]))
        body: dict[str, Any] = {"text": words}
        if words.startswith("/"):
            expect_group = "I only work in a private chat"
            if len(words) > 1:
                body["entities"] = [{"offset": 0, "length": len(words), "type": "bot_command"}]
        state.enqueue_raw_update({"message": _group_message(group_id, group_kind, alice.user, body)})
    elif kind == "group_tap":
        message = _group_message(group_id, group_kind, dict(BOT_USER), {"text": "a button"})
        state.enqueue_raw_update(
            {"callback_query": {"id": f"g{next(_ids)}", "from": alice.user, "chat_instance": "g", "data": "1|del|yes",
                                "message": message}}
        )  # fmt: skip
    elif kind == "group_added":
        member = {"user": dict(BOT_USER), "status": "member"}
        left = {"user": dict(BOT_USER), "status": "left"}
        chat = {"id": group_id, "type": group_kind, "title": "Stretch club"}
        state.enqueue_raw_update(
            {"my_chat_member": {"chat": chat, "from": alice.user, "date": 0, "old_chat_member": left,
                                "new_chat_member": member}}
        )  # fmt: skip
    elif kind in ("channel_post", "channel_edit"):
        post = {"message_id": next(_ids), "date": 0, "chat": {"id": CHANNEL, "type": "channel", "title": "News"},
                "text": data.draw(st.sampled_from(["7", "/stretch", "/delete@stretchbot_local_bot"]))}  # fmt: skip
        if post["text"].startswith("/"):
            post["entities"] = [{"offset": 0, "length": len(post["text"]), "type": "bot_command"}]
        if kind == "channel_edit":
            post["edit_date"] = 1
        state.enqueue_raw_update({"edited_channel_post" if kind == "channel_edit" else "channel_post": post})
    else:
        uid = data.draw(st.integers(3000, 10**10), label="user id")
        name = data.draw(odd_names, label="first name")
        stranger = ChatUser(standin, uid, name, username=None, language_code=None)
        await stranger.send(data.draw(st.sampled_from(["hi", "7", "/help", "/stretch", "/delete", "/export"])))
    await settle(app, standin)

    private = [e for e in alice.events[alice._cursor :] if e.kind in ("sent", "edited")]
    if expect_private is None:
        assert private == [], f"{kind}: Alice should get nothing"
    else:
        assert [expect_private in str(e.message.get("text")) for e in private] == [True]
    in_group = state.chats[group_id].events[group_events:]
    if expect_group is None:
        assert in_group == [], f"{kind}: nothing is said in the group"
    else:
        assert [expect_group in str(e.message.get("text")) for e in in_group] == [True]
    assert state.chats[CHANNEL].events == []
    if stranger is not None:
        assert stranger.messages, "a stranger gets an answer"
        assert not [m for m in stranger.messages if m.document], "a stranger gets no data"
    assert await snapshot(app) == before, f"{kind} changed the database"
    assert_nothing_went_wrong(standin, caplog)


async def test_an_old_message_edited_into_a_command_does_not_run_it(
    app: AnyApp, standin: BotApiStandIn, world: World
) -> None:
    alice = world.alice
    own = next(m for m in reversed(list(alice.chat.messages.values())) if not m.from_bot)
    before = await snapshot(app)
    alice.skip_to_end()
    for command in ("/stop", "/delete", "/pause 3", "9"):
        await alice.edit_message(own.json["message_id"], command)
    await settle(app, standin)
    assert alice.events[alice._cursor :] == []
    assert await snapshot(app) == before


@pytest.mark.parametrize("kind", ["edited_business_message", "edited_message", "edited_channel_post"])
async def test_an_edit_of_any_kind_into_a_command_does_not_run_it(
    app: AnyApp, standin: BotApiStandIn, world: World, kind: str
) -> None:
    alice = world.alice
    own = next(m for m in reversed(list(alice.chat.messages.values())) if not m.from_bot)
    before = await snapshot(app)
    alice.skip_to_end()
    edited = {
        **own.json,
        "text": "/delete",
        "entities": [{"type": "bot_command", "offset": 0, "length": 7}],
        "edit_date": int(standin.state.now()),
    }
    if kind == "edited_business_message":
        edited["business_connection_id"] = "conn-1"
    standin.state.enqueue_raw_update({kind: edited})
    await settle(app, standin)
    assert alice.events[alice._cursor :] == [], "the edit was answered"
    assert await snapshot(app) == before
