"""Texts of the core flows: the command menu, help, the unexpected, onboarding and basic settings."""

from __future__ import annotations

TEXTS: dict[str, tuple[str, ...]] = {
    # Commands for the Telegram menu (setMyCommands): plain text, at most 256 characters.
    "commands.start": (),
    "commands.stretch": (),
    "commands.progress": (),
    "commands.report": (),
    "commands.history": (),
    "commands.settings": (),
    "commands.pause": (),
    "commands.resume": (),
    "commands.stop": (),
    "commands.export": (),
    "commands.delete": (),
    "commands.help": (),
    # Help and the unexpected.
    "help.text": (),
    "help.admin": (),
    "common.unknown_command": ("command",),
    "common.unknown_text": (),
    "common.stale_button": (),
    "common.error": (),  # before anything was stored, or nothing to store: it did not go through
    "common.error_saved": (),  # after the user's input was committed
    "common.not_stored": (),  # the database failed: the input was not stored, send it again
    "common.private_only": (),
    "common.unsupported_message": (),
    "common.not_started": (),
    "common.too_long": (),
    "common.slow_down": (),  # a user sends faster than the bot handles one user's updates
    # Describing when the next reminder comes.
    "when.today": ("time",),
    "when.tomorrow": ("time",),
    "when.date": ("day", "time"),
    "when.none": (),
    # Onboarding (/start).
    "onboarding.greeting": ("name",),
    "onboarding.safety": (),
    "onboarding.reminders_back_on": ("name",),
    "onboarding.ask_time": (),
    "onboarding.ask_time_typed": (),
    "onboarding.time_unreadable": ("text",),
    "onboarding.time_out_of_range": ("text",),
    "onboarding.ask_timezone": ("time",),
    "onboarding.ask_timezone_typed": (),
    "onboarding.timezone_unknown": ("text",),
    "onboarding.fixed_offset_note": ("timezone",),
    "onboarding.done": ("time", "timezone", "next_when"),
    "onboarding.welcome_back": ("name",),
    "onboarding.still_setting_up": (),
    "settings.summary": ("time", "second_time", "timezone", "snooze", "next_when", "status"),
    "settings.second_time_off": (),
    "settings.status_active": (),
    "settings.status_paused": ("until",),
    "settings.status_paused_indefinitely": (),
    "settings.status_stopped": (),
    "settings.time_changed": ("time", "next_when"),
    "settings.timezone_changed": ("timezone", "next_when"),
    "settings.unchanged": ("next_when",),
    # Button labels.
    "buttons.other_time": (),
    "buttons.other_timezone": (),
    "buttons.change_time": (),
    "buttons.change_timezone": (),
    "buttons.keep": (),
    "buttons.cancel": (),
    # To the operator's chat (OPERATOR_CHAT_ID): unhandled errors, never user content.
    "operator.errors": ("count", "minutes", "error", "where", "place"),
    "operator.where_update": (),
    "operator.where_job": (),
}

SAMPLES: dict[str, str] = {
    "name": "Alex",
    "command": "/foo",
    "text": "quarter past",
    "time": "07:15",
    "second_time": "18:00",
    "timezone": "Europe/Berlin",
    "snooze": "15",
    "next_when": "tomorrow at 07:15",
    "status": "active",
    "until": "Mon 30 Nov",
    "date": "30 Nov",
    "count": "3",
    "error": "KeyError",
    "where": "while handling a user's message",
    "place": "bot/handlers/ratings.py:42 (on_rating_text)",
}
