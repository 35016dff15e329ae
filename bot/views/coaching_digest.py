"""Rendering the coach's digest (who needs attention and why, a button to each) and its settings (/digest)."""

from __future__ import annotations

from bot.content.loader import Content
from bot.services.coaching.digest import DigestSetting
from bot.services.coaching.roster import RosterLine
from bot.ui.callbacks_coaching import DigestChoice, OpenClient
from bot.ui.message import Button, OutgoingMessage, chunk
from bot.views.calendar import clock
from bot.views.coaching import button_label
from bot.views.coaching_roster import reasons


def digest(content: Content, lines: list[RosterLine]) -> OutgoingMessage:
    texts = content.texts
    flagged = [line for line in lines if line.facts.needs_attention]
    if not flagged:
        return OutgoingMessage(texts.render("coaching.digest_all_fine", count=len(lines)))
    body = [texts.render("coaching.digest_header", count=len(flagged))]
    body += [
        texts.render("coaching.digest_line", name=line.name, reasons=reasons(content, line.facts.marks))
        for line in flagged
    ]
    rows = tuple((Button("⚠️ " + line.name, OpenClient(line.link_id)),) for line in flagged)
    return OutgoingMessage("\n".join(body), rows)


def _choice(content: Content, setting: DigestSetting) -> str:
    texts = content.texts
    if setting.kind == "off" or setting.at is None:
        return texts.render("coaching.digest_off")
    return texts.render(f"coaching.digest_{setting.kind}", time=clock(setting.at))


def settings(content: Content, setting: DigestSetting) -> OutgoingMessage:
    texts = content.texts
    times = content.coach.coaching.digest_times
    buttons = [Button(texts.render("coaching.digest_off_button"), DigestChoice("off", ""))]
    for kind in ("daily", "weekly"):
        for hhmm in times:
            label = button_label(texts.render(f"coaching.digest_{kind}_button", time=hhmm))
            buttons.append(Button(label, DigestChoice(kind, hhmm.replace(":", ""))))
    return OutgoingMessage(
        texts.render("coaching.digest_settings", choice=_choice(content, setting)), chunk(buttons, 2)
    )


def chosen(content: Content, setting: DigestSetting) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("coaching.digest_set", choice=_choice(content, setting)))


def usage(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("coaching.digest_usage"))
