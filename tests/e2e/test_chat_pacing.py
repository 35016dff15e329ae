"""Per-chat pacing through the real bot: two people in hands-free routines at once (cues, live timers), one of them
typing while it runs, so that cues, steps and answers to typed input interleave in their chat; Telegram's per-chat
limit (one new message a second) is never broken in either chat. A 429 in one routine chat is waited out in that
chat alone (nothing is sent to it inside the window it was told about) while the other routine goes on.

Scaled time: at time scale 50 a second is 20 ms, for the routine's timers and for the message gap alike.
"""

from __future__ import annotations

import itertools

import pytest

from bot.config import Settings
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from bot.standin.state import ChatEvent
from tests.e2e.test_routine import bot, expect, has, make_user, scaled, text_of

# PTB warns about its own retry_after type change whenever it reads a 429.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")

SCALE = 50.0
ASKED_AFTER = "How stiff is your back now"


def sent_times(events: list[ChatEvent]) -> list[float]:
    return [e.time for e in events if e.kind == "sent"]


def smallest_gap_seconds(events: list[ChatEvent]) -> float:
    """The smallest time between two new messages in the chat, in the routine's (scaled) seconds."""
    return min((later - earlier) * SCALE for earlier, later in itertools.pairwise(sent_times(events)))


async def test_no_chat_gets_more_than_a_message_a_second_and_a_429_holds_only_its_chat(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    typist, other = ChatUser(standin, 1001, "Alex"), ChatUser(standin, 1002, "Sam")
    async with bot(scaled(settings, time_scale=SCALE), clock) as app:
        for chat in (typist, other):
            await make_user(app, chat.user_id, chat=chat, mode="hands_free")
            await chat.send("/stretch")
            await expect(chat, "how stiff is your back right now")
            await chat.tap("6")
        await expect(other, "1/6 · Get into pigeon pose", "sent")
        # The other chat's third new message from here draws a 429 ("retry after 1 s", real time).
        standin.faults.add("sendMessage", "retry_after", times=1, chat_id=other.user_id, retry_after=1, after=2)
        await expect(typist, "2/6 · Lean forward and breathe", "sent")
        typed_from = len(typist.events)
        # Typed while cues and timers go on: each gets its answer, in the same chat as the routine's messages.
        for text in ("blorp", "/history", "help", "what is this", "/progress"):
            await typist.send(text)
        for chat in (typist, other):
            await chat.wait_for(has(ASKED_AFTER, "sent"), timeout=120)
        typist_events, other_events = list(typist.events), list(other.events)

    # Answers were interleaved with the routine's own messages in the typist's chat.
    answers = [e for e in typist_events[typed_from:] if e.kind == "sent" and "🔔" not in str(text_of(e))]
    assert len(answers) >= 5
    # Never two new messages in a chat less than a (scaled) second apart: cues, steps and answers alike.
    assert smallest_gap_seconds(typist_events) >= 0.99
    assert smallest_gap_seconds(other_events) >= 0.99

    # The 429 in the other chat: honoured (no send inside the window it announced), then that message went out.
    refused = [r for r in standin.requests if r.status == 429]
    assert [(r.method, r.chat_id) for r in refused] == [("sendMessage", other.user_id)]
    assert standin.stats.early_requests == []
    later = [r.time for r in standin.requests if r.chat_id == other.user_id and r.time > refused[0].time]
    assert later and later[0] - refused[0].time >= 1.0
    # ... and it held that chat alone: within that second the typist's routine went on (50 routine seconds: cues
    # sent, the live countdown edited).
    window = (refused[0].time, refused[0].time + 1.0)
    during = [r.method for r in standin.requests if r.chat_id == typist.user_id and window[0] < r.time < window[1]]
    assert "sendMessage" in during and "editMessageText" in during
    assert len(during) >= 4
