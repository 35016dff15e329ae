"""The preview's own `!` commands: time travel and reminders on demand. They never reach the bot.

`!next` and `!jump` use the reminder dispatcher (`AppContext.dispatcher`): its
`run_once(now)` sends everything due at the simulated time, at once rather than at the next scheduler tick.
"""

from __future__ import annotations

import re
from datetime import UTC, timedelta

from bot.context import AppContext
from bot.preview.session import PreviewSession
from bot.reminders.dispatcher import ReminderDispatcher

HELP = """\
preview commands (never sent to the bot):
  !help          this list
  !time          the simulated time, in your timezone and UTC
  !next          jump to your next reminder and have it sent now
  !jump 2h       move the simulated clock forward (30m, 2h, 1d, 1h30m, 45s)
  /quit          leave (or Ctrl-D)
tapping buttons: 2 (or #2) taps button 2 of the newest message with buttons, 5.2 (or #5.2) button 2 of
message #5, [Other time] taps by label; 'text sends text literally (e.g. '7 to send the number 7)"""

NOT_AVAILABLE = "reminders are not available in this build"
_DURATION_RE = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m(?:in)?)?(?:(\d+)s)?$")


class CommandError(Exception):
    """A preview command could not be carried out; the message says why."""


def find_dispatcher(ctx: AppContext) -> ReminderDispatcher | None:
    """The reminder dispatcher, if the application was started with its components."""
    return ctx.dispatcher if ctx.startup.start_components else None


def parse_duration(text: str) -> timedelta | None:
    """`30m`, `2h`, `1d`, `1h30m`, `45s` (spaces allowed) as a positive timedelta; None if unreadable."""
    match = _DURATION_RE.match(text.replace(" ", "").lower())
    if match is None or not any(match.groups()):
        return None
    days, hours, minutes, seconds = (int(g) if g else 0 for g in match.groups())
    delta = timedelta(days=days, hours=hours, minutes=minutes, seconds=seconds)
    return delta if delta > timedelta() else None


def format_duration(delta: timedelta) -> str:
    """`1d 2h 5m`, `45s`."""
    total = int(delta.total_seconds())
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, seconds = divmod(rest, 60)
    parts = [f"{v}{unit}" for v, unit in ((days, "d"), (hours, "h"), (minutes, "m")) if v]
    if seconds and not days and not hours:
        parts.append(f"{seconds}s")
    return " ".join(parts) or "0s"


def describe_now(session: PreviewSession) -> str:
    now = session.clock.now()
    local = session.local(now)
    zone = session.zone_name if session.zone_chosen else f"{session.zone_name}, the default until you choose one"
    ahead = session.clock.offset
    shift = f"{format_duration(ahead)} ahead of real time" if ahead > timedelta(seconds=1) else "real time"
    return (
        f"simulated time: {local:%a %d %b %Y %H:%M} ({zone}) · {now.astimezone(UTC):%H:%M} UTC · "
        f"{shift}, timers ×{session.options.speed:g}"
    )


async def _send_due(session: PreviewSession) -> tuple[int, int] | None:
    """(reminders, outcome questions) sent that were due at the simulated time."""
    dispatcher = find_dispatcher(session.ctx)
    if dispatcher is None:
        return None
    sent = await dispatcher.run_once(session.clock.now())
    return sent, await session.ctx.prompter.run_once(session.clock.now())


async def next_reminder(session: PreviewSession) -> str:
    """Jumps to the next due reminder and has the dispatcher send it now."""
    dispatcher = find_dispatcher(session.ctx)
    if dispatcher is None:
        raise CommandError(NOT_AVAILABLE)
    due = await session.next_due()
    if due is None:
        raise CommandError("no reminder is planned: finish /start first (or /resume if reminders are paused)")
    gap = due - session.clock.now()
    if gap > timedelta():
        session.clock.jump(gap + timedelta(seconds=1))
    sent = await dispatcher.run_once(session.clock.now())
    reminder = f"the reminder at {session.local(due):%a %H:%M} ({session.zone_name})"
    if gap > timedelta():
        return f"jumped {format_duration(gap)} ahead to {reminder}: {_count(sent)} sent"
    return f"{reminder} was already due: {_count(sent)} sent"


async def jump(session: PreviewSession, argument: str) -> str:
    delta = parse_duration(argument)
    if delta is None:
        raise CommandError(f"!jump needs a duration like 30m, 2h, 1d or 1h30m, not “{argument}”")
    now = session.clock.jump(delta)
    sent = await _send_due(session)
    reminders = "" if sent is None else f"; {_count(sent[0])} sent"
    if sent is not None and sent[1]:
        reminders += f", {sent[1]} question{'s' if sent[1] > 1 else ''} sent"
    local = session.local(now)
    return f"jumped {format_duration(delta)} ahead: now {local:%a %d %b %H:%M} ({session.zone_name}){reminders}"


def _count(sent: int) -> str:
    return "1 reminder" if sent == 1 else f"{sent} reminders"


async def run_command(session: PreviewSession, name: str, argument: str) -> str:
    """Carries out `!name argument`; the text to show. `CommandError` if it cannot be done."""
    if name in ("help", "h", "?"):
        return HELP
    if name == "time":
        await session.refresh_timezone()
        return describe_now(session)
    if name == "next":
        return await next_reminder(session)
    if name == "jump":
        return await jump(session, argument)
    raise CommandError(f"unknown preview command !{name} (try !help)")
