"""Reply markup checks: inline keyboards are validated like Telegram does and echoed; others kept aside."""

from __future__ import annotations

from typing import Any

from bot.standin.errors import BUTTON_DATA_INVALID, bad_request

MAX_CALLBACK_DATA_BYTES = 64


def split_markup(markup: Any) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """(inline markup to echo in the Message, other keyboard to keep internally); 400 on bad buttons."""
    if not isinstance(markup, dict):
        return None, None
    rows = markup.get("inline_keyboard")
    if rows is None:
        return None, markup
    if not isinstance(rows, list):
        raise bad_request("Bad Request: can't parse inline keyboard button: InlineKeyboardMarkup is invalid")
    for row in rows:
        for button in row if isinstance(row, list) else []:
            if not isinstance(button, dict):
                continue
            if "callback_data" in button:
                data = button["callback_data"]
                size = len(str(data).encode("utf-8"))
                if size == 0 or size > MAX_CALLBACK_DATA_BYTES:
                    raise bad_request(BUTTON_DATA_INVALID)
    return markup, None
