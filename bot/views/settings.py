"""Rendering everything about a user's settings: the questions for the reminder time and timezone (asked during
set-up and from /settings), the settings summary and menu, and the confirmations of each change."""

from __future__ import annotations

from datetime import datetime, time

from babel.dates import get_timezone_location

from bot.content.loader import Content
from bot.services.pausing import MAX_PAUSE_DAYS
from bot.services.scheduling import PAUSED_INDEFINITELY, Scheduled
from bot.services.settings import SettingsSnapshot, TimeSet, TimezoneSet
from bot.services.user_scope import UserScope
from bot.ui.callbacks_language import PickLanguage
from bot.ui.callbacks_settings import (
    TYPE_IT,
    ChangeSetting,
    PauseFor,
    PickTime,
    PickTimezone,
    RoutinePref,
    SecondTime,
    SettingsMenu,
    SnoozeLength,
)
from bot.ui.message import Button, OutgoingMessage, Reply, Rows, chunk
from bot.views.calendar import clock, short_date
from bot.views.outcomes import switch_buttons
from bot.views.when import describe_when

SECOND_PRESETS = ("12:00", "17:00", "18:00", "20:00")
PAUSE_DAYS = (1, 3, 7, 14)

# --- the time and the timezone ---------------------------------------------------------------------


def ask_time(content: Content) -> OutgoingMessage:
    texts = content.texts
    presets = [Button(p, PickTime(p.replace(":", ""))) for p in content.coach.reminder_time_presets]
    rows = (*chunk(presets, 3), (Button(texts.render("buttons.other_time"), PickTime(TYPE_IT)),))
    return OutgoingMessage(texts.render("onboarding.ask_time"), rows)


def ask_time_typed(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("onboarding.ask_time_typed"))


def time_unreadable(content: Content, typed: str, *, out_of_range: bool) -> OutgoingMessage:
    key = "onboarding.time_out_of_range" if out_of_range else "onboarding.time_unreadable"
    return OutgoingMessage(content.texts.render(key, text=typed.strip()[:40]))


def city_name(zone: str, locale: str) -> str:
    """A zone's city as the user's language writes it (CLDR: "Берлин", "Nueva York"), else from its IANA name."""
    try:
        return str(get_timezone_location(zone, locale=locale, return_city=True))
    except (LookupError, ValueError):
        return zone.split("/")[-1].replace("_", " ")


def _timezone_buttons(content: Content) -> Rows:
    zones = [Button(city_name(name, content.formats), PickTimezone(name)) for name in content.coach.timezone_buttons]
    return (
        *chunk(zones, 2),
        (Button(content.texts.render("buttons.other_timezone"), PickTimezone(TYPE_IT)),),
    )


def ask_timezone(content: Content, local_time: time) -> OutgoingMessage:
    text = content.texts.render("onboarding.ask_timezone", time=clock(local_time, content.formats))
    return OutgoingMessage(text, _timezone_buttons(content))


def change_timezone(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("onboarding.ask_timezone_typed"), _timezone_buttons(content))


def ask_timezone_typed(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("onboarding.ask_timezone_typed"))


def timezone_unknown(content: Content, typed: str) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("onboarding.timezone_unknown", text=typed.strip()[:40]))


def time_set(scope: UserScope, result: TimeSet) -> OutgoingMessage:
    """During set-up the next question (the timezone); later the confirmation with the next reminder."""
    if result.during_onboarding:
        return ask_timezone(scope.content, result.local_time)
    next_when = describe_when(scope, result.snapshot.next_due)
    text = scope.texts.render(
        "settings.time_changed", time=clock(result.local_time, scope.content.formats), next_when=next_when
    )
    return OutgoingMessage(text)


def timezone_set(scope: UserScope, result: TimezoneSet) -> OutgoingMessage:
    """`scope` must be the user's scope after the change (their new zone)."""
    texts = scope.texts
    snap = result.snapshot
    next_when = describe_when(scope, snap.next_due)
    if result.during_onboarding:
        morning = clock(snap.morning, scope.content.formats) if snap.morning else "–"
        text = texts.render("onboarding.done", time=morning, timezone=result.timezone, next_when=next_when)
    else:
        text = texts.render("settings.timezone_changed", timezone=result.timezone, next_when=next_when)
    if result.is_fixed_offset:
        text += "\n\n" + texts.render("onboarding.fixed_offset_note", timezone=result.timezone)
    return OutgoingMessage(text)


# --- the summary and the menu ----------------------------------------------------------------------


def _status(content: Content, snap: SettingsSnapshot) -> str:
    texts = content.texts
    if snap.status != "active":
        return texts.render("settings.status_stopped")
    if snap.paused_until == PAUSED_INDEFINITELY:
        return texts.render("settings.status_paused_indefinitely")
    if snap.paused_until is not None:
        return texts.render("settings.status_paused", until=short_date(snap.paused_until, content.formats))
    return texts.render("settings.status_active")


def summary(scope: UserScope, snap: SettingsSnapshot) -> str:
    texts = scope.texts
    return texts.render(
        "settings.summary",
        time=clock(snap.morning, scope.content.formats) if snap.morning else "–",
        second_time=clock(snap.second, scope.content.formats)
        if snap.second
        else texts.render("settings.second_time_off"),
        timezone=snap.timezone or "–",
        snooze=snap.snooze_minutes,
        next_when=describe_when(scope, snap.next_due),
        status=_status(scope.content, snap),
        routine_mode=texts.render("settings.mode_hands_free" if snap.hands_free else "settings.mode_taps"),
        sound=texts.render("settings.sound_on" if snap.sound_cues else "settings.sound_off"),
    )


def change_buttons(content: Content) -> Rows:
    """Change the time or the timezone, or keep it all (after /start, and the first rows of /settings)."""
    texts = content.texts
    return (
        (
            Button(texts.render("buttons.change_time"), ChangeSetting("time")),
            Button(texts.render("buttons.change_timezone"), ChangeSetting("zone")),
        ),
        (Button(texts.render("buttons.keep"), ChangeSetting("keep")),),
    )


def settings_message(scope: UserScope, snap: SettingsSnapshot) -> OutgoingMessage:
    """/settings: the summary with every change offered."""
    texts = scope.texts
    change, keep = change_buttons(scope.content)
    rows = (
        change,
        (
            Button(texts.render("buttons.second_reminder"), SettingsMenu("second")),
            Button(texts.render("buttons.snooze_length"), SettingsMenu("snooze")),
        ),
        switch_buttons(scope.content, snap.ask_stiffness, snap.weekly_checkin),
        (Button(texts.render("buttons.pause"), SettingsMenu("pause")), *keep),
        (
            Button(texts.render("buttons.use_taps"), RoutinePref("taps"))
            if snap.hands_free
            else Button(texts.render("buttons.use_hands_free"), RoutinePref("hands_free")),
            Button(texts.render("buttons.sound_off"), RoutinePref("sound_off"))
            if snap.sound_cues
            else Button(texts.render("buttons.sound_on"), RoutinePref("sound_on")),
        ),
        (Button(texts.render("buttons.language"), PickLanguage("")),),
    )
    text = summary(scope, snap) + "\n" + texts.render("settings.language_line", language=scope.content.name)
    return OutgoingMessage(text, rows)


def routine_pref_set(scope: UserScope, snap: SettingsSnapshot, what: str) -> Reply:
    """The settings message again, showing the change, with a short confirmation on the tapped button."""
    return Reply(toast=scope.texts.render(f"settings.pref_{what}"), replace=settings_message(scope, snap))


def unchanged(scope: UserScope, next_due: datetime | None) -> Reply:
    text = scope.texts.render("settings.unchanged", next_when=describe_when(scope, next_due))
    return Reply.of(OutgoingMessage(text))


# --- pause, resume, stop ---------------------------------------------------------------------------


def ask_pause(content: Content) -> OutgoingMessage:
    texts = content.texts
    buttons = [Button(texts.render("buttons.pause_days", days=d), PauseFor(d)) for d in PAUSE_DAYS]
    rows = (*chunk(buttons, 4), (Button(texts.render("buttons.pause_until_resume"), PauseFor(0)),))
    return OutgoingMessage(texts.render("pause.ask"), rows)


def pause_invalid(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("pause.invalid", max_days=MAX_PAUSE_DAYS))


def paused(scope: UserScope, result: Scheduled) -> OutgoingMessage:
    texts = scope.texts
    if result.paused_until is None or result.paused_until == PAUSED_INDEFINITELY:
        return OutgoingMessage(texts.render("pause.done_indefinitely"))
    until = short_date(result.paused_until, scope.content.formats)
    return OutgoingMessage(texts.render("pause.done", until=until, next_when=describe_when(scope, result.next_due)))


def resumed(scope: UserScope, result: Scheduled, *, was_paused: bool) -> OutgoingMessage:
    key = "resume.done" if was_paused else "resume.not_paused"
    return OutgoingMessage(scope.texts.render(key, next_when=describe_when(scope, result.next_due)))


def stopped(content: Content) -> OutgoingMessage:
    return OutgoingMessage(content.texts.render("stop.done"))


# --- the second reminder and the snooze length -----------------------------------------------------


def ask_second_time(content: Content) -> OutgoingMessage:
    texts = content.texts
    presets = [Button(p, SecondTime(p.replace(":", ""))) for p in SECOND_PRESETS]
    rows = (
        tuple(presets),
        (
            Button(texts.render("buttons.other_time"), SecondTime(TYPE_IT)),
            Button(texts.render("buttons.off"), SecondTime("off")),
        ),
    )
    return OutgoingMessage(texts.render("settings.second_ask"), rows)


def second_set(scope: UserScope, result: Scheduled, local_time: time | None) -> OutgoingMessage:
    next_when = describe_when(scope, result.next_due)
    if local_time is None:
        return OutgoingMessage(scope.texts.render("settings.second_removed", next_when=next_when))
    return OutgoingMessage(
        scope.texts.render("settings.second_set", time=clock(local_time, scope.content.formats), next_when=next_when)
    )


def ask_snooze(content: Content) -> OutgoingMessage:
    texts = content.texts
    buttons = [
        Button(texts.render("buttons.minutes", minutes=m), SnoozeLength(m))
        for m in content.coach.snooze_minutes_options
    ]
    return OutgoingMessage(texts.render("settings.snooze_ask"), chunk(buttons, 5))


def snooze_unreadable(content: Content, allowed: list[int]) -> OutgoingMessage:
    """A typed snooze length that is not one of the offered ones: nothing changed."""
    return OutgoingMessage(content.texts.render("questions.snooze", options=", ".join(str(m) for m in allowed)))


def snooze_set(scope: UserScope, result: Scheduled, minutes: int) -> OutgoingMessage:
    next_when = describe_when(scope, result.next_due)
    return OutgoingMessage(scope.texts.render("settings.snooze_set", minutes=minutes, next_when=next_when))
