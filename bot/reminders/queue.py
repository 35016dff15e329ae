"""The reminder queue in the database, in set-based SQL (no ORM objects per reminder: 10,000 due at once is normal).

1. `materialize_due`: every slot whose `next_due_at` has come gets a delivery row for its local date (unique per
   user, slot and local date, so never two), or a "missed" row if it is older than the catch-up window; the slot
   moves on to its next occurrence. Several days of downtime record each missed day (up to a week).
2. `expire_overdue`: pending deliveries older than the catch-up window (Telegram or the database was away that
   long) are recorded as missed. Nothing else ever gives a reminder up: however many sends failed, it is tried
   again until it is sent or this catches it.
3. `claim_ready`: pending deliveries whose time has come are leased to this process for a while (PostgreSQL:
   `FOR UPDATE SKIP LOCKED`, so several instances never claim the same one; SQLite: one writer at a time).
4. After sending, `record_outcomes` marks them sent (or failed/blocked, or waiting for a retry with backoff) in
   small batches. A crash before that leaves the lease to expire, and the reminder is sent again: at-least-once,
   with duplicates bounded by the sends in flight plus the dispatcher's RECORD_BATCH (see docs/guarantees.md).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import Select, Table, and_, bindparam, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.db.models import ReminderDelivery, ReminderSlot, User
from bot.db.session import AsyncSession
from bot.domain.local_time import user_zone
from bot.domain.schedule import local_date_at
from bot.services.scheduling import next_due_for

MAX_MISSED_DAYS = 7
LATE_AFTER = timedelta(minutes=5)

# Core tables for the hot bookkeeping statements: cheaper than ORM-enabled updates, and usable on a plain
# connection (the dispatcher records outcomes without an ORM session).
_DELIVERIES = cast(Table, ReminderDelivery.__table__)
_USERS = cast(Table, User.__table__)
_SLOTS = cast(Table, ReminderSlot.__table__)


@dataclass(frozen=True, slots=True)
class ClaimedReminder:
    delivery_id: int
    user_id: int
    chat_id: int
    slot: int
    local_date: date
    due_at: datetime  # when it was meant to go out: the slot's time, or the end of a snooze
    snoozes: int
    snooze_minutes: int
    late: bool  # goes out late for a reason other than waiting its turn in a fan-out: it says so
    timezone: str | None
    attempt: int = 1  # 1 for the first try; retries back off (see `record_outcomes`)
    language: str = "en"  # the user's language: the reminder is written in it


def _insert(session: AsyncSession) -> Any:
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _is_postgres(session: AsyncSession) -> bool:
    return session.bind is not None and session.bind.dialect.name == "postgresql"


def due_slots(now: datetime, limit: int = 5000, *, postgres: bool = False) -> Select[*tuple[Any, ...]]:
    """The scheduler's due query: the slots whose `next_due_at` has come, oldest first, read by the index on
    `next_due_at` (bench/RESULTS.md shows its query plans), so its cost does not grow with the number of users."""
    statement = (
        select(
            ReminderSlot.id,
            ReminderSlot.user_id,
            ReminderSlot.slot,
            ReminderSlot.local_time,
            ReminderSlot.next_due_at,
            User.timezone,
            User.paused_until,
            User.status,
        )
        .join(User, User.id == ReminderSlot.user_id)
        .where(ReminderSlot.next_due_at <= now)
        .order_by(ReminderSlot.next_due_at)
        .limit(limit)
    )
    return statement.with_for_update(of=ReminderSlot, skip_locked=True) if postgres else statement


async def materialize_due(
    session: AsyncSession, now: datetime, *, catch_up: timedelta, default_timezone: str, limit: int = 5000
) -> int:
    """Turn due slots into delivery rows and advance the slots; the number of slots handled."""
    statement = due_slots(now, limit, postgres=_is_postgres(session))
    rows = (await session.execute(statement)).all()
    if not rows:
        return 0
    deliveries: list[dict[str, Any]] = []
    slot_updates: list[dict[str, Any]] = []
    for slot_id, user_id, slot, local_time, due, timezone, paused_until, status in rows:
        zone = user_zone(timezone, default_timezone)
        next_due: datetime | None = due
        for _ in range(MAX_MISSED_DAYS):
            if next_due is None or next_due > now:
                break
            if status == "active":
                missed = now - next_due > catch_up
                deliveries.append(
                    {
                        "user_id": user_id,
                        "slot": slot,
                        "local_date": local_date_at(next_due, zone),
                        "due_at": next_due,
                        # Found late (the bot was down at the due time): `send_after` records when, so the
                        # reminder can say it comes late. On time, it is the due time itself.
                        "send_after": next_due if now - next_due <= LATE_AFTER else now,
                        "status": "missed" if missed else "pending",
                        "attempts": 0,
                        "snoozes": 0,
                    }
                )
            next_due = next_due_for(local_time, zone, next_due, status=status, paused_until=paused_until)
        if next_due is not None and next_due <= now:  # more than a week behind: start again from now
            next_due = next_due_for(local_time, zone, now, status=status, paused_until=paused_until)
        slot_updates.append({"b_id": slot_id, "b_next": next_due})
    if deliveries:
        insert = _insert(session)(ReminderDelivery).on_conflict_do_nothing(
            index_elements=["user_id", "slot", "local_date"]
        )
        await session.execute(insert, deliveries)
    slots = cast(Table, ReminderSlot.__table__)
    await session.execute(
        update(slots).where(slots.c.id == bindparam("b_id")).values(next_due_at=bindparam("b_next")),
        slot_updates,
    )
    return len(rows)


class Claim(list[ClaimedReminder]):
    """What `claim_ready` leased, plus how many it recorded as missed on the way (too late to send)."""

    missed: int = 0


async def expire_overdue(session: AsyncSession, now: datetime, *, catch_up: timedelta) -> int:
    """Record as missed every pending delivery more than `catch_up` past its time (not while another process holds
    it); how many."""
    cutoff = now - catch_up
    result = await session.execute(
        update(_DELIVERIES)
        .where(
            _DELIVERIES.c.status == "pending",
            or_(_DELIVERIES.c.lease_until.is_(None), _DELIVERIES.c.lease_until < now),
            or_(
                and_(_DELIVERIES.c.snoozes == 0, _DELIVERIES.c.due_at < cutoff),
                and_(_DELIVERIES.c.snoozes > 0, _DELIVERIES.c.send_after < cutoff),
            ),
        )
        .values(status="missed", lease_until=None)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def claim_ready(
    session: AsyncSession,
    now: datetime,
    *,
    lease: timedelta,
    catch_up: timedelta,
    limit: int,
    late_before: datetime | None = None,
) -> Claim:
    """Lease up to `limit` pending deliveries whose time has come; too-late ones become "missed" instead.

    A reminder meant for before `late_before` is marked late (default: `LATE_AFTER` before `now`). The dispatcher
    passes the start of its fan-out minus the late-note setting: waiting behind other reminders of the same
    fan-out is not late; having waited for the bot, Telegram or the database to come back is.
    """
    if late_before is None:
        late_before = now - LATE_AFTER
    statement = (
        select(
            ReminderDelivery.id,
            ReminderDelivery.user_id,
            User.chat_id,
            ReminderDelivery.slot,
            ReminderDelivery.local_date,
            ReminderDelivery.due_at,
            ReminderDelivery.send_after,
            ReminderDelivery.snoozes,
            User.snooze_minutes,
            User.status,
            ReminderDelivery.attempts,
            User.timezone,
            User.language,
        )
        .join(User, User.id == ReminderDelivery.user_id)
        .where(
            ReminderDelivery.status == "pending",
            ReminderDelivery.send_after <= now,
            or_(ReminderDelivery.lease_until.is_(None), ReminderDelivery.lease_until < now),
        )
        .order_by(ReminderDelivery.send_after)
        .limit(limit)
    )
    if _is_postgres(session):
        statement = statement.with_for_update(of=ReminderDelivery, skip_locked=True)
    rows = (await session.execute(statement)).all()
    claimed = Claim()
    missed: list[int] = []
    cancelled: list[int] = []
    for row in rows:
        (
            delivery_id,
            user_id,
            chat_id,
            slot,
            local_date,
            due_at,
            send_after,
            snoozes,
            snooze_minutes,
            status,
            tries,
            zone,
            language,
        ) = row
        meant_for = due_at if snoozes == 0 else send_after
        if status != "active":
            cancelled.append(delivery_id)
        elif now - meant_for > catch_up:
            missed.append(delivery_id)
        else:
            claimed.append(
                ClaimedReminder(
                    delivery_id,
                    user_id,
                    chat_id,
                    slot,
                    local_date,
                    meant_for,
                    snoozes,
                    snooze_minutes,
                    meant_for < late_before,
                    zone,
                    tries + 1,
                    language,
                )
            )
    if claimed:
        await session.execute(
            update(ReminderDelivery)
            .where(ReminderDelivery.id.in_([c.delivery_id for c in claimed]))
            .values(lease_until=now + lease, attempts=ReminderDelivery.attempts + 1)
            .execution_options(synchronize_session=False)
        )
    claimed.missed = len(missed)
    for ids, status_value in ((missed, "missed"), (cancelled, "cancelled")):
        if ids:
            await session.execute(
                update(ReminderDelivery)
                .where(ReminderDelivery.id.in_(ids))
                .values(status=status_value, lease_until=None)
                .execution_options(synchronize_session=False)
            )
    return claimed


@dataclass(frozen=True, slots=True)
class Outcome:
    delivery_id: int
    user_id: int
    status: str  # sent | blocked | retry | failed | unsent (stopping: never tried, handed back)
    message_id: int | None = None
    attempt: int = 1


_MARK_SENT = (
    update(_DELIVERIES)
    .where(_DELIVERIES.c.id == bindparam("b_id"))
    .values(status="sent", sent_at=bindparam("b_now"), message_id=bindparam("b_message"), lease_until=None)
)


async def record_outcomes(
    session: AsyncSession | AsyncConnection,
    outcomes: list[Outcome],
    now: datetime,
    *,
    retry_after: timedelta = timedelta(seconds=30),
    retry_max: timedelta = timedelta(minutes=5),
) -> None:
    """Write what happened to a batch of sends, in a few statements. Safe to run again after a failure (a lost
    connection during COMMIT leaves it unknown whether it was written).

    A retry waits (its lease) `retry_after` after the first attempt, twice that after the second, and so on up to
    `retry_max`: 30 s, 1, 2, 4, 5, 5... minutes with the defaults, until `expire_overdue` finds it too old.
    """
    sent = [{"b_id": o.delivery_id, "b_message": o.message_id, "b_now": now} for o in outcomes if o.status == "sent"]
    if sent:  # one prebuilt statement, run for the whole batch (executemany): nothing to build per batch
        await session.execute(_MARK_SENT, sent)
    retry = [
        {"b_id": o.delivery_id, "b_lease": now + min(retry_after * 2 ** min(max(o.attempt - 1, 0), 20), retry_max)}
        for o in outcomes
        if o.status == "retry"
    ]
    if retry:  # claimed again once the lease runs out
        await session.execute(
            update(_DELIVERIES).where(_DELIVERIES.c.id == bindparam("b_id")).values(lease_until=bindparam("b_lease")),
            retry,
        )
    unsent = [o.delivery_id for o in outcomes if o.status == "unsent"]
    if unsent:
        await release_claims(session, unsent)
    gone = [o for o in outcomes if o.status in ("blocked", "failed")]
    for status_value in ("blocked", "failed"):
        ids = [o.delivery_id for o in gone if o.status == status_value]
        if ids:
            await session.execute(
                update(_DELIVERIES)
                .where(_DELIVERIES.c.id.in_(ids))
                .values(status="cancelled" if status_value == "blocked" else "failed", lease_until=None)
            )
    blocked_users = sorted({o.user_id for o in outcomes if o.status == "blocked"})
    if blocked_users:
        await session.execute(
            update(_USERS).where(_USERS.c.id.in_(blocked_users)).values(status="blocked", updated_at=now)
        )
        await session.execute(update(_SLOTS).where(_SLOTS.c.user_id.in_(blocked_users)).values(next_due_at=None))


async def release_claims(
    session: AsyncSession | AsyncConnection, delivery_ids: list[int], lease_until: datetime | None = None
) -> None:
    """Give back claimed deliveries that were not sent (shutdown, the lease running short, Telegram away): the next
    tick, here or elsewhere, sends them. With `lease_until` (the claim's lease), only rows still under that lease:
    a release that comes late (the database was away) never takes a row from a process that claimed it since,
    and running it twice changes nothing."""
    if delivery_ids:
        mine = [] if lease_until is None else [_DELIVERIES.c.lease_until == lease_until]
        await session.execute(
            update(_DELIVERIES)
            .where(_DELIVERIES.c.id.in_(delivery_ids), _DELIVERIES.c.status == "pending", *mine)
            .values(lease_until=None, attempts=_DELIVERIES.c.attempts - 1)
        )
