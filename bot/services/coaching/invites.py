"""Invites by link and the client's consent.

A coach's `/invite` makes a random token (`secrets.token_urlsafe`); only its sha256 is stored. The deep link's
payload is `c<token>`. The first person who opens the link holds the invite (a second person, or a second opening
after an answer, finds it used); they see who the coach is and what the coach will see, and agree or decline.
Nothing is shared before they agree. An invite expires (`coaching.invite_days` in content/coach.yaml) and the coach
can revoke it while it is unanswered.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.db.models import CoachInvite, CoachLink
from bot.db.unit_of_work import UnitOfWork
from bot.domain.coaching import hash_token, payload_of, token_of
from bot.services import onboarding
from bot.services.coaching import coaches
from bot.services.user_scope import UserScope

CONSENT_TTL = timedelta(minutes=30)  # a typed "yes" answers an invite opened this recently
LABEL_MAX = 40


@dataclass(frozen=True, slots=True)
class NewInvite:
    invite_id: int
    payload: str
    label: str | None
    expires_at: datetime


async def create(
    uow: UnitOfWork, admins: frozenset[int], coach_id: int, coach_name: str | None, label: str | None, now: datetime,
    valid_days: int,
) -> NewInvite | None:  # fmt: skip
    """A new invite of `coach_id` (optionally for a named client); None if they are no coach."""
    if await coaches.ensure(uow, admins, coach_id, coach_name, now) is None:
        return None
    token = secrets.token_urlsafe(24)  # 32 characters
    cleaned = " ".join((label or "").split())[:LABEL_MAX] or None
    invite = CoachInvite(
        coach_id=coach_id,
        token_hash=hash_token(token),
        label=cleaned,
        status="open",
        created_at=now,
        expires_at=now + timedelta(days=valid_days),
    )
    uow.session.add(invite)
    await uow.flush()
    return NewInvite(invite.id, payload_of(token), cleaned, invite.expires_at)


@dataclass(frozen=True, slots=True)
class InviteLine:
    invite_id: int
    label: str | None
    opened: bool
    expires_at: datetime


async def open_invites(
    uow: UnitOfWork, admins: frozenset[int], coach_id: int, now: datetime
) -> list[InviteLine] | None:
    if not await coaches.is_coach(uow, admins, coach_id):
        return None
    return [
        InviteLine(i.id, i.label, i.status == "opened", i.expires_at)
        for i in await uow.coaching.open_invites(coach_id, now)
    ]


async def revoke(uow: UnitOfWork, coach_id: int, invite_id: int, now: datetime) -> bool:
    """The coach withdraws an unanswered invite of theirs; False for anything else (another coach's, used...)."""
    invite = await uow.coaching.invite(invite_id, for_update=True)
    if invite is None or invite.coach_id != coach_id or invite.status not in ("open", "opened"):
        return False
    if invite.expires_at <= now:
        return False
    invite.status = "revoked"
    return True


class Opened(StrEnum):
    VALID = "valid"
    INVALID = "invalid"  # no such invite (forged, mistyped) or revoked
    EXPIRED = "expired"
    USED = "used"  # answered already, or held by someone else
    OWN = "own"  # the coach opened their own link


@dataclass(frozen=True, slots=True)
class OpenResult:
    kind: Opened
    invite_id: int | None = None
    coach_name: str | None = None
    already_linked: bool = False


async def open_link(uow: UnitOfWork, user_id: int, payload: str, now: datetime) -> OpenResult:
    """Someone opened an invite link: hold the invite for them and say who invites them (or why it cannot be)."""
    token = token_of(payload)
    invite = await uow.coaching.invite_by_hash(hash_token(token)) if token is not None else None
    if invite is None or invite.status == "revoked":
        return OpenResult(Opened.INVALID)
    if invite.status in ("used", "declined") or (invite.status == "opened" and invite.opened_by != user_id):
        return OpenResult(Opened.USED)
    if invite.expires_at <= now:
        return OpenResult(Opened.EXPIRED)
    if invite.coach_id == user_id:
        return OpenResult(Opened.OWN)
    invite.status, invite.opened_by, invite.opened_at = "opened", user_id, now
    linked = await uow.coaching.active_link(invite.coach_id, user_id) is not None
    return OpenResult(Opened.VALID, invite.id, await coaches.name_of(uow, invite.coach_id), linked)


async def _held(uow: UnitOfWork, user_id: int, invite_id: int, now: datetime) -> CoachInvite | None:
    invite = await uow.coaching.invite(invite_id, for_update=True)
    if invite is None or invite.status != "opened" or invite.opened_by != user_id or invite.expires_at <= now:
        return None
    return invite


@dataclass(frozen=True, slots=True)
class Agreed:
    coach_id: int
    coach_name: str | None
    client_label: str
    link_id: int
    setup: onboarding.StartResult | None  # a new user's set-up begins here
    again: bool = False  # they already shared with this coach


async def agree(
    uow: UnitOfWork, scope: UserScope, invite_id: int, client_name: str | None, default_snooze: int
) -> Agreed | None:
    """The client agreed: the link starts now (a new user's set-up begins); None for a stale or forged answer."""
    invite = await _held(uow, scope.user_id, invite_id, scope.now)
    if invite is None:
        return None
    invite.status, invite.used_at = "used", scope.now
    setup = None
    user = await uow.users.get(scope.user_id)
    if user is None or user.onboarding_step is not None:
        setup = await onboarding.start(uow, scope, default_snooze=default_snooze)
    label = invite.label or (client_name or "")[:LABEL_MAX] or str(scope.user_id)
    link = await uow.coaching.active_link(invite.coach_id, scope.user_id)
    again = link is not None
    if link is None:
        link = CoachLink(
            coach_id=invite.coach_id,
            client_id=scope.user_id,
            client_name=label,
            status="active",
            share_history=False,
            linked_at=scope.now,
            linked_date=scope.today,
        )
        uow.session.add(link)
        await uow.flush()
    return Agreed(invite.coach_id, await coaches.name_of(uow, invite.coach_id), label, link.id, setup, again)


async def decline(uow: UnitOfWork, user_id: int, invite_id: int, now: datetime) -> tuple[int, str | None] | None:
    """The client declined: nothing is shared, the invite is spent; (coach id, label) to tell the coach."""
    invite = await _held(uow, user_id, invite_id, now)
    if invite is None:
        return None
    invite.status, invite.used_at = "declined", now
    return invite.coach_id, invite.label


async def pending(uow: UnitOfWork, user_id: int, now: datetime) -> int | None:
    """The invite the user opened in the last `CONSENT_TTL` and has not answered (a typed yes/no answers it)."""
    invite = await uow.coaching.opened_by(user_id, now - CONSENT_TTL)
    return invite.id if invite is not None and invite.expires_at > now else None


async def coach_name_of_invite(uow: UnitOfWork, invite_id: int) -> str | None:
    invite = await uow.coaching.invite(invite_id)
    return await coaches.name_of(uow, invite.coach_id) if invite is not None else None


async def label_of(uow: UnitOfWork, invite_id: int) -> str | None:
    invite = await uow.coaching.invite(invite_id)
    return invite.label if invite is not None else None
