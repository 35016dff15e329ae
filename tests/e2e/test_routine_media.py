"""Step pictures through the real bot and the stand-in: uploaded the first time, then sent by the Telegram file id
cached in the database, uploaded again when Telegram has forgotten it; a long step text follows its picture; and
`content check` refuses a missing, oversized or mislabelled picture."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from sqlalchemy import select

from bot.cli import main as cli_main
from bot.config import DEFAULT_CONTENT_DIR, Settings
from bot.db.models import MediaFile
from bot.domain.clock import FakeClock
from bot.standin import BotApiStandIn, ChatUser
from tests.e2e.test_routine import bot, ctx_of, expect, make_user, scaled, text_of, view

POSITION_PNG = DEFAULT_CONTENT_DIR / "illustrations" / "pigeon" / "position.png"


async def cached(app: Any) -> dict[str, str]:
    async with ctx_of(app).db.unit_of_work(read_only=True) as uow:
        rows = (await uow.session.execute(select(MediaFile))).scalars()
        return {row.key.split("#")[0]: row.file_id for row in rows}


def uploads_of(standin: BotApiStandIn, data: bytes) -> int:
    return sum(1 for stored in standin.state.files.values() if stored.data == data)


async def test_a_step_picture_is_uploaded_once_then_sent_by_file_id(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    png = POSITION_PNG.read_bytes()
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=1.0), clock) as app:
        await make_user(app, chat=user)
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        first = await expect(user, "1/6 · Get into pigeon pose", "sent")
        photo = first.message["photo"][-1]
        assert (photo["width"], photo["height"]) == (600, 600)
        assert standin.file(photo["file_id"]).data == png  # uploaded: the bytes of content/illustrations/...
        assert "both legs bent at 90 degrees" in text_of(first)  # the step text is the caption
        assert view(user, first).button_labels == ["✓ Done", "Skip", "■ Stop"]
        assert (await cached(app)) == {"illustrations/pigeon/position.png": photo["file_id"]}
        await user.tap("Done")  # the buttons come off the picture's message
        await expect(user, "2/6 · Lean forward", "sent")
        assert view(user, first).button_labels == []
        await user.send("stop")
        await expect(user, "Stopped.")

        # The next routine sends the same picture by its file id: nothing is uploaded again.
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        again = await expect(user, "1/6 · Get into pigeon pose", "sent")
        assert again.message["photo"][-1]["file_unique_id"] == photo["file_unique_id"]
        assert uploads_of(standin, png) == 1
        await user.send("stop")
        await expect(user, "Stopped.")

        # Telegram forgets the file: the bot uploads it again and remembers the new id.
        standin.state.files.pop(photo["file_id"])
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        third = await expect(user, "1/6 · Get into pigeon pose", "sent")
        new_id = third.message["photo"][-1]["file_id"]
        assert new_id != photo["file_id"]
        assert standin.file(new_id).data == png
        assert (await cached(app))["illustrations/pigeon/position.png"] == new_id


async def test_the_switch_of_sides_shows_its_picture(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock
) -> None:
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, time_scale=1000.0), clock) as app:
        await make_user(app, chat=user)
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        await expect(user, "1/6")
        for _ in range(3):
            await user.send("skip")
        switch = await expect(user, "switch sides", "sent")
        png = (DEFAULT_CONTENT_DIR / "illustrations" / "pigeon" / "switch_sides.png").read_bytes()
        assert standin.file(switch.message["photo"][-1]["file_id"]).data == png


LONG_STEP = "x" * 1100


async def test_a_step_text_too_long_for_a_caption_follows_its_picture(
    standin: BotApiStandIn, settings: Settings, clock: FakeClock, tmp_path: Path
) -> None:
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, content)
    pigeon = content / "routines" / "pigeon.yaml"
    pigeon.write_text(
        pigeon.read_text(encoding="utf-8").replace("Sit tall and comfortable.", "Sit tall. " + LONG_STEP),
        encoding="utf-8",
    )
    user = ChatUser(standin, 1001)
    async with bot(scaled(settings, content_dir=content, time_scale=1.0), clock) as app:
        await make_user(app, chat=user)
        await ctx_of(app).routine.begin(user_id=1001, delivery_id=None, before=4, update_id=None)
        text = await expect(user, LONG_STEP, "sent")
        picture = user.events[text.index - 1]
        assert picture.kind == "sent" and "photo" in picture.message and "caption" not in picture.message
        assert view(user, text).button_labels == ["✓ Done", "Skip", "■ Stop"]


def test_content_check_refuses_bad_pictures(tmp_path: Path, capsys: Any) -> None:
    content = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, content)
    pigeon = content / "routines" / "pigeon.yaml"
    yaml_text = pigeon.read_text(encoding="utf-8")
    (content / "illustrations" / "not_a_picture.png").write_text("hello", encoding="utf-8")
    (content / "illustrations" / "big.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * (10 * 1024 * 1024))
    shutil.copy(POSITION_PNG, content / "illustrations" / "labelled.jpg")
    for image, problem in (
        ("illustrations/missing.png", "no file"),
        ("illustrations/not_a_picture.png", "not a PNG, JPEG or WebP"),
        ("illustrations/big.png", "1 byte to 10 MB"),
        ("illustrations/labelled.jpg", "name it .png"),
        ("../outside.png", "outside the content folder"),
        ("ftp://example.com/a.png", "http(s) link"),
    ):
        pigeon.write_text(
            yaml_text.replace("image: illustrations/pigeon/position.png", f"image: {image}"), encoding="utf-8"
        )
        assert cli_main(["content", "check", "--dir", str(content)]) != 0
        out = capsys.readouterr()
        assert "steps #1 (position).image" in out.out + out.err and problem in out.out + out.err, (image, out)
    pigeon.write_text(
        yaml_text.replace("image: illustrations/pigeon/position.png", "image: https://example.com/pose.png"),
        encoding="utf-8",
    )
    assert cli_main(["content", "check", "--dir", str(content)]) == 0
