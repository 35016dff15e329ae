"""Rendering onboarding and the basic settings: greetings, questions, confirmations, the settings summary."""

from __future__ import annotations

from datetime import datetime

from bot.content.loader import Content
from bot.domain.time_of_day import format_time_of_day
from bot.services.onboarding import SettingsSnapshot, StartResult, TimeSet, TimezoneSet
from bot.services.scheduling import PAUSED_INDEFINITELY
from bot.ui.callbacks_onboarding import TYPE_IT, ChangeSetting, PickTime, PickTimezone
from bot.ui.message import Button, OutgoingMessage, chunk
from bot.views.when import describe_when, format_date


def ask_time(content: Content) -> OutgoingMessage:
    texts = content.texts
    presets = [Button(p, PickTime(p.replace(":", ""))) for p in content.coach.reminder_time_presets]
    rows = (*chunk(presets, 3), (Button(texts.render("buttons.other_time"), PickTime(TYPE_IT)),))
    return OutgoingMessage(texts.render("onboarding.ask_time"), rows)


def ask_time_typed(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("onboarding.ask_time_typed"))


def _timezone_buttons(content: Content) -> tuple[tuple[Button, ...], ...]:
    zones = [
        Button(name.split("/")[-1].replace("_", " "), PickTimezone(name)) for name in content.coach.timezone_buttons
    ]
    return (
        *chunk(zones, 2),
        (Button(content.texts.render("buttons.other_timezone"), PickTimezone(TYPE_IT)),),
    )


def ask_timezone(content: Content, local_time: str) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("onboarding.ask_timezone", time=local_time), _timezone_buttons(content))


def change_timezone(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("onboarding.ask_timezone_typed"), _timezone_buttons(content))


def ask_timezone_typed(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("onboarding.ask_timezone_typed"))


def _status(content: Content, snap: SettingsSnapshot) -> str:
    texts = content.texts
    if snap.status != "active":
        return texts.render("settings.status_stopped")
    if snap.paused_until == PAUSED_INDEFINITELY:
        return texts.render("settings.status_paused_indefinitely")
    if snap.paused_until is not None:
        return texts.render("settings.status_paused", until=format_date(snap.paused_until))
    return texts.render("settings.status_active")


def settings_summary(content: Content, snap: SettingsSnapshot, now: datetime) -> str:
    texts = content.texts
    return texts.render(
        "settings.summary",
        time=format_time_of_day(snap.morning) if snap.morning else "–",
        second_time=format_time_of_day(snap.second) if snap.second else texts.render("settings.second_time_off"),
        timezone=snap.timezone or "–",
        snooze=snap.snooze_minutes,
        next_when=describe_when(texts, snap.next_due, snap.timezone, now),
        status=_status(content, snap),
    )


def settings_buttons(content: Content) -> tuple[tuple[Button, ...], ...]:
    texts = content.texts
    return (
        (
            Button(texts.render("buttons.change_time"), ChangeSetting("time")),
            Button(texts.render("buttons.change_timezone"), ChangeSetting("zone")),
        ),
        (Button(texts.render("buttons.keep"), ChangeSetting("keep")),),
    )


def start(content: Content, result: StartResult, name: str, now: datetime) -> list[OutgoingMessage]:
    texts = content.texts
    if result.stage == "done":
        summary = settings_summary(content, result.snapshot, now)
        header = texts.render("onboarding.welcome_back", name=name)
        return [OutgoingMessage(f"{header}\n\n{summary}", settings_buttons(content))]
    messages = []
    if result.resumed:
        messages.append(OutgoingMessage(texts.render("onboarding.still_setting_up")))
    else:
        messages.append(OutgoingMessage(texts.render("onboarding.greeting", name=name)))
        messages.append(OutgoingMessage(texts.render("onboarding.safety")))
    if result.stage == "timezone" and result.pending_time is not None:
        messages.append(ask_timezone(content, format_time_of_day(result.pending_time)))
    else:
        messages.append(ask_time(content))
    return messages


def time_set(content: Content, result: TimeSet, now: datetime) -> list[OutgoingMessage]:
    if result.during_onboarding:
        return [ask_timezone(content, format_time_of_day(result.local_time))]
    snap = result.snapshot
    return [
        OutgoingMessage(
            content.texts.render(
                "settings.time_changed",
                time=format_time_of_day(result.local_time),
                next_when=describe_when(content.texts, snap.next_due, snap.timezone, now),
            )
        )
    ]


def timezone_set(content: Content, result: TimezoneSet, now: datetime) -> list[OutgoingMessage]:
    texts = content.texts
    snap = result.snapshot
    next_when = describe_when(texts, snap.next_due, snap.timezone, now)
    if result.during_onboarding:
        text = texts.render(
            "onboarding.done",
            time=format_time_of_day(snap.morning) if snap.morning else "–",
            timezone=result.timezone,
            next_when=next_when,
        )
    else:
        text = texts.render("settings.timezone_changed", timezone=result.timezone, next_when=next_when)
    if result.is_fixed_offset:
        text += "\n\n" + texts.render("onboarding.fixed_offset_note", timezone=result.timezone)
    return [OutgoingMessage(text)]
