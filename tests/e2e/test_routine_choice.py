"""/routine through the real bot: the routines dropped into content/routines listed with summary and minutes, one
picked by a tap or typed (number or name), wrong and ambiguous typing, a change while a routine runs, the preview
showing the new routine, and a stale button."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.config import DEFAULT_CONTENT_DIR, Settings
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from tests.e2e.test_routine import QUICK, bot, ctx_of, expect, make_user, scaled, sessions_of, text_of, view

QUICKER = QUICK.replace("id: quick", "id: quicker").replace("title: Quick check", "title: Quick reach")


def with_routines(tmp_path: Path, *files: tuple[str, str]) -> Path:
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, content)
    for name, text in files:
        (content / "routines" / name).write_text(text, encoding="utf-8")
    return content


async def routine_of(app: object, user_id: int = 1001) -> str:
    async with ctx_of(app).db.unit_of_work(read_only=True) as uow:  # type: ignore[arg-type]
        user = await uow.users.get(user_id)
        assert user is not None
        return user.routine_id


async def test_pick_a_routine_by_tap_and_by_typing(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    content = with_routines(tmp_path, ("quick.yaml", QUICK), ("quicker.yaml", QUICKER))
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, content_dir=content), clock) as app:
        await make_user(app, chat=user)
        await user.send("/routine")
        menu = await expect(user, "Choose your routine")
        text = text_of(menu)
        assert "1. Pigeon hip stretch – about 5 min (your routine now)" in text
        assert "2. Quick check – about 1 min\nTwo short steps, no sides." in text
        assert "3. Quick reach – about 1 min" in text
        assert view(user, menu).button_labels == ["✓ Pigeon hip stretch", "Quick check", "Quick reach"]
        await user.tap("Quick check")
        await expect(user, "Done: Quick check (about 1 min) from now on")
        assert await routine_of(app) == "quick"
        ticked = view(user, menu)
        assert ticked.button_labels == ["Pigeon hip stretch", "✓ Quick check", "Quick reach"]

        await user.send("/routine")
        await expect(user, "Choose your routine")
        await user.send("qui")  # both titles start with it
        await expect(user, "fits more than one routine")
        await user.send("Quick reach")
        await expect(user, "Done: Quick reach")
        assert await routine_of(app) == "quicker"
        await user.send("/routine")
        await expect(user, "Choose your routine")
        await user.send("1")
        await expect(user, "Done: Pigeon hip stretch")
        assert await routine_of(app) == "pigeon"

        # Something else typed after /routine is not taken for a choice: a rating is still a rating.
        await user.send("/routine")
        await expect(user, "Choose your routine")
        await user.send("banana bread")  # ("hello there" is small talk now: a greeting answers it)
        await expect(user, "didn't quite get that")
        assert await routine_of(app) == "pigeon"

        # A forged or old button changes nothing.
        await user.send("/routine")
        stale = await expect(user, "Choose your routine")
        for data in ("1|rc|gone", "1|rc|", "rc:pigeon"):
            query = await user.tap_data(stale.message_id, data)
            assert "earlier step" in ((await user.answer_to(query)).text or "")
        assert await routine_of(app) == "pigeon"


async def test_a_change_while_a_routine_runs_applies_to_the_next_one(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    content = with_routines(tmp_path, ("quick.yaml", QUICK))
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, content_dir=content, time_scale=1.0), clock) as app:
        await make_user(app, chat=user)
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        await expect(user, "1/6 · Get into pigeon pose")
        await user.send("/routine")
        await expect(user, "Choose your routine")
        await user.tap("Quick check")
        await expect(user, "from your next stretch on")
        (session,) = await sessions_of(app)
        assert (session.routine_id, session.status) == ("pigeon", "active")
        await user.send("stop")
        await expect(user, "Stopped.")
        await user.send("/stretch")
        await expect(user, "Quick check")


async def test_routine_before_set_up_says_so(user: ChatUser) -> None:
    await user.send("/routine")
    assert "/start" in (await user.next_message()).text
