"""What the person types, parsed into actions. The same syntax serves the chat and scripts.

/start, hello, 7:15      sent to the bot as a message (a /command too)
#2  or  #5.2             tap button 2 of the newest message with buttons, or of message #5
2   or  5.2              the same in the chat (not in scripts, where a bare number is text)
[Other time]             tap the button with this label (exact, else a unique part of it)
'text                    send the rest literally, e.g. '7 to send the number 7 in the chat
!help, !time, ...        preview commands (they never reach the bot)
/quit                    leave (Ctrl-D too)
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_TAP_RE = re.compile(r"^#?(?:(\d{1,9})\.)?(\d{1,3})$")


@dataclass(frozen=True)
class SendText:
    text: str


@dataclass(frozen=True)
class TapNumber:
    button: int
    message: int | None
    typed: str


@dataclass(frozen=True)
class TapLabel:
    label: str


@dataclass(frozen=True)
class PreviewCommand:
    name: str
    argument: str


@dataclass(frozen=True)
class Quit:
    pass


Action = SendText | TapNumber | TapLabel | PreviewCommand | Quit
QUIT_WORDS = frozenset({"/quit", "/exit", "!quit", "!exit"})


def parse_input(line: str, *, bare_numbers: bool) -> Action | None:
    """The action for one typed line; None for an empty line. `bare_numbers`: `2` taps button 2."""
    text = line.strip()
    if not text:
        return None
    if text.lower() in QUIT_WORDS:
        return Quit()
    if text.startswith("'"):
        rest = text[1:]
        return SendText(rest) if rest.strip() else None
    if text.startswith("!"):
        name, _, argument = text[1:].partition(" ")
        return PreviewCommand(name.strip().lower(), argument.strip())
    match = _TAP_RE.match(text)
    if match and (text.startswith("#") or bare_numbers):
        message = int(match.group(1)) if match.group(1) else None
        return TapNumber(int(match.group(2)), message, text)
    if text.startswith("[") and text.endswith("]") and len(text) > 2:
        return TapLabel(text[1:-1].strip())
    return SendText(text)
