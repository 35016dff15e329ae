"""The feed: prints what the bot does in the chat (sent, edited, deleted messages) and the errors it logs.

Photos and documents the bot sends are saved into `<data-dir>/files/`; the bubble shows their path.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TextIO

from bot.preview import render
from bot.preview.render import Style
from bot.preview.session import PreviewSession
from bot.standin.state import ChatEvent


class EventFeed:
    """Keeps a cursor over the chat's events; `flush()` prints the new ones, `run()` does it as they happen."""

    def __init__(self, session: PreviewSession, out: TextIO, style: Style) -> None:
        self.session = session
        self.out = out
        self.style = style
        self.cursor = 0
        self.errors_seen = 0

    def write(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def pending(self) -> bool:
        return len(self.session.user.events) > self.cursor or len(self.session.errors.messages) > self.errors_seen

    def flush(self) -> None:
        events = self.session.user.events
        for event in events[self.cursor :]:
            self.write(self.render(event))
        self.cursor = len(events)
        errors = self.session.errors.messages
        for message in errors[self.errors_seen :]:
            self.write(
                render.error(f"the bot logged an error: {message} (details in the preview log)", style=self.style)
            )
        self.errors_seen = len(errors)

    async def run(self) -> None:
        """Prints events as they arrive, until cancelled."""
        signal = self.session.standin.state.signal
        while True:
            await signal.wait_for(lambda: True if self.pending() else None, 0.5)
            if self.pending():
                await self.session.refresh_timezone()  # the bubble headers show the user's own time
            self.flush()

    def render(self, event: ChatEvent) -> str:
        when = datetime.fromtimestamp(event.time, UTC).astimezone(self.session.zone)
        if event.kind == "deleted":
            return render.deleted(event.message_id, when=when, style=self.style)
        stored = self.session.user.chat.messages.get(event.message_id)
        keyboard = None
        if stored is not None and stored.reply_keyboard and "keyboard" in stored.reply_keyboard:
            keyboard = [
                [key if isinstance(key, str) else str(key.get("text", "")) for key in row]
                for row in stored.reply_keyboard["keyboard"]
            ]
        return render.bubble(
            event.message,
            when=when,
            style=self.style,
            edited=event.kind == "edited",
            attachment=self.save_attachment(event.message),
            reply_keyboard=keyboard,
        )

    def save_attachment(self, message: dict[str, Any]) -> str | None:
        """Saves a photo or document into the files folder; a line naming it, or None."""
        photo: list[dict[str, Any]] | None = message.get("photo")
        document: dict[str, Any] | None = message.get("document")
        if photo:
            file_id, kind, default_name = str(photo[-1]["file_id"]), "photo", "photo.png"
        elif document:
            file_id, kind, default_name = str(document["file_id"]), "document", "document"
        else:
            return None
        try:
            stored = self.session.standin.file(file_id)
        except KeyError:
            return f"[{kind}: not available]"
        name = Path(stored.filename or default_name).name
        path = self.session.files_dir / f"{message['message_id']}-{name}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(stored.data)
        icon = "🖼" if kind == "photo" else "📎"
        return f"{icon} {kind} saved to {path}"


async def cancel(task: asyncio.Task[Any]) -> None:
    """Cancels a helper task and waits for it to end."""
    task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await task
