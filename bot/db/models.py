"""The database schema as typed SQLAlchemy 2 models. Migrations (not `create_all`) create it.

Every time is UTC (`UTCDateTime`); each user's IANA timezone is stored beside them, and the local date a thing
belongs to is stored explicitly where it matters (deliveries, sessions, ratings, skips).
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any, ClassVar

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    SmallInteger,
    String,
    Time,
    UniqueConstraint,
    false,
    text,
    true,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from bot.db.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON()}


class User(Base):
    """A Telegram user of the bot and their preferences. `id` is the Telegram user id."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    timezone: Mapped[str | None] = mapped_column(String(64))
    # Onboarding progress: "time", "timezone" while it runs, None once done (see `onboarded_at`).
    onboarding_step: Mapped[str | None] = mapped_column(String(16))
    onboarded_at: Mapped[datetime | None]
    # What a typed message answers next, e.g. "time:1", "timezone", "snooze", "skip_reason:<delivery id>".
    awaiting_input: Mapped[str | None] = mapped_column(String(48))
    status: Mapped[str] = mapped_column(String(16), default="active", server_default="active")
    snooze_minutes: Mapped[int] = mapped_column(SmallInteger, default=15, server_default="15")
    # Reminders resume on this local date; PAUSED_INDEFINITELY means "until /resume".
    paused_until: Mapped[date | None] = mapped_column(Date)
    routine_id: Mapped[str] = mapped_column(String(48), default="pigeon", server_default="pigeon")
    # The outcome questions (issue 18): the daily morning-stiffness question and the weekly PEG check-in.
    ask_stiffness: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    weekly_checkin: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # "hands_free" (steps, holds, rests and the switch of sides run by themselves) or "taps" (a tap per step).
    routine_mode: Mapped[str] = mapped_column(String(16), default="hands_free", server_default="hands_free")
    sound_cues: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    # The language the bot speaks to the user in: a locale of content/locales ("en", "de", ...). Set from
    # Telegram's language_code on first contact, changed with /language.
    language: Mapped[str] = mapped_column(String(16), default="en", server_default="en")
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class ReminderSlot(Base):
    """One daily reminder of a user at a local time. `next_due_at` (UTC, indexed) makes the database the schedule."""

    __tablename__ = "reminder_slots"
    __table_args__ = (UniqueConstraint("user_id", "slot"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    slot: Mapped[int] = mapped_column(SmallInteger)  # 1 = morning, 2 = optional second reminder
    local_time: Mapped[time] = mapped_column(Time)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)


class ReminderDelivery(Base):
    """One reminder for one (user, slot, local date): the unique constraint makes a second one impossible."""

    __tablename__ = "reminder_deliveries"
    __table_args__ = (
        UniqueConstraint("user_id", "slot", "local_date"),
        Index("ix_reminder_deliveries_status_send_after", "status", "send_after"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    slot: Mapped[int] = mapped_column(SmallInteger)
    local_date: Mapped[date] = mapped_column(Date)
    due_at: Mapped[datetime]
    send_after: Mapped[datetime]
    # pending -> sent | missed | cancelled; a snooze puts a sent one back to pending with a later send_after.
    status: Mapped[str] = mapped_column(String(16), default="pending")
    lease_until: Mapped[datetime | None]
    attempts: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    snoozes: Mapped[int] = mapped_column(SmallInteger, default=0, server_default="0")
    sent_at: Mapped[datetime | None]
    message_id: Mapped[int | None] = mapped_column(BigInteger)


class RoutineSession(Base):
    """One run of a routine. `state` holds the routine state machine's state, so a restart resumes it."""

    __tablename__ = "routine_sessions"
    __table_args__ = (
        Index(
            "uq_routine_sessions_one_active",
            "user_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    routine_id: Mapped[str] = mapped_column(String(48))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | finished | stopped | abandoned
    local_date: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]
    state: Mapped[dict[str, Any] | None]
    seq: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    timer_due_at: Mapped[datetime | None] = mapped_column(index=True)
    timer_kind: Mapped[str | None] = mapped_column(String(16))
    live_message_id: Mapped[int | None] = mapped_column(BigInteger)
    cue_message_id: Mapped[int | None] = mapped_column(BigInteger)  # the last sound cue, deleted by the next
    delivery_id: Mapped[int | None] = mapped_column(ForeignKey("reminder_deliveries.id", ondelete="SET NULL"))
    gentle: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    tighter_side: Mapped[str | None] = mapped_column(String(8))
    # The coach's prescription as the session began ({"hold_seconds": .., "reps": ..}); None: the routine as written.
    prescription: Mapped[dict[str, Any] | None]


class Rating(Base):
    """A 0-10 stiffness rating: before or after a session, or ad hoc. Halves are kept (0.5 steps)."""

    __tablename__ = "ratings"
    __table_args__ = (
        UniqueConstraint("session_id", "kind"),
        UniqueConstraint("user_id", "update_id"),
        Index("ix_ratings_user_id_local_date", "user_id", "local_date"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("routine_sessions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(8))  # before | after | adhoc
    value: Mapped[float] = mapped_column(Float)
    source: Mapped[str] = mapped_column(String(8))  # button | text
    local_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    # The Telegram update that created it: a re-sent update cannot create a second row.
    update_id: Mapped[int | None] = mapped_column(BigInteger)


class SkippedDay(Base):
    """A day the user skipped on purpose. With a reason it does not break the streak."""

    __tablename__ = "skipped_days"
    __table_args__ = (UniqueConstraint("user_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    reason: Mapped[str | None] = mapped_column(String(16))  # flare_up | travelling | ill | no_time | other
    created_at: Mapped[datetime]


class SafetyEvent(Base):
    """The user reported pain or a warning sign (what kind, when, where); never their words."""

    __tablename__ = "safety_events"
    __table_args__ = (Index("ix_safety_events_user_id_local_date", "user_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    # red_flag (urgent care now) | warning (see a clinician) | pain (stop, go gentler)
    kind: Mapped[str] = mapped_column(String(16))
    # Where it was reported: hold | routine | reminder | rating | chat
    context: Mapped[str] = mapped_column(String(16))
    session_id: Mapped[int | None] = mapped_column(ForeignKey("routine_sessions.id", ondelete="SET NULL"))
    local_date: Mapped[date] = mapped_column(Date)
    created_at: Mapped[datetime]


class OutcomePrompt(Base):
    """When a user's next outcome question is due: `kind` "stiffness" (daily) or "weekly" (the PEG check-in).

    `next_due_at` (UTC, indexed) is the morning reminder's time on the local date the question is for; the
    prompter sends it a content-configured delay later. `last_local_date`: the date it was last asked for.
    """

    __tablename__ = "outcome_prompts"
    __table_args__ = (UniqueConstraint("user_id", "kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(16))
    next_due_at: Mapped[datetime | None] = mapped_column(index=True)
    last_local_date: Mapped[date | None] = mapped_column(Date)


class MorningStiffness(Base):
    """How long the back stayed stiff after waking on a local date, in minutes (0-120; 120 = 2 hours or more)."""

    __tablename__ = "morning_stiffness"
    __table_args__ = (UniqueConstraint("user_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    minutes: Mapped[int] = mapped_column(SmallInteger)
    source: Mapped[str] = mapped_column(String(8))  # button | text
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]


class WeeklyCheckin(Base):
    """One weekly PEG check-in: three 0-10 items (None until answered). status: asked | done | declined."""

    __tablename__ = "weekly_checkins"
    __table_args__ = (UniqueConstraint("user_id", "local_date"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    pain: Mapped[int | None] = mapped_column(SmallInteger)
    enjoyment: Mapped[int | None] = mapped_column(SmallInteger)
    activity: Mapped[int | None] = mapped_column(SmallInteger)
    status: Mapped[str] = mapped_column(String(16), default="asked")
    created_at: Mapped[datetime]
    completed_at: Mapped[datetime | None]


class PausePeriod(Base):
    """A pause the user took: local dates `first_date` up to (not including) `until_date`; None: until /resume
    (closed then). Charts show these days as paused, and adherence does not count them as planned."""

    __tablename__ = "pause_periods"
    __table_args__ = (Index("ix_pause_periods_user_id", "user_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    first_date: Mapped[date] = mapped_column(Date)
    until_date: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime]


class PendingQuestion(Base):
    """What the bot last asked a user (one open question per user), so a typed message is read as its answer.
    Kinds and their parsers: `bot.services.questions`; `ref` points at what it is about (a reminder delivery)."""

    __tablename__ = "pending_questions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    ref: Mapped[int | None] = mapped_column(Integer)
    asked_at: Mapped[datetime]
    expires_at: Mapped[datetime]


ALL_USER_TABLES: tuple[type[Base], ...] = (
    PendingQuestion,
    PausePeriod,
    OutcomePrompt,
    MorningStiffness,
    WeeklyCheckin,
    SafetyEvent,
    Rating,
    RoutineSession,
    ReminderDelivery,
    ReminderSlot,
    SkippedDay,
    User,
)


class MediaFile(Base):
    """A step picture's Telegram file id, so it is uploaded once and then sent by id. `key` names the content
    file and its bytes (`illustrations/pigeon/position.png#<sha256 prefix>`) or the URL: a changed file is a new key.
    Not about any user."""

    __tablename__ = "media_files"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    file_id: Mapped[str] = mapped_column(String(255))
    updated_at: Mapped[datetime]


class Coach(Base):
    """A coach named by an admin from the chat (`ADMIN_USER_IDS` are coaches without a row until they use a coach
    command), with their digest choice. `user_id` is the coach's Telegram user id; `name` is how clients see them."""

    __tablename__ = "coaches"

    user_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str | None] = mapped_column(String(64))
    added_by: Mapped[int | None] = mapped_column(BigInteger)
    # The digest: "off" | "daily" | "weekly", at `digest_time` in the coach's own timezone; `digest_due_at` (UTC,
    # indexed) makes the database the schedule.
    digest: Mapped[str] = mapped_column(String(8), default="off", server_default="off")
    digest_time: Mapped[time | None] = mapped_column(Time)
    digest_due_at: Mapped[datetime | None] = mapped_column(index=True)
    created_at: Mapped[datetime]


class CoachInvite(Base):
    """An invite link: only the sha256 of its token is stored. Single use: the first person who opens it holds it
    (`opened_by`) until they agree (`used_at`) or decline; it expires at `expires_at` or when the coach revokes it.
    status: open | opened | used | declined | revoked."""

    __tablename__ = "coach_invites"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coach_id: Mapped[int] = mapped_column(BigInteger, index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(64))  # the client's name the coach gave, if any
    status: Mapped[str] = mapped_column(String(16), default="open")
    created_at: Mapped[datetime]
    expires_at: Mapped[datetime]
    opened_by: Mapped[int | None] = mapped_column(BigInteger)
    opened_at: Mapped[datetime | None]
    used_at: Mapped[datetime | None]


class CoachLink(Base):
    """A client's consent to share with a coach. Active until the client stops it (or /delete, or the coach is
    removed); ended links stay for the client's /export. `share_history`: data from before `linked_date` is
    shared too (the client's choice in /coach)."""

    __tablename__ = "coach_links"
    __table_args__ = (
        Index(
            "uq_coach_links_one_active",
            "coach_id",
            "client_id",
            unique=True,
            sqlite_where=text("status = 'active'"),
            postgresql_where=text("status = 'active'"),
        ),
        Index("ix_coach_links_client_id", "client_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coach_id: Mapped[int] = mapped_column(BigInteger, index=True)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    client_name: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | ended
    share_history: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    linked_at: Mapped[datetime]
    linked_date: Mapped[date] = mapped_column(Date)  # the client's local date of the link
    ended_at: Mapped[datetime | None]
    ended_by: Mapped[str | None] = mapped_column(String(16))  # client | delete | removed


class CoachPrescription(Base):
    """What a client's coach prescribed: the routine, a hold time and repetitions for its timed steps (None: as the
    routine says), and the number of daily reminders (None: the client's own). Read when a session begins."""

    __tablename__ = "coach_prescriptions"

    client_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    coach_id: Mapped[int] = mapped_column(BigInteger)
    routine_id: Mapped[str] = mapped_column(String(48))
    hold_seconds: Mapped[int | None] = mapped_column(SmallInteger)
    reps: Mapped[int | None] = mapped_column(SmallInteger)
    reminders: Mapped[int | None] = mapped_column(SmallInteger)
    updated_at: Mapped[datetime]


class CoachAccess(Base):
    """A coach looked at a client's data: who, whose, when, what ("roster", "summary", "report", "digest",
    "prescription"). Never any value. Listed to the client in /coach."""

    __tablename__ = "coach_access_events"
    __table_args__ = (Index("ix_coach_access_events_client_id_created_at", "client_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coach_id: Mapped[int] = mapped_column(BigInteger)
    client_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    what: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]


class CoachMedia(Base):
    """A photo or video a coach sent, by Telegram file id, attached to a routine's step (or its intro, step_id
    "intro"); `step_id` None while the coach still has to choose. Sent in that step to the coach's clients."""

    __tablename__ = "coach_media"
    __table_args__ = (Index("ix_coach_media_coach_id_routine_id", "coach_id", "routine_id"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    coach_id: Mapped[int] = mapped_column(BigInteger)
    kind: Mapped[str] = mapped_column(String(8))  # photo | video
    file_id: Mapped[str] = mapped_column(String(255))
    routine_id: Mapped[str | None] = mapped_column(String(48))
    step_id: Mapped[str | None] = mapped_column(String(48))
    created_at: Mapped[datetime]
