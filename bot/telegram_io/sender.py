"""The one seam for everything the bot sends: messages, edits, button answers, photos and documents.

Handlers hand it a view's `Reply` (`deliver`); the routine runtime sends and edits its messages; the reminder
fan-out uses `send_prepared`, the same request as `send` with its keyboard serialised once and reused.
It turns plain `OutgoingMessage`s into Bot API calls (HTML, no link previews) and Telegram's expected failures into
plain outcomes: an edit that changes nothing is fine; an edit of a vanished message becomes a new message; a
user who blocked the bot raises `RecipientBlocked`, which callers turn into "inactive" in the database.

A 5xx from Telegram or a failed connection is retried twice (after 0.5 s and 1 s): Telegram did not take the call.
A time-out is not retried here: the call may have gone through (a second send would be a second message). It
reaches the caller: the reminder dispatcher retries it later; a handler's error handler apologises.
"""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, TypeVar

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, InputFile, LinkPreviewOptions, Message
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, TimedOut

from bot.telegram_io.chat_pacer import ChatPacer
from bot.ui.message import OutgoingMessage, Reply, Rows

log = logging.getLogger(__name__)
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
RETRY_DELAYS = (0.5, 1.0)
T = TypeVar("T")


def transient(exc: BaseException) -> bool:
    """A failure Telegram did not act on (5xx, connection refused/reset), worth trying again at once."""
    return isinstance(exc, NetworkError) and not isinstance(exc, BadRequest | TimedOut)


async def retrying(call: Callable[[], Awaitable[T]]) -> T:
    for delay in RETRY_DELAYS:
        try:
            return await call()
        except NetworkError as exc:
            if not transient(exc):
                raise
            # DEBUG: an outage is logged once a minute by TelegramReachability, not once per request.
            log.debug("Bot API call failed (%s); retrying in %.1f s", type(exc).__name__, delay)
        await asyncio.sleep(delay)
    return await call()


class RecipientBlocked(Exception):
    """The user blocked the bot (or deleted their account): never send to them again until they come back."""

    def __init__(self, chat_id: int) -> None:
        super().__init__(f"chat {chat_id} blocked the bot")
        self.chat_id = chat_id


def keyboard_of(rows: Rows) -> InlineKeyboardMarkup | None:
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton(b.text, url=b.url)
                if b.url
                else InlineKeyboardButton(b.text, callback_data=b.callback.pack() if b.callback else "1|noop")
                for b in row
            ]
            for row in rows
        ]
    )


def keyboard(message: OutgoingMessage) -> InlineKeyboardMarkup | None:
    return keyboard_of(message.buttons)


def prepared_keyboard(rows: Rows) -> str:
    """The Bot API JSON of an inline keyboard, for `Sender.send_prepared` (serialise once, send many times)."""
    markup = keyboard_of(rows)
    return json.dumps(markup.to_dict() if markup is not None else None)


# Wraps exactly one Bot API request (the reminder fan-out's pacer: `async with paced(): ...`).
Paced = Callable[[], AbstractAsyncContextManager[None]]


@dataclass(frozen=True, slots=True)
class ReplyTarget:
    """Where a `Reply` goes: the chat, and for a button tap the query to answer and the message tapped."""

    chat_id: int
    query_id: str | None = None
    message_id: int | None = None


MAX_CAPTION = 1024  # Telegram's limit for a caption (checked on the HTML text: a little stricter than needed)


class Sender:
    def __init__(self, bot: Bot, pacer: ChatPacer | None = None) -> None:
        self.bot = bot
        # Every new message (not edits, deletions or button answers) takes its chat's slot: at most one a second.
        self.pacer = pacer if pacer is not None else ChatPacer()

    async def send(self, chat_id: int, message: OutgoingMessage) -> int:
        """Send `message` (in its chat's slot: at most one new message a second); its message id."""
        async with self.pacer.slot(chat_id):
            return await self._send(chat_id, message)

    async def _send(self, chat_id: int, message: OutgoingMessage) -> int:
        try:
            sent: Message
            attachment = message.attachment
            if attachment is not None:
                send_file = self.bot.send_photo if attachment.kind == "photo" else self.bot.send_document
                sent = await retrying(
                    lambda: send_file(
                        chat_id,
                        InputFile(attachment.data, filename=attachment.filename),
                        caption=message.text or None,
                        parse_mode=ParseMode.HTML,
                        reply_markup=keyboard(message),
                        disable_notification=message.silent,
                    )
                )
            else:
                sent = await retrying(
                    lambda: self.bot.send_message(
                        chat_id,
                        message.text,
                        parse_mode=ParseMode.HTML,
                        reply_markup=keyboard(message),
                        link_preview_options=_NO_PREVIEW,
                        disable_notification=message.silent,
                    )
                )
        except Forbidden as exc:
            raise RecipientBlocked(chat_id) from exc
        return sent.message_id

    async def send_photo(
        self, chat_id: int, message: OutgoingMessage, *, file_id: str | None, upload: Callable[[], bytes | str]
    ) -> tuple[int, str | None]:
        """Send `message` with its content picture: by `file_id` when Telegram has it, else uploaded (`upload()`:
        the bytes, or a URL for Telegram to fetch); a file id Telegram no longer knows is uploaded anew. A text too
        long for a caption follows the picture as its own message. (The id of the message that carries the text and
        buttons, the picture's file id now.)"""
        photo = message.photo
        assert photo is not None
        fits = len(message.text) <= MAX_CAPTION
        markup = keyboard(message) if fits else None

        async def attempt(source: str | InputFile) -> Message:
            send_media = self.bot.send_video if photo.video else self.bot.send_photo
            return await retrying(
                lambda: send_media(
                    chat_id,
                    source,
                    caption=message.text if fits else None,
                    parse_mode=ParseMode.HTML,
                    reply_markup=markup,
                    disable_notification=message.silent,
                )
            )

        try:
            async with self.pacer.slot(chat_id):
                sent = await self._send_photo_once(attempt, file_id, upload, photo.filename)
        except Forbidden as exc:
            raise RecipientBlocked(chat_id) from exc
        new_id = sent.video.file_id if sent.video else sent.photo[-1].file_id if sent.photo else None
        if fits:
            return sent.message_id, new_id
        text_only = OutgoingMessage(message.text, message.buttons, silent=message.silent)
        return await self.send(chat_id, text_only), new_id

    @staticmethod
    async def _send_photo_once(
        attempt: Callable[[str | InputFile], Awaitable[Message]],
        file_id: str | None,
        upload: Callable[[], bytes | str],
        filename: str,
    ) -> Message:
        """By `file_id` when Telegram still has it, else uploaded."""
        if file_id is not None:
            try:
                return await attempt(file_id)
            except BadRequest as exc:
                if "file" not in str(exc).lower():
                    raise
                log.info("a step picture's file id was forgotten by Telegram: uploading it again")
        data = upload()
        return await attempt(data if isinstance(data, str) else InputFile(data, filename=filename))

    async def deliver(self, target: ReplyTarget, reply: Reply) -> list[int]:
        """Show `reply` (see `Reply` for the order); the ids of the messages sent."""
        if target.query_id is not None:
            await self.answer(target.query_id, reply.toast, alert=reply.alert)
        if reply.replace is not None:
            if target.message_id is not None:
                await self.edit(target.chat_id, target.message_id, reply.replace)
            else:
                await self.send(target.chat_id, reply.replace)
        elif reply.clear_buttons and target.message_id is not None:
            await self.remove_buttons(target.chat_id, target.message_id)
        return [await self.send(target.chat_id, message) for message in reply.messages]

    async def send_prepared(self, chat_id: int, text: str, prepared_keyboard: str, paced: Paced) -> int:
        """Send a text with a keyboard from `prepared_keyboard`; its message id. The reminder fan-out's hot path.

        The same Bot API request `send` makes (HTML, no link preview), through the bot's request and PTB's error
        mapping, but built as plain JSON and without turning the reply into PTB objects: only the message id is
        needed, and 10,000 reminders at once spend most of their time there otherwise. It goes past the rate
        limiter (`PerChatRetry`), straight to the bot's request: a 429 must reach the caller at once, so its pacer holds
        every sender (the limiter would retry this one request by itself and, when its wait ends, let every request
        queued behind it go at once: a burst that draws the next 429). A 5xx or a failed connection is tried again
        at once, as every send is (`retrying`); each attempt is paced on its own, since the server counts every
        request that arrives.
        """
        parameters: dict[str, Any] = {
            "chat_id": chat_id,
            "text": text,
            "parse_mode": ParseMode.HTML.value,
            "link_preview_options": {"is_disabled": True},
            "reply_markup": prepared_keyboard,
        }

        async def attempt() -> Any:
            async with paced():
                return await Bot._do_post(self.bot, "sendMessage", parameters)

        try:
            result = await retrying(attempt)
        except Forbidden as exc:
            raise RecipientBlocked(chat_id) from exc
        assert isinstance(result, dict)
        return int(result["message_id"])

    async def edit(self, chat_id: int, message_id: int, message: OutgoingMessage) -> int:
        """Edit a message in place; if it is gone, send `message` anew. The id of the message now showing it."""
        parameters = {
            "chat_id": chat_id,
            "message_id": message_id,
            "text": message.text,
            "parse_mode": ParseMode.HTML.value,
            "reply_markup": keyboard(message),
            "link_preview_options": _NO_PREVIEW,
        }
        try:
            # What `bot.edit_message_text` sends, through the same path (defaults, rate limiter, error mapping), but
            # its answer is not turned into a `Message` nobody reads: about a fifth of a button tap's time (bench/).
            await retrying(lambda: self.bot._post("editMessageText", dict(parameters)))
        except Forbidden as exc:
            raise RecipientBlocked(chat_id) from exc
        except BadRequest as exc:
            text = str(exc).lower()
            if "not modified" in text:
                return message_id
            if "not found" in text or "can't be edited" in text:
                return await self.send(chat_id, message)
            raise
        return message_id

    async def remove_buttons(self, chat_id: int, message_id: int) -> None:
        """Take the buttons off an old message (best effort: it may be gone or unchanged)."""
        try:
            await retrying(
                lambda: self.bot.edit_message_reply_markup(chat_id=chat_id, message_id=message_id, reply_markup=None)
            )
        except Forbidden as exc:
            raise RecipientBlocked(chat_id) from exc
        except BadRequest as exc:
            log.debug("could not remove buttons: %s", exc)

    async def delete(self, chat_id: int, message_id: int) -> None:
        """Delete a message of the bot (best effort: it may be gone already, or too old to delete)."""
        try:
            await retrying(lambda: self.bot.delete_message(chat_id=chat_id, message_id=message_id))
        except Forbidden as exc:
            raise RecipientBlocked(chat_id) from exc
        except BadRequest as exc:
            log.debug("could not delete a message: %s", exc)

    async def answer(self, callback_query_id: str, text: str | None = None, *, alert: bool = False) -> None:
        """Answer a button tap (stops the spinner); a too-old query is not an error worth raising."""
        try:
            await retrying(lambda: self.bot.answer_callback_query(callback_query_id, text=text, show_alert=alert))
        except BadRequest as exc:
            log.debug("could not answer callback query: %s", exc)
