"""The command menu (setMyCommands): the commands in the order Telegram lists them, described in a language."""

from __future__ import annotations

from bot.content.texts import Texts

MENU_COMMANDS = (
    "stretch", "routine", "progress", "report", "history", "settings", "pause", "resume", "stop", "export", "delete",
    "language", "start",
    "help",
)  # fmt: skip


def menu(texts: Texts) -> list[tuple[str, str]]:
    """(command, description) in the menu's order."""
    return [(name, texts.render(f"commands.{name}")) for name in MENU_COMMANDS]
