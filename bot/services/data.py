"""A user's own data: /export as one CSV file, /delete of every row in every table.

CSV format (decided here, documented in the file's header row):

* UTF-8 with a byte-order mark, comma separated, CRLF line ends: Excel, Numbers and Google Sheets open it as is.
* One row per rating, routine session, skipped day and reminder time; the `record` column says which.
* Dates are ISO (``2026-03-02``); `time_utc` is ISO 8601 in UTC (``2026-03-02T06:00:00+00:00``), `time_local`
  the same moment in the user's timezone (for a reminder: its local time of day); `local_date` is the day the
  record belongs to on the user's calendar.
* Ratings are 0-10 with halves kept (``7.5``); `kind` is before / after / adhoc, `session_id` links a before or
  after rating to its session row.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bot.db.repositories.history import UserHistory
from bot.db.unit_of_work import UnitOfWork
from bot.domain.time_of_day import format_time_of_day
from bot.services.user_scope import UserScope

COLUMNS = (
    "record",
    "local_date",
    "time_utc",
    "time_local",
    "kind",
    "value",
    "source",
    "session_id",
    "status",
    "finished_utc",
    "tighter_side",
    "gentle",
    "skip_reason",
    "timezone",
)


@dataclass(frozen=True, slots=True)
class Export:
    filename: str
    data: bytes
    rows: int


def _local(moment: datetime | None, zone: tzinfo) -> str:
    return moment.astimezone(zone).isoformat() if moment is not None else ""


def _utc(moment: datetime | None) -> str:
    return moment.isoformat() if moment is not None else ""


def _value(value: float) -> str:
    return f"{value:g}"


async def export_rows(uow: UnitOfWork, scope: UserScope) -> list[dict[str, str]] | None:
    """Every record of the user as CSV rows (column -> text), in date order; None for an unknown user."""
    user_id, zone = scope.user_id, scope.zone
    if await uow.users.get(user_id) is None:
        return None
    history = UserHistory(uow.session)
    rows: list[tuple[str, str, dict[str, str]]] = []
    for s in await history.sessions(user_id):
        row = {
            "record": "session",
            "local_date": s.local_date.isoformat(),
            "time_utc": _utc(s.started_at),
            "time_local": _local(s.started_at, zone),
            "session_id": str(s.id),
            "status": s.status,
            "finished_utc": _utc(s.finished_at),
            "tighter_side": s.tighter_side or "",
            "gentle": "yes" if s.gentle else "no",
        }
        rows.append((row["local_date"], row["time_utc"], row))
    for r in await uow.ratings.of_user(user_id):
        row = {
            "record": "rating",
            "local_date": r.local_date.isoformat(),
            "time_utc": _utc(r.created_at),
            "time_local": _local(r.created_at, zone),
            "kind": r.kind,
            "value": _value(r.value),
            "source": r.source,
            "session_id": str(r.session_id) if r.session_id is not None else "",
        }
        rows.append((row["local_date"], row["time_utc"], row))
    for skip in await history.skipped_days(user_id):
        row = {
            "record": "skip",
            "local_date": skip.local_date.isoformat(),
            "time_utc": _utc(skip.created_at),
            "time_local": _local(skip.created_at, zone),
            "skip_reason": skip.reason or "",
        }
        rows.append((row["local_date"], row["time_utc"], row))
    for event in await history.safety_events(user_id):
        row = {
            "record": "safety",
            "local_date": event.local_date.isoformat(),
            "time_utc": _utc(event.created_at),
            "time_local": _local(event.created_at, zone),
            "kind": event.kind,
            "source": event.context,
            "session_id": str(event.session_id) if event.session_id is not None else "",
        }
        rows.append((row["local_date"], row["time_utc"], row))
    ordered = [row for _, _, row in sorted(rows, key=lambda item: (item[0], item[1]))]
    for slot in await history.reminder_slots(user_id):
        ordered.append(
            {
                "record": "reminder",
                "time_local": format_time_of_day(slot.local_time),
                "kind": f"slot {slot.slot}",
                "status": "on" if slot.enabled else "off",
            }
        )
    return [{column: row.get(column, "") for column in COLUMNS} | {"timezone": scope.timezone} for row in ordered]


def to_csv(rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=COLUMNS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


async def export(uow: UnitOfWork, scope: UserScope) -> Export | None:
    """The user's data as a CSV file; None for an unknown user. `rows` counts records other than reminders."""
    rows = await export_rows(uow, scope)
    if rows is None:
        return None
    records = sum(1 for row in rows if row["record"] != "reminder")
    return Export(f"stretchbot-{scope.today.isoformat()}.csv", to_csv(rows), records)


async def delete_everything(uow: UnitOfWork, user_id: int) -> bool:
    """Erase every row of the user in every table; False if nothing was stored."""
    if await uow.users.get(user_id) is None:
        return False
    await uow.users.delete_everything(user_id)
    return True
