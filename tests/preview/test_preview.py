"""`stretchbot preview`: scripts, the interactive chat through a pipe, content errors, time commands, the CLI.

Every test runs the real application against the in-process stand-in, with its own data folder.
"""

from __future__ import annotations

import asyncio
import dataclasses
import io
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bot.config import DEFAULT_CONTENT_DIR, PROJECT_ROOT
from bot.content.loader import Content, load_content
from bot.preview.commands import format_duration, parse_duration
from bot.preview.feed import EventFeed, cancel
from bot.preview.inputs import PreviewCommand, SendText, TapLabel, TapNumber, parse_input
from bot.preview.main import run_preview
from bot.preview.player import Player
from bot.preview.render import Style, bubble
from bot.preview.script import ScriptRunner, Step, parse_script, play_script
from bot.preview.session import PreviewOptions, PreviewSession
from bot.preview.terminal import ThreadedReader, chat
from bot.ui.message import Attachment, OutgoingMessage

FULL_DAY = PROJECT_ROOT / "scripts" / "full-day.preview"
COACH = PROJECT_ROOT / "scripts" / "coach.preview"
EIN_TAG = PROJECT_ROOT / "scripts" / "ein-tag.preview"  # the same day in German
ONBOARD = ["/start", "expect: What time", "#2", "expect: Which timezone", "[Berlin]", "expect: All set"]
# A 1x1 PNG.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c63f8ffff3f0005fe02fe"
    "a7d6a4f50000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content(DEFAULT_CONTENT_DIR)


@pytest.fixture
def options(tmp_path: Path, content: Content) -> PreviewOptions:
    return PreviewOptions(
        data_dir=tmp_path / "preview",
        content=content,
        content_dir=DEFAULT_CONTENT_DIR,
        speed=100.0,
        fresh=True,
        user_name="Alex",
        settle_timeout=5.0,
    )


async def play(lines: list[str], options: PreviewOptions) -> tuple[int, str]:
    out = io.StringIO()
    code = await play_script(lines, out, options, name="test.preview")
    return code, out.getvalue()


# ----- scripts ------------------------------------------------------------------------------------
async def test_the_shipped_coach_script_passes(options: PreviewOptions) -> None:
    coach = dataclasses.replace(options, as_coach=True)
    code, transcript = await play(COACH.read_text(encoding="utf-8").splitlines(), coach)
    assert code == 0, transcript
    roster = transcript.split("you › /clients", 1)[1]
    assert roster.index("⚠️ Cleo") < roster.index("⚠️ Ben") < roster.index("Anna ·")
    assert "Cleo: one-page report" in transcript
    assert "Hold: 35 s" in transcript
    assert "https://t.me/stretchbot_local_bot?start=c" in transcript
    assert "(1001) – admin" in transcript


async def test_the_shipped_full_day_script_passes(options: PreviewOptions) -> None:
    code, transcript = await play(FULL_DAY.read_text(encoding="utf-8").splitlines(), options)
    assert code == 0, transcript
    assert "you › /start" in transcript
    assert "┌─ #2 stretchbot · " in transcript
    assert "Hi Alex!" in transcript
    assert "│ [1] 06:30  [2] 07:00  [3] 07:30" in transcript
    assert "you › tapped [2] Berlin on #" in transcript
    assert "All set! I'll remind you every day at 07:15 (Europe/Berlin)." in transcript
    assert "Done: reminder at 07:30." in transcript
    assert "(Europe/Berlin)" in transcript.split("you › !time")[-1]
    assert "Good morning! Time for your hip stretch" in transcript
    # The 0-10 buttons show (and are tapped by) their own number; the others are numbered after them.
    assert "│ [0]  [1]  [2]  [3]  [4]  [5]" in transcript
    assert "│ [11] Start ▶  [12] Snooze 15 min  [13] Skip today" in transcript
    assert ": 1 reminder sent" in transcript
    assert "Snoozed – I'll remind you again at 07:45" in transcript
    assert "· jumped 15m ahead" in transcript
    assert "you › about a 5" in transcript  # a rating typed on the reminder
    assert "Before: 5/10 – noted" in transcript
    assert "you › ouch, that hurts a bit" in transcript
    assert "Ease out of the stretch now" in transcript  # pain reported once: the advice, the hold paused
    assert "you › the left one" in transcript
    assert "5 → 3" in transcript
    assert "photo saved to" in transcript
    assert "Get into pigeon pose" in transcript
    assert "\033[" not in transcript, "transcripts have no colours"
    assert transcript.rstrip().endswith("steps played")
    assert (options.data_dir / "preview.sqlite3").exists()


async def test_a_wrong_button_number_names_the_line_and_the_buttons(options: PreviewOptions) -> None:
    code, transcript = await play(["# tap a button that is not there", "/start", "expect: What time", "#9"], options)
    assert code == 1
    assert (
        "line 4: no button 9 on the last message "
        "(buttons: 1 06:30, 2 07:00, 3 07:30, 4 08:00, 5 09:00, 6 Other time…)" in transcript
    )
    assert "What time should I remind you" in transcript, "the transcript up to the failure is printed"


async def test_an_unmet_expect_and_unknown_labels_fail_with_their_line(options: PreviewOptions) -> None:
    # Long enough for /start's greeting on a loaded machine (the line-1 step waits for the bot to settle).
    short = dataclasses.replace(options, settle_timeout=3)
    code, transcript = await play(["/start", "expect: Good evening"], short)
    assert code == 1
    assert "line 2: expected “Good evening” within 3 s" in transcript
    assert "“What time should I remind you" in transcript

    code, transcript = await play(["/start", "[Midnight]"], dataclasses.replace(short, fresh=True))
    assert code == 1
    assert "line 2: no button [Midnight] (last message with buttons, #4: 1 06:30, 2 07:00," in transcript


async def test_the_shipped_german_day_script_passes(options: PreviewOptions) -> None:
    """scripts/ein-tag.preview: a German user's day, typed the German way ("7 Uhr 15", "München", "eine sechs",
    "überspringen", "drei", "links", "etwa 40 Min."), every message in German."""
    german = dataclasses.replace(options, language="de")
    code, transcript = await play(EIN_TAG.read_text(encoding="utf-8").splitlines(), german)
    assert code == 0, transcript
    assert "Hallo Alex! Ich bin stretchbot." in transcript
    assert "Erinnerung um 07:15." in transcript
    assert "Alles eingerichtet! Ich erinnere dich jeden Tag um 07:15" in transcript
    assert "Sprache: Deutsch" in transcript
    assert "Gespeichert: 2,5/10 für heute." in transcript  # the decimal comma, read and written
    bot_lines = [line for line in transcript.splitlines() if line.startswith("│")]
    for english in ("Reminder", "Your settings", "Streak", "How stiff", "Tap ", "minutes", "Saved"):
        assert not any(english in line for line in bot_lines), english


async def test_a_bot_error_fails_the_script_at_its_line(options: PreviewOptions) -> None:
    out = io.StringIO()
    async with PreviewSession(options) as session:
        feed = EventFeed(session, out, Style(color=False))
        runner = ScriptRunner(session, Player(session, feed, echo=True))
        # The greeting fails (a 502 on every try; the sender retries twice): the handler raises.
        session.standin.faults.add("sendMessage", "server_error", times=3)
        failure = await runner.run(parse_script(["# a comment", "/start", "/help"]))
    assert failure is not None
    assert failure.startswith("line 2: the bot raised an error: bot.handlers.common: error while handling Update")
    assert "! the bot logged an error" in out.getvalue()


async def test_tap_by_message_and_button_number(options: PreviewOptions) -> None:
    # Message #4 is the time question; tapping it again after the timezone question came is a stale tap.
    lines = ["/start", "#4.3", "expect: Reminder at 07:30", "#4.1", "#5.2"]
    code, transcript = await play(lines, options)
    assert code == 0, transcript
    assert "tapped [3] 07:30 on #4" in transcript
    assert "· toast: That button belongs to an earlier step" in transcript
    assert "All set" in transcript
    code, transcript = await play(["#7.1"], dataclasses.replace(options, fresh=False))
    assert code == 1
    assert "line 1: there is no bot message #7" in transcript


async def test_jump_and_time(options: PreviewOptions) -> None:
    code, transcript = await play([*ONBOARD, "!time", "!jump 1d 2h", "!time", "!jump soon"], options)
    assert code == 1
    assert "simulated time: " in transcript
    assert "(Europe/Berlin)" in transcript
    assert "jumped 1d 2h ahead: now " in transcript
    assert "1d 2h ahead of real time" in transcript
    assert "line 10: !jump needs a duration like 30m, 2h, 1d or 1h30m, not “soon”" in transcript


async def test_next_sends_the_next_reminder(options: PreviewOptions) -> None:
    code, transcript = await play([*ONBOARD, "!next", "!next"], options)
    assert code == 0, transcript
    assert "the reminder at " in transcript
    assert ": 1 reminder sent" in transcript


async def test_fire_reminder_sends_the_first_reminder_after_onboarding(options: PreviewOptions) -> None:
    code, transcript = await play(ONBOARD, dataclasses.replace(options, fire_reminder=True))
    assert code == 0, transcript
    assert "--fire-reminder: jumped" in transcript
    assert ": 1 reminder sent" in transcript


# ----- the interactive chat -----------------------------------------------------------------------
async def test_interactive_chat_through_a_pipe(options: PreviewOptions) -> None:
    read_fd, write_fd = os.pipe()
    with os.fdopen(write_fd, "w") as writer:
        writer.write("/start\n\n1\n99\n7.15\n'7.15\n!help\n!bogus\n/quit\nnever read\n")
    out = io.StringIO()
    with os.fdopen(read_fd) as reader:
        code = await chat(options, ThreadedReader(reader), out, color=False, echo=True)
    text = out.getvalue()
    assert code == 0
    assert "you › /start" in text
    assert "┌─ #4 stretchbot · " in text
    assert "│ [1] 06:30  [2] 07:00  [3] 07:30" in text
    assert "you › tapped [1] 06:30 on #4" in text
    assert "Reminder at 06:30. Which timezone" in text
    assert "! no button 99 on the last message (buttons: 1 London, 2 Berlin," in text
    assert "! there is no bot message #7 (to send “7.15” as text, type '7.15)" in text
    assert "you › 7.15" in text
    assert "I don't know the timezone “7.15”" in text
    assert "!jump 2h" in text
    assert "! unknown preview command !bogus (try !help)" in text
    assert text.rstrip().endswith("· bye")
    assert "never read" not in text


async def test_edits_deletions_and_files_are_shown(options: PreviewOptions) -> None:
    out = io.StringIO()
    async with PreviewSession(options) as session:
        feed = EventFeed(session, out, Style(color=False))
        await session.user.send("/start")
        assert await session.settle()
        sender, chat_id = session.ctx.sender, session.user.chat_id
        photo = await sender.send(
            chat_id, OutgoingMessage("Your week", attachment=Attachment("photo", "week.png", PNG))
        )
        await sender.send(chat_id, OutgoingMessage("data", attachment=Attachment("document", "export.csv", b"a,b\n")))
        bot = session.application.bot
        await bot.edit_message_text("What time? (changed)", chat_id=chat_id, message_id=4)
        await bot.delete_message(chat_id, 3)
        feed.flush()
    text = out.getvalue()
    saved_photo = options.data_dir / "files" / f"{photo}-week.png"
    assert saved_photo.read_bytes() == PNG
    assert f"🖼 photo saved to {saved_photo}" in text
    assert (options.data_dir / "files" / f"{photo + 1}-export.csv").read_bytes() == b"a,b\n"
    assert "│ Your week" in text
    assert "stretchbot · " in text
    assert " (edited) ─\n│ What time? (changed)" in text
    assert "✕ #3 deleted by the bot" in text


async def test_end_of_input_leaves_cleanly(options: PreviewOptions) -> None:
    read_fd, write_fd = os.pipe()
    os.close(write_fd)  # Ctrl-D straight away
    out = io.StringIO()
    with os.fdopen(read_fd) as reader:
        assert await chat(options, ThreadedReader(reader), out, color=False, echo=False) == 0
    assert out.getvalue().rstrip().endswith("· bye")


async def test_messages_that_arrive_while_the_person_is_idle_are_printed(options: PreviewOptions) -> None:
    out = io.StringIO()
    async with PreviewSession(options) as session:
        feed = EventFeed(session, out, Style(color=False))
        printer = asyncio.create_task(feed.run())
        await session.user.send("/start")
        assert await session.settle()
        await session.ctx.sender.send(session.user.chat_id, OutgoingMessage("A timer went off"))
        for _ in range(100):
            if "A timer went off" in out.getvalue():
                break
            await asyncio.sleep(0.01)
        await cancel(printer)
    assert "│ A timer went off" in out.getvalue()
    assert "What time should I remind you" in out.getvalue()


async def test_wait_waits_for_the_next_bot_message(options: PreviewOptions) -> None:
    async with PreviewSession(dataclasses.replace(options, settle_timeout=2.0)) as session:
        feed = EventFeed(session, io.StringIO(), Style(color=False))
        runner = ScriptRunner(session, Player(session, feed, echo=True))
        await runner.play(Step(1, action=SendText("/start")))
        later = asyncio.get_running_loop().call_later(
            0.1, lambda: asyncio.ensure_future(session.ctx.sender.send(1001, OutgoingMessage("Later")))
        )
        await runner.play(Step(2, wait=True))
        later.cancel()
        assert session.user.last_message.text == "Later"
    code, transcript = await play(["/start", "wait"], dataclasses.replace(options, settle_timeout=0.3))
    assert code == 1
    assert "line 2: the bot sent nothing within 0.3 s" in transcript


def test_bubbles_are_coloured_only_when_asked() -> None:
    from datetime import UTC, datetime

    message = {
        "message_id": 3,
        "text": "Hi",
        "reply_markup": {"inline_keyboard": [[{"text": "Go", "callback_data": "x"}]]},
    }
    when = datetime(2026, 3, 2, 7, 15, tzinfo=UTC)
    plain = bubble(message, when=when, style=Style(color=False))
    assert plain == "┌─ #3 stretchbot · Mon 07:15 ─\n│ Hi\n│ [1] Go\n└─"
    assert "\033[33m[1] Go\033[0m" in bubble(message, when=when, style=Style(color=True))


def test_input_syntax() -> None:
    assert parse_input("2", bare_numbers=True) == TapNumber(2, None, "2")
    assert parse_input("5.2", bare_numbers=True) == TapNumber(2, 5, "5.2")
    assert parse_input("#5.2", bare_numbers=False) == TapNumber(2, 5, "#5.2")
    assert parse_input("2", bare_numbers=False) == SendText("2")
    assert parse_input("'2", bare_numbers=True) == SendText("2")
    assert parse_input("[Other time…]", bare_numbers=True) == TapLabel("Other time…")
    assert parse_input("!jump 2h", bare_numbers=True) == PreviewCommand("jump", "2h")
    assert parse_input("   ", bare_numbers=True) is None
    assert parse_duration("1h30m") is not None
    delta = parse_duration("1d 2h")
    assert delta is not None
    assert format_duration(delta) == "1d 2h"
    assert parse_duration("0m") is None
    assert parse_duration("soon") is None


# ----- content errors and the CLI -----------------------------------------------------------------
def test_content_problems_are_listed_and_exit_2_before_the_chat(tmp_path: Path) -> None:
    broken = tmp_path / "content"
    shutil.copytree(DEFAULT_CONTENT_DIR, broken)
    core = broken / "locales" / "en" / "texts" / "core.yaml"
    core.write_text(core.read_text(encoding="utf-8").replace("I don't know {command}.", "I don't know {commnd}."))
    coach = broken / "coach.yaml"
    coach.write_text(coach.read_text(encoding="utf-8") + "\nsurprise_field: 1\n", encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    code = run_preview(
        script=FULL_DAY, data_dir=tmp_path / "data", fresh=True, content_dir=broken, stdout=out, stderr=err
    )
    assert code == 2
    assert out.getvalue() == ""
    problems = err.getvalue()
    assert "content/locales/en/texts/core.yaml: common.unknown_command: unknown placeholder {commnd}" in problems
    assert "content/coach.yaml" in problems
    assert "surprise_field" in problems
    assert not (tmp_path / "data").exists(), "nothing starts when the content is broken"


@pytest.mark.slow
def test_cli_plays_the_full_day_script(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "DATABASE_URL"))}
    env["TELEGRAM_BOT_TOKEN"] = "1:not-used-by-the-preview"  # the preview must ignore it
    done = subprocess.run(
        [sys.executable, "-m", "bot", "preview", "--script", str(FULL_DAY), "--fresh", "--data-dir", str(tmp_path)],
        cwd=PROJECT_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "All set!" in done.stdout
    assert "steps played" in done.stdout
    assert (tmp_path / "preview.sqlite3").exists()
