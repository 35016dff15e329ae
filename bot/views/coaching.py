"""Rendering the coach's side for the client and for invites: the consent question and its answers, /coach (links,
history choice, the access log), what coaches are told, /invite and /coaches."""

from __future__ import annotations

import html
from datetime import datetime, tzinfo

from bot.content.loader import Content
from bot.services.coaching.coaches import CoachEntry
from bot.services.coaching.invites import InviteLine, NewInvite, Opened, OpenResult
from bot.services.coaching.links import ClientLinks, LinkLine, PlanLine
from bot.ui.callbacks_coaching import ConsentAnswer, RevokeInvite, ShareHistory, StopSharing
from bot.ui.message import Button, OutgoingMessage, Reply
from bot.views.calendar import clock, day_month


def button_label(rendered: str) -> str:
    """A button's label from a rendered text: buttons are plain text, so the values' HTML escaping is undone."""
    return html.unescape(rendered)


def coach_label(content: Content, name: str | None) -> str:
    return name or content.texts.render("coaching.unnamed_coach")


def opened(content: Content, result: OpenResult) -> OutgoingMessage:
    """The answer to an opened invite link: the consent question, or why the link cannot be used."""
    texts = content.texts
    if result.kind != Opened.VALID or result.invite_id is None:
        key = {
            Opened.EXPIRED: "coaching.link_expired",
            Opened.USED: "coaching.link_used",
            Opened.OWN: "coaching.link_own",
        }.get(result.kind, "coaching.link_invalid")
        return OutgoingMessage(texts.render(key))
    coach = coach_label(content, result.coach_name)
    buttons = (
        (Button(texts.render("coaching.agree_button"), ConsentAnswer(result.invite_id, True)),),
        (Button(texts.render("coaching.decline_button"), ConsentAnswer(result.invite_id, False)),),
    )
    return OutgoingMessage(texts.render("coaching.consent", coach=coach), buttons)


def consent_hint(content: Content, coach_name: str | None) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("coaching.consent_hint", coach=coach_label(content, coach_name)))


def agreed(content: Content, coach_name: str | None, *, again: bool) -> OutgoingMessage:
    key = "coaching.agreed_again" if again else "coaching.agreed"
    return OutgoingMessage(content.texts.render(key, coach=coach_label(content, coach_name)))


def declined(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("coaching.declined"))


def told(content: Content, key: str, client: str | None = None, coach: str | None = None) -> OutgoingMessage:
    """A message to a coach (or client) about the other side: accepted, declined, left, removed."""
    texts = content.texts
    values = {}
    if client is not None or key in ("told_agreed", "told_declined", "told_left"):
        values["client"] = client or texts.render("coaching.invitee")
    if key == "told_removed":
        values["coach"] = coach_label(content, coach)
    return OutgoingMessage(texts.render(f"coaching.{key}", **values))


_WHAT = frozenset({"roster", "summary", "digest", "prescription"})


def _what(content: Content, what: str) -> str:
    return content.texts.render(f"coaching.what_{what if what in _WHAT else 'summary'}")


def client_overview(content: Content, result: ClientLinks, zone: tzinfo) -> OutgoingMessage:
    """/coach: each link (stop, history), what the coach sees, and the access log."""
    texts = content.texts
    if not result.links:
        return OutgoingMessage(texts.render("coaching.client_none"))
    lines = [texts.render("coaching.client_header")]
    rows: list[tuple[Button, ...]] = []
    for link in result.links:
        coach = coach_label(content, link.coach_name)
        history = texts.render("coaching.history_on" if link.share_history else "coaching.history_off")
        lines.append(
            texts.render(
                "coaching.client_link", coach=coach, since=day_month(link.since, content.formats), history=history
            )
        )
        since = day_month(link.since, content.formats)
        key = "coaching.history_hide_button" if link.share_history else "coaching.history_share_button"
        share = ShareHistory(link.link_id, not link.share_history)
        rows.append((Button(button_label(texts.render(key, since=since)), share),))
        stop = button_label(texts.render("coaching.stop_button", coach=coach))
        rows.append((Button(stop, StopSharing(link.link_id)),))
    if result.plan is not None:
        lines.append(_plan(content, result.plan))
    lines.append(texts.render("coaching.client_sees"))
    lines.append("")
    lines.append(texts.render("coaching.access_header"))
    if not result.access:
        lines.append(texts.render("coaching.access_none"))
    for event in result.access:
        local = event.at.astimezone(zone)
        when = f"{day_month(local.date(), content.formats)} {clock(local.time(), content.formats)}"
        lines.append(
            texts.render(
                "coaching.access_line",
                when=when,
                coach=coach_label(content, event.coach_name),
                what=_what(content, event.what),
            )
        )
    if result.access_total > len(result.access):
        lines.append(texts.render("coaching.access_more", count=result.access_total - len(result.access)))
    return OutgoingMessage("\n".join(lines), tuple(rows))


def _plan(content: Content, plan: PlanLine) -> str:
    texts = content.texts
    parts = [texts.render("coaching.rx_told_routine", title=content.routine(plan.routine_id).title)]
    if plan.hold_seconds is not None:
        parts.append(texts.render("coaching.rx_told_hold", seconds=plan.hold_seconds))
    if plan.reps is not None:
        parts.append(texts.render("coaching.rx_told_reps", reps=plan.reps))
    if plan.reminders is not None:
        parts.append(texts.render("coaching.rx_told_reminders", count=plan.reminders))
    coach = coach_label(content, plan.coach_name)
    return texts.render("coaching.client_plan", coach=coach, plan=button_label(", ".join(parts)))


def stopped(content: Content, coach_name: str | None) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("coaching.stopped", coach=coach_label(content, coach_name)))


def history_changed(content: Content, link: LinkLine) -> OutgoingMessage:
    key = "coaching.history_now_on" if link.share_history else "coaching.history_now_off"
    return OutgoingMessage(
        content.texts.render(
            key, coach=coach_label(content, link.coach_name), since=day_month(link.since, content.formats)
        )
    )


def not_coach(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("coaching.not_coach"))


def _expires(content: Content, moment: datetime, zone: tzinfo) -> str:
    return day_month(moment.astimezone(zone).date(), content.formats)


def invite_made(content: Content, invite: NewInvite, link: str, zone: tzinfo) -> OutgoingMessage:
    texts = content.texts
    expires = _expires(content, invite.expires_at, zone)
    if invite.label:
        return OutgoingMessage(texts.render("coaching.invite_made_for", name=invite.label, expires=expires, link=link))
    return OutgoingMessage(texts.render("coaching.invite_made", expires=expires, link=link))


def _invite_label(content: Content, line: InviteLine) -> str:
    return line.label or f"{content.texts.render('coaching.invite_unnamed')} #{line.invite_id}"


def open_invites(content: Content, lines: list[InviteLine], zone: tzinfo) -> OutgoingMessage | None:
    """The coach's open invites, each with a button to withdraw it (None: there are none)."""
    if not lines:
        return None
    texts = content.texts
    text = [texts.render("coaching.invites_header")]
    rows = []
    for line in lines:
        label = _invite_label(content, line)
        opened_note = texts.render("coaching.invite_opened") if line.opened else ""
        text.append(
            texts.render(
                "coaching.invite_line",
                label=label,
                expires=_expires(content, line.expires_at, zone),
                opened=opened_note,
            )
        )
        revoke = button_label(texts.render("coaching.revoke_button", label=label))
        rows.append((Button(revoke, RevokeInvite(line.invite_id)),))
    return OutgoingMessage("\n".join(text), tuple(rows))


def revoked(content: Content, label: str | None, invite_id: int) -> Reply:
    shown = label or f"{content.texts.render('coaching.invite_unnamed')} #{invite_id}"
    text = content.texts.render("coaching.revoked", label=shown)
    return Reply(toast=text, clear_buttons=True, messages=(OutgoingMessage(text),))


def coaches_list(content: Content, entries: list[CoachEntry]) -> OutgoingMessage:
    texts = content.texts
    lines = [texts.render("coaching.coaches_header")]
    for entry in entries:
        admin = texts.render("coaching.coach_admin") if entry.admin else ""
        name = entry.name or texts.render("coaching.unnamed_coach")
        lines.append(texts.render("coaching.coach_line", name=name, id=entry.user_id, admin=admin))
    lines.append("")
    lines.append(texts.render("coaching.coaches_usage"))
    return OutgoingMessage("\n".join(lines))


def coach_changed(content: Content, key: str, value: str) -> OutgoingMessage:
    """/coaches add|remove: `key` is coach_added, coach_exists, coach_removed, coach_not_removable, coaches_bad_id."""
    if key == "coaches_bad_id":
        return OutgoingMessage(content.texts.render("coaching.coaches_bad_id", text=value[:40]))
    return OutgoingMessage(content.texts.render(f"coaching.{key}", id=value))
