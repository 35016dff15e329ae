"""Rendering what every flow may need to say: the shared refusals (a stale button, "set up first"), help, and the
replies to the unexpected (unknown commands, media, unreadable text, errors)."""

from __future__ import annotations

from typing import Literal

from bot.content.loader import Content
from bot.ui.message import OutgoingMessage, Reply


def stale_button(content: Content) -> Reply:
    """A button that no longer applies (an earlier step, someone else's, forged): nothing changed."""
    return Reply(toast=content.texts.render("common.stale_button"))


def slow_down(content: Content, *, note: bool, tapped: bool) -> Reply:
    """A user's update the bot did not handle (they send faster than it handles one user's updates): a tap is
    answered with the note as a toast, a message gets it as a message when `note` (once per episode)."""
    if not note:
        return Reply()
    text = content.texts.render("common.slow_down")
    return Reply(toast=text) if tapped else Reply(messages=(OutgoingMessage(text),))


def busy(content: Content) -> OutgoingMessage:
    """Every chart and report worker is busy and the queue is full: nothing was drawn, try again in a minute."""
    return OutgoingMessage(content.texts.render("common.busy"))


def not_started(content: Content) -> Reply:
    """The user has not set up the bot yet (a tap on an old button is answered too)."""
    text = content.texts.render("common.not_started")
    return Reply(messages=(OutgoingMessage(text),))


def help_text(content: Content, *, coach: bool, admin: bool = False) -> OutgoingMessage:
    """/help: everyone's commands (and /coach); a coach's commands for coaches; /stats and /coaches for admins."""
    texts = content.texts
    parts = [texts.render("help.text"), texts.render("coaching.help_client")]
    if coach or admin:
        parts.append(texts.render("coaching.help_coach"))
    if admin:
        parts.append(texts.render("help.admin") + "\n" + texts.render("coaching.help_admin"))
    return OutgoingMessage("\n\n".join(parts))


def unknown_command(content: Content, typed: str) -> OutgoingMessage:
    command = (typed or "/").split()[0].split("@")[0][:32]
    return OutgoingMessage(content.texts.render("common.unknown_command", command=command))


def unsupported_message(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("common.unsupported_message"))


def unknown_text(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("common.unknown_text"))


def too_long(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("common.too_long"))


def private_only(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("common.private_only"))


# What became of the user's input when handling it failed: not stored (the database failed), saved (a commit came
# before the error), or unknown (neither can be said).
InputFate = Literal["not_stored", "saved", "unknown"]
_APOLOGIES: dict[InputFate, str] = {
    "not_stored": "common.not_stored",
    "saved": "common.error_saved",
    "unknown": "common.error",
}


def failed(content: Content, fate: InputFate, *, tapped: bool) -> Reply:
    """Something went wrong on the bot's side while handling the update, said truthfully: an alert on a tapped
    button, else a message."""
    text = content.texts.render(_APOLOGIES[fate])
    return Reply(toast=text, alert=True) if tapped else Reply(messages=(OutgoingMessage(text),))
