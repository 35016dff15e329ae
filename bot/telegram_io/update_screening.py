"""Poison updates: an update python-telegram-bot cannot parse is skipped, never allowed to stop the bot.

PTB parses a whole `getUpdates` batch at once (`Update.de_list`); one update it cannot parse (a poll from a
self-hosted Bot API server older than 10.0, without the fields PTB now requires) fails the batch, the offset never
advances and nobody is answered again. `screen_batch` parses each update of a batch on its own first and replaces
the ones that fail with an empty update of the same id (`{"update_id": N}`): PTB parses the batch, no handler
matches the empty update and the offset moves past it. The webhook server uses `parse_update` the same way.

What is logged: the update id, its kind (the field that says what it is: "message", "poll"...) and the error's
type; never its content (other users' typed text, ratings).
"""

from __future__ import annotations

import json
import logging
from typing import Any

from telegram import Bot, Update

log = logging.getLogger("bot.telegram.updates")


def update_kind(data: dict[str, Any]) -> str:
    """The field of an update that says what it is ("message", "callback_query"...), "?" if none."""
    kinds = [key for key in data if key != "update_id"]
    return ",".join(sorted(kinds))[:80] if kinds else "?"


def _log_skipped(update_id: object, data: dict[str, Any], exc: BaseException) -> None:
    log.warning(
        "Skipped update %s (%s): it cannot be parsed (%s); everyone else is served",
        update_id if isinstance(update_id, int) else "?",
        update_kind(data),
        type(exc).__name__,
    )


def parse_update(data: Any, bot: Bot | None) -> Update | None:
    """`data` as an `Update`, or None (logged once) if it is not one python-telegram-bot can parse."""
    if not isinstance(data, dict):
        log.warning("Skipped an update that is not a JSON object (%s)", type(data).__name__)
        return None
    try:
        update = Update.de_json(data, bot)
    except Exception as exc:  # any failure of PTB's parser makes it a poison update
        _log_skipped(data.get("update_id"), data, exc)
        return None
    if not isinstance(update.update_id, int):
        _log_skipped(data.get("update_id"), data, TypeError("update_id"))
        return None
    return update


def screen_batch(payload: bytes) -> bytes:
    """A `getUpdates` answer with every update PTB cannot parse replaced by an empty update of the same id
    (the payload itself, unchanged, when all parse or it is not a successful answer)."""
    try:
        answer = json.loads(payload)
    except ValueError:
        return payload  # PTB reports an unreadable answer itself (a NetworkError, retried)
    if not isinstance(answer, dict) or not answer.get("ok") or not isinstance(answer.get("result"), list):
        return payload
    screened: list[Any] = []
    changed = False
    for item in answer["result"]:
        if parse_update(item, None) is not None:
            screened.append(item)
            continue
        changed = True
        update_id = item.get("update_id") if isinstance(item, dict) else None
        if isinstance(update_id, int) and not isinstance(update_id, bool):
            screened.append({"update_id": update_id})  # parses; moves the offset past it
    if not changed:
        return payload
    return json.dumps({**answer, "result": screened}, ensure_ascii=False).encode()
