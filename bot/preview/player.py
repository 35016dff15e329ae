"""Carrying out one parsed input: send text, tap a button, run a preview command; then wait for the bot.

After each input the player waits until the bot has handled it, so the next line (typed, piped or scripted)
sees the bot's answer. With `--fire-reminder`, the first reminder is sent as soon as onboarding is done.
"""

from __future__ import annotations

from bot.preview import commands, render
from bot.preview.feed import EventFeed
from bot.preview.inputs import Action, PreviewCommand, Quit, SendText, TapLabel, TapNumber
from bot.preview.render import ButtonView, describe_buttons, flat_buttons
from bot.preview.session import PreviewSession
from bot.standin.state import StoredMessage


class StepError(Exception):
    """An input could not be carried out (no such button, unknown command...); the message says why."""


class Player:
    def __init__(self, session: PreviewSession, feed: EventFeed, *, echo: bool, fire_reminder: bool = False) -> None:
        self.session = session
        self.feed = feed
        self.echo = echo
        self.fire_pending = fire_reminder
        self.floor = 0  # index of the first chat event after the latest input: `expect:` looks from here

    @property
    def style(self) -> render.Style:
        return self.feed.style

    def note(self, text: str) -> None:
        self.feed.write(render.note(text, style=self.style))

    async def start(self) -> None:
        """Called once the session runs: a user who is already set up gets the fired reminder at once."""
        await self._maybe_fire()

    async def perform(self, action: Action) -> None:
        self.feed.flush()
        if isinstance(action, Quit):
            return
        self.floor = len(self.session.user.events)
        if isinstance(action, SendText):
            if self.echo:
                self.feed.write(render.you(action.text, style=self.style))
            await self.session.user.send(action.text)
            await self._settle()
        elif isinstance(action, TapNumber | TapLabel):
            await self._tap(action)
        elif isinstance(action, PreviewCommand):
            if self.echo:
                self.feed.write(render.you(f"!{action.name} {action.argument}".rstrip(), style=self.style))
            try:
                shown = await commands.run_command(self.session, action.name, action.argument)
            except commands.CommandError as exc:
                raise StepError(str(exc)) from None
            await self._settle()
            self.feed.flush()
            for line in shown.splitlines():
                self.note(line)
        self.feed.flush()
        await self._maybe_fire()

    async def _settle(self) -> None:
        if not await self.session.settle():
            raise StepError(f"the bot was still busy after {self.session.options.settle_timeout:g} s")

    async def _tap(self, action: TapNumber | TapLabel) -> None:
        if isinstance(action, TapLabel):
            message_id, button = self._resolve_label(action.label)
        else:
            message_id, button = self._resolve_number(action)
        assert button.callback_data is not None
        self.feed.write(render.you(f"tapped [{button.number}] {button.label} on #{message_id}", style=self.style))
        query_id = await self.session.user.tap_data(message_id, button.callback_data)
        await self._settle()
        self.feed.flush()
        query = self.session.standin.state.callback_queries.get(query_id)
        answer = query.answer if query is not None else None
        if answer and answer.get("text"):
            kind = "alert" if answer.get("show_alert") else "toast"
            self.note(f"{kind}: {answer['text']}")

    def _with_buttons(self) -> list[tuple[int, StoredMessage]]:
        """The bot's undeleted messages that have inline buttons, oldest first."""
        chat = self.session.standin.state.chats.get(self.session.user.user_id)
        messages = chat.messages if chat is not None else {}
        return [
            (mid, m) for mid, m in sorted(messages.items()) if m.from_bot and not m.deleted and flat_buttons(m.json)
        ]

    def _resolve_number(self, action: TapNumber) -> tuple[int, ButtonView]:
        hint = "" if action.typed.startswith("#") else f" (to send “{action.typed}” as text, type '{action.typed})"
        if action.message is None:
            with_buttons = self._with_buttons()
            if not with_buttons:
                raise StepError(f"no message with buttons to tap{hint}")
            message_id, stored = with_buttons[-1]
            where = "the last message"
        else:
            message_id = action.message
            chat = self.session.standin.state.chats.get(self.session.user.user_id)
            found = chat.messages.get(message_id) if chat is not None else None
            if found is None or not found.from_bot or found.deleted:
                raise StepError(f"there is no bot message #{message_id}{hint}")
            stored, where = found, f"message #{message_id}"
        buttons = {b.number: b for b in flat_buttons(stored.json)}
        button = buttons.get(action.button)
        if button is None:
            raise StepError(f"no button {action.button} on {where} (buttons: {describe_buttons(stored.json)}){hint}")
        return message_id, _tappable(button)

    def _resolve_label(self, label: str) -> tuple[int, ButtonView]:
        """The button labelled `label` on the newest message that has it: exact text first, else a unique part."""
        with_buttons = list(reversed(self._with_buttons()))
        for message_id, stored in with_buttons:
            exact = [b for b in flat_buttons(stored.json) if b.label == label]
            if exact:
                return message_id, _tappable(exact[0])
        needle = label.casefold()
        for message_id, stored in with_buttons:
            found = [b for b in flat_buttons(stored.json) if needle in b.label.casefold()]
            if len(found) > 1:
                names = ", ".join(f"{b.number} {b.label}" for b in found)
                raise StepError(f"[{label}] could be several buttons on message #{message_id}: {names}")
            if found:
                return message_id, _tappable(found[0])
        if not with_buttons:
            raise StepError(f"no button [{label}]: no message has buttons")
        last_id, last = with_buttons[0]
        raise StepError(f"no button [{label}] (last message with buttons, #{last_id}: {describe_buttons(last.json)})")

    async def _maybe_fire(self) -> None:
        if not self.fire_pending or not await self.session.is_onboarded():
            return
        if await self.session.next_due() is None:
            return
        self.fire_pending = False
        try:
            shown = await commands.next_reminder(self.session)
        except commands.CommandError as exc:
            self.note(f"--fire-reminder: {exc}")
            return
        await self._settle()
        self.feed.flush()
        self.note(f"--fire-reminder: {shown}")


def _tappable(button: ButtonView) -> ButtonView:
    if button.callback_data is None:
        raise StepError(f"button {button.number} ({button.label}) is a link to {button.url}, nothing to tap")
    return button
