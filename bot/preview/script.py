"""Scripts: a file of user inputs played against the real bot, printed as a transcript.

One input per line, in the chat's syntax (see `bot.preview.inputs`), except that a bare number is text (a
rating, say) and buttons are tapped with `#2`, `#5.2` or `[Label]`. Also:

    # a comment                      (a `#` not followed by a digit)
    expect: All set                  wait (up to 10 s) until the bot's messages since the last input contain
                                     this text (case-insensitive; message text, captions and button labels)
    wait                             wait (up to 10 s) for the bot's next message, e.g. a timer's
    !next, !jump 2h, !time           preview commands

The script fails, naming the line, when a step cannot be played or the bot logs an error.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TextIO

from bot.preview import render
from bot.preview.feed import EventFeed
from bot.preview.inputs import Action, Quit, parse_input
from bot.preview.player import Player, StepError
from bot.preview.session import PreviewOptions, PreviewSession
from bot.standin.state import ChatEvent

EXIT_FAILED = 1


@dataclass(frozen=True)
class Step:
    line: int
    action: Action | None = None
    expect: str | None = None
    wait: bool = False


class ScriptError(Exception):
    """A line of the script is not valid syntax."""


def parse_script(lines: Sequence[str]) -> list[Step]:
    steps: list[Step] = []
    for number, raw in enumerate(lines, start=1):
        text = raw.strip()
        if not text or (text.startswith("#") and not text[1:2].isdigit()):
            continue
        if text.lower().startswith("expect:"):
            wanted = text[len("expect:") :].strip()
            if not wanted:
                raise ScriptError(f"line {number}: `expect:` needs the text to wait for")
            steps.append(Step(number, expect=wanted))
        elif text.lower() == "wait":
            steps.append(Step(number, wait=True))
        else:
            action = parse_input(text, bare_numbers=False)
            if action is not None:
                steps.append(Step(number, action=action))
    return steps


def searchable(event: ChatEvent) -> str:
    message = event.message
    labels = [
        str(b.get("text", "")) for row in (message.get("reply_markup") or {}).get("inline_keyboard") or [] for b in row
    ]
    return "\n".join([str(message.get("text") or message.get("caption") or ""), *labels])


class ScriptRunner:
    def __init__(self, session: PreviewSession, player: Player) -> None:
        self.session = session
        self.player = player

    @property
    def timeout(self) -> float:
        return self.session.options.settle_timeout

    async def play(self, step: Step) -> None:
        if step.action is not None:
            await self.player.perform(step.action)
        elif step.expect is not None:
            await self.expect(step.expect)
        elif step.wait:
            await self.wait()

    async def run(self, steps: Sequence[Step]) -> str | None:
        """Plays the steps in order; None if all played, else why and where it stopped ("line 7: ...")."""
        errors = self.session.errors.messages
        for step in steps:
            if isinstance(step.action, Quit):
                return None
            errors_before = len(errors)
            failure: str | None = None
            try:
                await self.play(step)
            except StepError as exc:
                failure = f"line {step.line}: {exc}"
            await asyncio.sleep(0)
            self.player.feed.flush()
            if failure is None and len(errors) > errors_before:
                failure = f"line {step.line}: the bot raised an error: {errors[errors_before]}"
            if failure is not None:
                return failure
        return None

    async def expect(self, wanted: str) -> None:
        user, needle, floor = self.session.user, wanted.casefold(), self.player.floor

        def probe() -> bool | None:
            events = user.events[floor:]
            return True if any(e.kind != "deleted" and needle in searchable(e).casefold() for e in events) else None

        if await self.session.standin.state.signal.wait_for(probe, self.timeout) is None:
            recent = [searchable(e).split("\n")[0][:60] for e in user.events[floor:] if e.kind != "deleted"][-3:]
            seen = " | ".join(f"“{text}”" for text in recent) or "nothing"
            raise StepError(f"expected “{wanted}” within {self.timeout:g} s; since the last input the bot sent: {seen}")

    async def wait(self) -> None:
        user, start = self.session.user, len(self.session.user.events)

        def probe() -> bool | None:
            return True if any(e.kind in ("sent", "edited") for e in user.events[start:]) else None

        if await self.session.standin.state.signal.wait_for(probe, self.timeout) is None:
            raise StepError(f"the bot sent nothing within {self.timeout:g} s")
        await self.session.settle()


async def play_script(
    lines: Sequence[str], out: TextIO, options: PreviewOptions, *, name: str = "script", err: TextIO | None = None
) -> int:
    """Plays `lines`, printing the transcript to `out`; 0 if every step played and the bot logged no error."""
    style = render.Style(color=False)

    def fail(message: str) -> int:
        out.write(render.error(message, style=style) + "\n")
        out.flush()
        if err is not None:
            err.write(f"stretchbot preview: {message}\n")
        return EXIT_FAILED

    try:
        steps = parse_script(lines)
    except ScriptError as exc:
        return fail(f"{name}: {exc}")
    failure: str | None = None
    async with PreviewSession(options) as session:
        feed = EventFeed(session, out, style)
        player = Player(session, feed, echo=True, fire_reminder=options.fire_reminder)
        runner = ScriptRunner(session, player)
        feed.write(render.note(f"playing {name} as {options.user_name} (timers ×{options.speed:g})", style=style))
        await player.start()
        failure = await runner.run(steps)
        accounted = len(session.errors.messages)
        feed.flush()
    if failure is None and len(session.errors.messages) > accounted:
        failure = f"after the last line: the bot raised an error: {session.errors.messages[accounted]}"
    if failure is not None:
        return fail(f"{name}: {failure}")
    out.write(render.note(f"{name}: all {len(steps)} steps played", style=style) + "\n")
    out.flush()
    return 0
