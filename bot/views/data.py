"""Rendering /export and /delete."""

from __future__ import annotations

from bot.content.loader import Content
from bot.services.data import Export
from bot.ui.callbacks_ratings import DeleteData
from bot.ui.message import Attachment, Button, OutgoingMessage, Reply


def export_file(content: Content, export: Export) -> OutgoingMessage:
    """The CSV file, or a word that there is nothing to export yet."""
    if export.rows == 0:
        return OutgoingMessage(content.texts.render("export.empty"))
    return OutgoingMessage(
        content.texts.render("export.caption"), attachment=Attachment("document", export.filename, export.data)
    )


def confirm_delete(content: Content) -> OutgoingMessage:
    texts = content.texts
    return OutgoingMessage(
        texts.render("delete.confirm"),
        (
            (
                Button(texts.render("delete.button_yes"), DeleteData("yes")),
                Button(texts.render("delete.button_no"), DeleteData("no")),
            ),
        ),
    )


def delete_unreadable(content: Content) -> OutgoingMessage:
    """A typed answer to the delete question that is neither yes nor no: nothing changed, the question stays."""
    return OutgoingMessage(content.texts.render("questions.delete"))


def deleted(content: Content, anything: bool) -> Reply:
    """In place of the confirmation question."""
    return Reply(replace=OutgoingMessage(content.texts.render("delete.done" if anything else "delete.nothing")))


def cancelled(content: Content) -> Reply:
    """In place of the confirmation question."""
    return Reply(replace=OutgoingMessage(content.texts.render("delete.cancelled")))
