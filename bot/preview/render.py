"""Drawing the chat: bot messages as framed bubbles with numbered buttons, the user's lines, notes and errors.

Colours (ANSI) only when the output is a terminal; transcripts and pipes get plain text.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass
from datetime import datetime
from typing import Any

WIDTH = 72
BOT_NAME = "stretchbot"

_RESET = "\033[0m"
_CODES = {"frame": "36", "button": "33", "you": "32", "note": "2", "error": "31;1", "bold": "1"}


@dataclass(frozen=True)
class Style:
    """Wraps text in ANSI colour codes when `color` is on."""

    color: bool = False

    def paint(self, kind: str, text: str) -> str:
        if not self.color or not text:
            return text
        return f"\033[{_CODES[kind]}m{text}{_RESET}"


@dataclass(frozen=True)
class ButtonView:
    number: int
    label: str
    callback_data: str | None
    url: str | None


def _numeric_label(button: dict[str, Any]) -> int | None:
    text = str(button.get("text", ""))
    return int(text) if text.isdigit() and len(text) <= 3 else None


def inline_buttons(message: dict[str, Any]) -> list[list[ButtonView]]:
    """The inline keyboard of a message JSON, numbered across rows.

    A button whose label is a number (the 0-10 scale) gets that number, so typing 7 taps the rating 7; the other
    buttons are numbered 1, 2, 3... or, when there are numbered labels, on from the highest of them.
    """
    rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
    numeric = [n for row in rows for b in row if (n := _numeric_label(b)) is not None]
    use_labels = len(numeric) == len(set(numeric)) and len(numeric) > 1
    out: list[list[ButtonView]] = []
    number = max(numeric) if use_labels else 0
    for row in rows:
        views = []
        for button in row:
            label_number = _numeric_label(button) if use_labels else None
            if label_number is None:
                number += 1
            data = button.get("callback_data")
            views.append(
                ButtonView(
                    number if label_number is None else label_number,
                    str(button.get("text", "")),
                    None if data is None else str(data),
                    button.get("url"),
                )
            )
        out.append(views)
    return out


def flat_buttons(message: dict[str, Any]) -> list[ButtonView]:
    return [button for row in inline_buttons(message) for button in row]


def describe_buttons(message: dict[str, Any]) -> str:
    """`1 Start, 2 Snooze, 3 Skip today` or `none`."""
    return ", ".join(f"{b.number} {b.label}" for b in flat_buttons(message)) or "none"


def time_label(moment: datetime) -> str:
    """`Mon 07:15` in the moment's own timezone."""
    return moment.strftime("%a %H:%M")


def _wrap(text: str) -> list[str]:
    lines: list[str] = []
    for paragraph in text.split("\n"):
        lines.extend(textwrap.wrap(paragraph, WIDTH, break_on_hyphens=False, replace_whitespace=False) or [""])
    return lines


def bubble(
    message: dict[str, Any],
    *,
    when: datetime,
    style: Style,
    edited: bool = False,
    attachment: str | None = None,
    reply_keyboard: list[list[str]] | None = None,
) -> str:
    """One bot message as a framed bubble: header with message number and simulated time, text, buttons."""
    number = message.get("message_id", "?")
    head = f"┌─ #{number} {BOT_NAME} · {time_label(when)}" + (" (edited)" if edited else "") + " ─"
    bar = style.paint("frame", "│")
    lines = [style.paint("frame", head)]
    if attachment is not None:
        lines.append(f"{bar} {attachment}")
    text = message.get("text", message.get("caption"))
    if text:
        lines.extend(f"{bar} {line}".rstrip() for line in _wrap(str(text)))
    for row in inline_buttons(message):
        cells = []
        for button in row:
            label = button.label + (f" ↗ {button.url}" if button.url else "")
            # A number-labelled button is shown as just [7]: the number you type is its label.
            cell = f"[{label}]" if label == str(button.number) else f"[{button.number}] {label}"
            cells.append(style.paint("button", cell))
        lines.append(f"{bar} " + "  ".join(cells))
    if reply_keyboard:
        keys = "  ".join(f"‹{key}›" for row in reply_keyboard for key in row)
        lines.append(f"{bar} {style.paint('note', 'keyboard:')} {keys}")
    lines.append(style.paint("frame", "└─"))
    return "\n".join(lines)


def deleted(message_id: int, *, when: datetime, style: Style) -> str:
    return style.paint("note", f"✕ #{message_id} deleted by the bot · {time_label(when)}")


def you(text: str, *, style: Style) -> str:
    return style.paint("you", f"you › {text}")


def note(text: str, *, style: Style) -> str:
    return style.paint("note", f"· {text}")


def error(text: str, *, style: Style) -> str:
    return style.paint("error", f"! {text}")
