import itertools
from datetime import UTC, date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.schedule import (
    local_date_at,
    next_occurrence,
    next_occurrence_respecting_pause,
    occurrence_on,
)

BERLIN = ZoneInfo("Europe/Berlin")
NEW_YORK = ZoneInfo("America/New_York")
LORD_HOWE = ZoneInfo("Australia/Lord_Howe")


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# (zone, local date, local time, expected UTC instant): both 2024 transitions of three zones, with times
# in the gap, in the repeated stretch, and just before and after each change.
TRANSITION_CASES = [
    # Europe/Berlin spring forward 2024-03-31: 02:00 CET -> 03:00 CEST (01:00 UTC).
    (BERLIN, date(2024, 3, 31), time(1, 59), utc(2024, 3, 31, 0, 59)),
    (BERLIN, date(2024, 3, 31), time(2, 0), utc(2024, 3, 31, 1, 0)),
    (BERLIN, date(2024, 3, 31), time(2, 30), utc(2024, 3, 31, 1, 30)),  # gap: fires 03:30 CEST
    (BERLIN, date(2024, 3, 31), time(3, 0), utc(2024, 3, 31, 1, 0)),
    (BERLIN, date(2024, 3, 31), time(3, 1), utc(2024, 3, 31, 1, 1)),
    (BERLIN, date(2024, 3, 30), time(2, 30), utc(2024, 3, 30, 1, 30)),
    (BERLIN, date(2024, 4, 1), time(2, 30), utc(2024, 4, 1, 0, 30)),
    # Europe/Berlin fall back 2024-10-27: 03:00 CEST -> 02:00 CET (01:00 UTC); 02:00-03:00 happens twice.
    (BERLIN, date(2024, 10, 27), time(1, 59), utc(2024, 10, 26, 23, 59)),
    (BERLIN, date(2024, 10, 27), time(2, 0), utc(2024, 10, 27, 0, 0)),
    (BERLIN, date(2024, 10, 27), time(2, 30), utc(2024, 10, 27, 0, 30)),  # repeated: first (CEST)
    (BERLIN, date(2024, 10, 27), time(2, 59), utc(2024, 10, 27, 0, 59)),
    (BERLIN, date(2024, 10, 27), time(3, 0), utc(2024, 10, 27, 2, 0)),
    (BERLIN, date(2024, 10, 28), time(2, 30), utc(2024, 10, 28, 1, 30)),
    # America/New_York spring forward 2024-03-10: 02:00 EST -> 03:00 EDT (07:00 UTC).
    (NEW_YORK, date(2024, 3, 10), time(1, 59), utc(2024, 3, 10, 6, 59)),
    (NEW_YORK, date(2024, 3, 10), time(2, 30), utc(2024, 3, 10, 7, 30)),  # gap: fires 03:30 EDT
    (NEW_YORK, date(2024, 3, 10), time(3, 0), utc(2024, 3, 10, 7, 0)),
    (NEW_YORK, date(2024, 3, 10), time(7, 15), utc(2024, 3, 10, 11, 15)),
    (NEW_YORK, date(2024, 3, 9), time(7, 15), utc(2024, 3, 9, 12, 15)),
    # America/New_York fall back 2024-11-03: 02:00 EDT -> 01:00 EST (06:00 UTC); 01:00-02:00 happens twice.
    (NEW_YORK, date(2024, 11, 3), time(0, 59), utc(2024, 11, 3, 4, 59)),
    (NEW_YORK, date(2024, 11, 3), time(1, 0), utc(2024, 11, 3, 5, 0)),
    (NEW_YORK, date(2024, 11, 3), time(1, 30), utc(2024, 11, 3, 5, 30)),  # repeated: first (EDT)
    (NEW_YORK, date(2024, 11, 3), time(2, 0), utc(2024, 11, 3, 7, 0)),
    (NEW_YORK, date(2024, 11, 4), time(1, 30), utc(2024, 11, 4, 6, 30)),
    # Australia/Lord_Howe DST ends 2024-04-07: 02:00 +11 -> 01:30 +10:30 (15:00 UTC); 01:30-02:00 twice.
    (LORD_HOWE, date(2024, 4, 7), time(1, 29), utc(2024, 4, 6, 14, 29)),
    (LORD_HOWE, date(2024, 4, 7), time(1, 30), utc(2024, 4, 6, 14, 30)),
    (LORD_HOWE, date(2024, 4, 7), time(1, 45), utc(2024, 4, 6, 14, 45)),  # repeated: first (+11)
    (LORD_HOWE, date(2024, 4, 7), time(2, 0), utc(2024, 4, 6, 15, 30)),
    (LORD_HOWE, date(2024, 4, 8), time(1, 45), utc(2024, 4, 7, 15, 15)),
    # Australia/Lord_Howe DST starts 2024-10-06: 02:00 +10:30 -> 02:30 +11 (15:30 UTC).
    (LORD_HOWE, date(2024, 10, 6), time(1, 59), utc(2024, 10, 5, 15, 29)),
    (LORD_HOWE, date(2024, 10, 6), time(2, 0), utc(2024, 10, 5, 15, 30)),
    (LORD_HOWE, date(2024, 10, 6), time(2, 15), utc(2024, 10, 5, 15, 45)),  # gap: fires 02:45 +11
    (LORD_HOWE, date(2024, 10, 6), time(2, 30), utc(2024, 10, 5, 15, 30)),
    (LORD_HOWE, date(2024, 10, 6), time(2, 31), utc(2024, 10, 5, 15, 31)),
    (LORD_HOWE, date(2024, 10, 5), time(2, 15), utc(2024, 10, 4, 15, 45)),
]


@pytest.mark.parametrize(("zone", "local_date", "local_time", "expected"), TRANSITION_CASES)
def test_occurrence_on_across_transitions(
    zone: ZoneInfo, local_date: date, local_time: time, expected: datetime
) -> None:
    assert occurrence_on(local_date, local_time, zone) == expected
    assert occurrence_on(local_date, local_time, zone).tzinfo is UTC


@pytest.mark.parametrize(("zone", "local_date", "local_time", "expected"), TRANSITION_CASES)
def test_next_occurrence_across_transitions(
    zone: ZoneInfo, local_date: date, local_time: time, expected: datetime
) -> None:
    # From a moment well inside the previous local day, the next reminder is the one for `local_date`.
    start = datetime.combine(local_date - timedelta(days=1), time(12, 0), tzinfo=zone)
    if local_time > time(12, 0):  # pragma: no cover - all cases are early-morning times
        start -= timedelta(days=1)
    assert next_occurrence(local_time, zone, start) == expected
    assert next_occurrence(local_time, zone, expected - timedelta(microseconds=1)) == expected
    # Strictly after: at the instant itself, the next one is on a later local date.
    later = next_occurrence(local_time, zone, expected)
    assert local_date_at(later, zone) == local_date + timedelta(days=1)


def test_repeated_hour_fires_only_at_first_occurrence() -> None:
    first = utc(2024, 10, 27, 0, 30)  # 02:30 CEST
    second = utc(2024, 10, 27, 1, 30)  # 02:30 CET, the same wall time an hour later
    assert second.astimezone(BERLIN).time() == time(2, 30)
    assert next_occurrence(time(2, 30), BERLIN, first) == utc(2024, 10, 28, 1, 30)
    # Even asked from between the two, it does not fire at the second one.
    assert next_occurrence(time(2, 30), BERLIN, first + timedelta(minutes=30)) == utc(2024, 10, 28, 1, 30)
    assert next_occurrence(time(1, 30), NEW_YORK, utc(2024, 11, 3, 5, 45)) == utc(2024, 11, 4, 6, 30)
    assert next_occurrence(time(1, 45), LORD_HOWE, utc(2024, 4, 6, 14, 50)) == utc(2024, 4, 7, 15, 15)


def test_gap_time_fires_once_past_the_jump() -> None:
    fired = next_occurrence(time(2, 30), BERLIN, utc(2024, 3, 30, 12, 0))
    assert fired == utc(2024, 3, 31, 1, 30)
    assert fired.astimezone(BERLIN).time() == time(3, 30)
    assert next_occurrence(time(2, 30), BERLIN, fired) == utc(2024, 4, 1, 0, 30)


def test_same_day_if_not_yet_passed_else_tomorrow() -> None:
    morning = datetime(2024, 6, 10, 6, 0, tzinfo=BERLIN)
    assert next_occurrence(time(7, 15), BERLIN, morning) == utc(2024, 6, 10, 5, 15)
    assert next_occurrence(time(7, 15), BERLIN, utc(2024, 6, 10, 5, 15)) == utc(2024, 6, 11, 5, 15)
    assert next_occurrence(time(7, 15), BERLIN, utc(2024, 6, 10, 5, 14, 59)) == utc(2024, 6, 10, 5, 15)


def test_fixed_offset_zone_and_midnight() -> None:
    zone = timezone(timedelta(hours=5, minutes=30))
    assert next_occurrence(time(0, 0), zone, utc(2024, 1, 1, 18, 29)) == utc(2024, 1, 1, 18, 30)
    assert next_occurrence(time(23, 59), UTC, utc(2024, 12, 31, 23, 59)) == utc(2025, 1, 1, 23, 59)


def test_local_date_at() -> None:
    instant = utc(2024, 3, 10, 23, 30)
    assert local_date_at(instant, BERLIN) == date(2024, 3, 11)
    assert local_date_at(instant, NEW_YORK) == date(2024, 3, 10)
    assert local_date_at(utc(2024, 4, 6, 14, 0), LORD_HOWE) == date(2024, 4, 7)


def test_naive_datetimes_are_refused() -> None:
    naive = datetime(2024, 1, 1, 12, 0)
    with pytest.raises(ValueError, match="aware"):
        next_occurrence(time(7, 0), BERLIN, naive)
    with pytest.raises(ValueError, match="aware"):
        local_date_at(naive, BERLIN)
    with pytest.raises(ValueError, match="aware"):
        next_occurrence_respecting_pause(time(7, 0), BERLIN, naive, date(2024, 2, 1))


def test_time_tzinfo_and_fold_are_ignored() -> None:
    odd = time(2, 30, tzinfo=UTC, fold=1)
    assert occurrence_on(date(2024, 10, 27), odd, BERLIN) == utc(2024, 10, 27, 0, 30)


def test_pause() -> None:
    after = utc(2024, 6, 10, 12, 0)
    seven = time(7, 0)
    assert next_occurrence_respecting_pause(seven, BERLIN, after, None) == utc(2024, 6, 11, 5, 0)
    # Resume date in the future: the first reminder is on that date.
    assert next_occurrence_respecting_pause(seven, BERLIN, after, date(2024, 6, 20)) == utc(2024, 6, 20, 5, 0)
    # Resume date today or in the past: no effect.
    assert next_occurrence_respecting_pause(seven, BERLIN, after, date(2024, 6, 10)) == utc(2024, 6, 11, 5, 0)
    assert next_occurrence_respecting_pause(seven, BERLIN, after, date(2024, 1, 1)) == utc(2024, 6, 11, 5, 0)
    # Resume date tomorrow and the time is tomorrow anyway.
    assert next_occurrence_respecting_pause(seven, BERLIN, after, date(2024, 6, 11)) == utc(2024, 6, 11, 5, 0)
    # A late-evening time in a zone far from UTC: the resume date is the local one.
    late = time(23, 30)
    tokyo = ZoneInfo("Asia/Tokyo")
    assert next_occurrence_respecting_pause(late, tokyo, after, date(2024, 6, 15)) == utc(2024, 6, 15, 14, 30)
    # Resuming on a spring-forward day with a time in the gap.
    assert next_occurrence_respecting_pause(time(2, 30), BERLIN, utc(2024, 3, 1), date(2024, 3, 31)) == utc(
        2024, 3, 31, 1, 30
    )
    # Years ahead is still quick.
    assert next_occurrence_respecting_pause(seven, BERLIN, after, date(2030, 1, 1)) == utc(2030, 1, 1, 6, 0)


ZONES = sorted(available_timezones())
zones = st.sampled_from(ZONES).map(ZoneInfo)
times = st.builds(time, st.integers(0, 23), st.sampled_from([0, 1, 15, 29, 30, 31, 45, 59]))
instants = st.datetimes(min_value=datetime(1975, 1, 1), max_value=datetime(2036, 12, 31), timezones=st.just(UTC))


def exists(local_date: date, local_time: time, zone: ZoneInfo) -> bool:
    wall = datetime.combine(local_date, local_time, tzinfo=zone)
    return wall.astimezone(UTC).astimezone(zone).replace(tzinfo=None) == wall.replace(tzinfo=None)


@given(zones, times, instants)
def test_next_occurrence_properties(zone: ZoneInfo, local_time: time, after: datetime) -> None:
    fired = next_occurrence(local_time, zone, after)
    assert fired > after
    assert fired.tzinfo is UTC
    local = fired.astimezone(zone)
    if exists(local.date(), local_time, zone):
        assert local.time() == local_time
    assert fired - after <= timedelta(days=3)


@settings(max_examples=25, deadline=None)
@given(zones, times, instants)
def test_one_reminder_per_local_date_for_400_days(zone: ZoneInfo, local_time: time, after: datetime) -> None:
    fired = next_occurrence(local_time, zone, after)
    seen = [local_date_at(fired, zone)]
    for _ in range(400):
        following = next_occurrence(local_time, zone, fired)
        assert following > fired
        seen.append(local_date_at(following, zone))
        fired = following
    assert all(earlier < later for earlier, later in itertools.pairwise(seen))
    # A local date is skipped only when the time fell into a gap that crossed midnight (e.g. Samoa 2011).
    assert all((later - earlier).days <= 2 for earlier, later in itertools.pairwise(seen))


@given(zones, times, instants, st.integers(-5, 60))
def test_pause_properties(zone: ZoneInfo, local_time: time, after: datetime, days_ahead: int) -> None:
    resume = local_date_at(after, zone) + timedelta(days=days_ahead)
    fired = next_occurrence_respecting_pause(local_time, zone, after, resume)
    assert fired > after
    assert local_date_at(fired, zone) >= resume
    # The oracle: step through the unpaused reminders until one is on or after the resume date.
    expected = next_occurrence(local_time, zone, after)
    while local_date_at(expected, zone) < resume:
        expected = next_occurrence(local_time, zone, expected)
    assert fired == expected


def test_samoa_skipped_day_has_no_reminder() -> None:
    apia = ZoneInfo("Pacific/Apia")
    fired = next_occurrence(time(9, 0), apia, utc(2011, 12, 29, 0, 0))  # 28 Dec local afternoon
    dates = [local_date_at(fired, apia)]
    for _ in range(3):
        fired = next_occurrence(time(9, 0), apia, fired)
        dates.append(local_date_at(fired, apia))
    assert dates == [date(2011, 12, 29), date(2011, 12, 31), date(2012, 1, 1), date(2012, 1, 2)]


def test_gap_across_midnight_skips_that_date() -> None:
    nuuk = ZoneInfo("America/Nuuk")
    # 2024-03-30: 23:00 -02:00 jumps to 00:00 -01:00 (Sunday), so Saturday 23:30 does not exist.
    assert occurrence_on(date(2024, 3, 30), time(23, 30), nuuk).astimezone(nuuk).date() == date(2024, 3, 31)
    saturday_noon = datetime(2024, 3, 30, 12, 0, tzinfo=nuuk)
    fired = next_occurrence(time(23, 30), nuuk, saturday_noon)
    assert fired == utc(2024, 4, 1, 0, 30)
    assert fired.astimezone(nuuk).replace(tzinfo=None) == datetime(2024, 3, 31, 23, 30)
    # A time before the jump that Saturday is unaffected.
    assert next_occurrence(time(22, 30), nuuk, saturday_noon) == utc(2024, 3, 31, 0, 30)
