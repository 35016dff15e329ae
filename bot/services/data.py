"""A user's own data: /export as a ZIP of tidy CSV tables, /delete of every row in every table.

The export (format documented in README.txt inside it, see `EXPORT_README`, and in the project README):

* One CSV per kind of record: `ratings.csv`, `sessions.csv`, `skipped_days.csv`, `morning_stiffness.csv`,
  `weekly_checkins.csv`, `safety_events.csv`, `pauses.csv`, `settings.csv`. Each has a header row, even when empty.
* UTF-8 with a byte-order mark, comma separated, CRLF line ends: Excel, Numbers and Google Sheets open it as is.
* Dates are the user's local dates (``2026-03-02``), times their local wall-clock times (``08:05:09``, no
  microseconds): the forms Excel reads as a date and a time. No internal ids: a rating names its session by the
  session's date and start time.
* Ratings are 0-10 with halves kept (``7.5``); stiffness minutes 0-120 (120 = 2 hours or more).
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass
from datetime import datetime, tzinfo

from bot.db.repositories.history import UserHistory
from bot.db.unit_of_work import UnitOfWork
from bot.domain import outcomes
from bot.domain.time_of_day import format_time_of_day
from bot.services.user_scope import UserScope

TABLES: dict[str, tuple[str, ...]] = {
    "ratings.csv": ("date", "time", "kind", "value", "source", "session_date", "session_time"),
    "sessions.csv": ("date", "start_time", "end_time", "status", "routine", "gentle", "tighter_side"),
    "skipped_days.csv": ("date", "reason"),
    "morning_stiffness.csv": ("date", "minutes", "source", "answered_time"),
    "weekly_checkins.csv": ("date", "status", "pain", "enjoyment", "activity", "peg_score"),
    "safety_events.csv": ("date", "time", "kind", "where"),
    "pauses.csv": ("first_date", "until_date"),
    "settings.csv": ("setting", "value"),
    "coach_links.csv": ("coach", "coach_name", "status", "since", "ended_date", "ended_by", "history_shared"),
    "coach_prescriptions.csv": ("coach", "routine", "hold_seconds", "reps", "daily_reminders", "changed_date"),
    "coach_access.csv": ("date", "time", "coach", "what"),
}

EXPORT_README = """stretchbot export
=================

Your data, one table per kind of record. Every file is UTF-8 CSV (comma separated, with a header row) and opens
in Excel, Numbers, LibreOffice or Google Sheets. Dates are your local dates (YYYY-MM-DD) and times your local
wall-clock times (HH:MM:SS), in the timezone given in settings.csv.

ratings.csv - every back-stiffness rating, 0 (not stiff) to 10 (worst)
  date          the day the rating belongs to
  time          when it was given
  kind          before / after (a stretch) or adhoc (typed at any time)
  value         0-10, halves kept (7.5)
  source        button or text (typed)
  session_date  for before/after: the date of the stretch it belongs to (see sessions.csv)
  session_time  for before/after: the start time of that stretch

sessions.csv - every stretch started
  date          the day of the stretch
  start_time    when it started
  end_time      when it finished (empty if it did not)
  status        finished / stopped / abandoned / active
  routine       which routine
  gentle        yes if the gentler variant was chosen
  tighter_side  left / right / same, as answered during the stretch

skipped_days.csv - days skipped on purpose
  date          the day skipped
  reason        flare_up / travelling / ill / no_time / other (empty: no reason given)

morning_stiffness.csv - how long the back stayed stiff after waking
  date          the morning
  minutes       0-120; 120 means 2 hours or more
  source        button or text (typed)
  answered_time when it was last answered

weekly_checkins.csv - the weekly PEG check-in (each item 0-10 about the past week)
  date          the day of the check-in
  status        done / declined / asked (not finished)
  pain          average pain
  enjoyment     how much pain interfered with enjoyment of life
  activity      how much pain interfered with general activity
  peg_score     the mean of the three (when all were answered), one decimal

safety_events.csv - pain or warning signs reported (never your words)
  date, time    when
  kind          red_flag (urgent care) / warning (see a clinician) / pain (stop, go gentler)
  where         where it was reported: hold / routine / reminder / rating / chat

pauses.csv - the pauses you took (reminders off for a while)
  first_date    the first day paused
  until_date    the day reminders came back (empty: paused until /resume)

settings.csv - your settings at the time of the export, one per row (setting, value)

coach_links.csv - the coaches you share (or shared) your progress with
  coach         the coach's Telegram user number; coach_name: their name as they gave it
  status        active (sharing now) / ended
  since         the day you agreed
  ended_date    the day it ended; ended_by: client (you stopped) / delete / removed (no longer a coach)
  history_shared  yes if the coach also sees what came before `since`

coach_prescriptions.csv - what your coach prescribed (empty values: as the routine says / your own choice)
  coach, routine, hold_seconds, reps, daily_reminders; changed_date: the day of the last change

coach_access.csv - every time a coach looked at your data (never any values)
  date, time, coach (their Telegram user number)
  what          roster (your line in their list) / summary (summary, chart and report) / digest / prescription
"""


@dataclass(frozen=True, slots=True)
class Export:
    filename: str
    data: bytes
    rows: int  # records other than settings


def _date_time(moment: datetime | None, zone: tzinfo) -> tuple[str, str]:
    if moment is None:
        return "", ""
    local = moment.astimezone(zone).replace(microsecond=0)
    return local.date().isoformat(), local.time().isoformat()


def _value(value: float) -> str:
    return f"{value:g}"


async def export_tables(uow: UnitOfWork, scope: UserScope) -> dict[str, list[dict[str, str]]] | None:
    """Every record of the user as rows of the TABLES, in date order; None for an unknown user."""
    user_id, zone = scope.user_id, scope.zone
    user = await uow.users.get(user_id)
    if user is None:
        return None
    history = UserHistory(uow.session)
    tables: dict[str, list[dict[str, str]]] = {name: [] for name in TABLES}
    sessions = await history.sessions(user_id)
    started = {s.id: _date_time(s.started_at, zone) for s in sessions}
    for s in sessions:
        start = started[s.id]
        tables["sessions.csv"].append(
            {
                "date": s.local_date.isoformat(),
                "start_time": start[1],
                "end_time": _date_time(s.finished_at, zone)[1],
                "status": s.status,
                "routine": s.routine_id,
                "gentle": "yes" if s.gentle else "no",
                "tighter_side": s.tighter_side or "",
            }
        )
    for r in sorted(await uow.ratings.of_user(user_id), key=lambda r: (r.local_date, r.created_at)):
        session = started.get(r.session_id) if r.session_id is not None else None
        tables["ratings.csv"].append(
            {
                "date": r.local_date.isoformat(),
                "time": _date_time(r.created_at, zone)[1],
                "kind": r.kind,
                "value": _value(r.value),
                "source": r.source,
                "session_date": session[0] if session else "",
                "session_time": session[1] if session else "",
            }
        )
    for skip in await history.skipped_days(user_id):
        tables["skipped_days.csv"].append({"date": skip.local_date.isoformat(), "reason": skip.reason or ""})
    for m in await uow.outcomes.stiffness_of(user_id):
        tables["morning_stiffness.csv"].append(
            {
                "date": m.local_date.isoformat(),
                "minutes": str(m.minutes),
                "source": m.source,
                "answered_time": _date_time(m.updated_at, zone)[1],
            }
        )
    for c in await uow.outcomes.checkins_of(user_id):
        items = (c.pain, c.enjoyment, c.activity)
        complete = c.pain is not None and c.enjoyment is not None and c.activity is not None
        score = f"{outcomes.peg_score(*items):.1f}" if complete else ""  # type: ignore[arg-type]
        tables["weekly_checkins.csv"].append(
            {
                "date": c.local_date.isoformat(),
                "status": c.status,
                **{
                    name: "" if v is None else str(v)
                    for name, v in zip(("pain", "enjoyment", "activity"), items, strict=True)
                },
                "peg_score": score,
            }
        )
    for event in await history.safety_events(user_id):
        tables["safety_events.csv"].append(
            {
                "date": event.local_date.isoformat(),
                "time": _date_time(event.created_at, zone)[1],
                "kind": event.kind,
                "where": event.context,
            }
        )
    for period in await uow.outcomes.pauses_of(user_id):
        tables["pauses.csv"].append(
            {
                "first_date": period.first_date.isoformat(),
                "until_date": period.until_date.isoformat() if period.until_date else "",
            }
        )
    slots = {slot.slot: slot for slot in await history.reminder_slots(user_id)}
    morning, second = slots.get(1), slots.get(2)
    settings = {
        "timezone": scope.timezone,
        "morning_reminder": format_time_of_day(morning.local_time) if morning and morning.enabled else "off",
        "second_reminder": format_time_of_day(second.local_time) if second and second.enabled else "off",
        "snooze_minutes": str(user.snooze_minutes),
        "reminders": user.status,
        "paused_until": user.paused_until.isoformat() if user.paused_until else "",
        "morning_stiffness_question": "on" if user.ask_stiffness else "off",
        "weekly_checkin": "on" if user.weekly_checkin else "off",
        "routine": user.routine_id,
        "language": user.language,
    }
    tables["settings.csv"] = [{"setting": name, "value": value} for name, value in settings.items()]
    await _coaching_tables(uow, scope, tables)
    return tables


async def _coaching_tables(uow: UnitOfWork, scope: UserScope, tables: dict[str, list[dict[str, str]]]) -> None:
    """The links, the prescription and the coaches' access events of the user (as a client)."""
    zone = scope.zone
    for link in await uow.coaching.links_of_client(scope.user_id, active=False):
        coach = await uow.coaching.coach(link.coach_id)
        tables["coach_links.csv"].append(
            {
                "coach": str(link.coach_id),
                "coach_name": (coach.name or "") if coach is not None else "",
                "status": link.status,
                "since": link.linked_date.isoformat(),
                "ended_date": _date_time(link.ended_at, zone)[0],
                "ended_by": link.ended_by or "",
                "history_shared": "yes" if link.share_history else "no",
            }
        )
    rx = await uow.coaching.prescription(scope.user_id)
    if rx is not None:
        tables["coach_prescriptions.csv"].append(
            {
                "coach": str(rx.coach_id),
                "routine": rx.routine_id,
                "hold_seconds": "" if rx.hold_seconds is None else str(rx.hold_seconds),
                "reps": "" if rx.reps is None else str(rx.reps),
                "daily_reminders": "" if rx.reminders is None else str(rx.reminders),
                "changed_date": _date_time(rx.updated_at, zone)[0],
            }
        )
    for event in reversed(await uow.coaching.access_of(scope.user_id)):
        day, clock = _date_time(event.created_at, zone)
        tables["coach_access.csv"].append(
            {"date": day, "time": clock, "coach": str(event.coach_id), "what": event.what}
        )


def to_csv(columns: tuple[str, ...], rows: list[dict[str, str]]) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def to_zip(tables: dict[str, list[dict[str, str]]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("README.txt", EXPORT_README.replace("\n", "\r\n"))
        for name, columns in TABLES.items():
            archive.writestr(name, to_csv(columns, tables[name]))
    return buffer.getvalue()


async def export(uow: UnitOfWork, scope: UserScope) -> Export | None:
    """The user's data as a ZIP of CSV tables; None for an unknown user."""
    tables = await export_tables(uow, scope)
    if tables is None:
        return None
    records = sum(len(rows) for name, rows in tables.items() if name != "settings.csv")
    return Export(f"stretchbot-{scope.today.isoformat()}.zip", to_zip(tables), records)


async def delete_everything(uow: UnitOfWork, user_id: int) -> bool:
    """Erase every row of the user in every table (their coaching links, prescription and the access log too; as a
    coach, their invites and links); False if nothing was stored."""
    if await uow.users.get(user_id) is None:
        await uow.coaching.delete_coach(user_id)
        return False
    await uow.coaching.delete_client(user_id)
    await uow.coaching.delete_coach(user_id)
    await uow.users.delete_everything(user_id)
    return True
