from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo, available_timezones

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.config import SettingsError, load_settings
from bot.domain.timezones import (
    ABBREVIATION_ZONES,
    CITY_ZONES,
    TimezoneMatch,
    UnknownTimezone,
    fixed_offset_name,
    is_located_zone,
    parse_timezone,
    resolve_zone,
)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("Europe/Berlin", "Europe/Berlin"),
        ("europe/berlin", "Europe/Berlin"),
        ("  EUROPE/BERLIN ", "Europe/Berlin"),
        ("America/New_York", "America/New_York"),
        ("america/new york", "America/New_York"),
        ("america/port-au-prince", "America/Port-au-Prince"),
        ("US/Eastern", "US/Eastern"),
        ("New York", "America/New_York"),
        ("new york city", "America/New_York"),
        ("NYC", "America/New_York"),
        ("San Francisco", "America/Los_Angeles"),
        ("LA", "America/Los_Angeles"),
        ("los angeles", "America/Los_Angeles"),
        ("Munich", "Europe/Berlin"),
        ("Mumbai", "Asia/Kolkata"),
        ("Delhi", "Asia/Kolkata"),
        ("bangalore", "Asia/Kolkata"),
        ("Beijing", "Asia/Shanghai"),
        ("Shanghai", "Asia/Shanghai"),
        ("Sydney", "Australia/Sydney"),
        ("Melbourne", "Australia/Melbourne"),
        ("Lord Howe", "Australia/Lord_Howe"),
        ("São Paulo", "America/Sao_Paulo"),
        ("sao paulo", "America/Sao_Paulo"),
        ("SÃO PAULO", "America/Sao_Paulo"),
        ("Zürich", "Europe/Zurich"),
        ("Köln", "Europe/Berlin"),
        ("Bogotá", "America/Bogota"),
        ("St. Petersburg", "Europe/Moscow"),
        ("st johns", "America/St_Johns"),
        ("EST", "America/New_York"),
        ("pst", "America/Los_Angeles"),
        ("CET", "Europe/Berlin"),
        ("berlin", "Europe/Berlin"),
        ("kolkata", "Asia/Kolkata"),
        ("Ulaanbaatar", "Asia/Ulaanbaatar"),
        ("asia/calcutta", "Asia/Calcutta"),
    ],
)
def test_named_zones(text: str, zone: str) -> None:
    assert parse_timezone(text) == TimezoneMatch(zone, is_fixed_offset=False)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("+2", "UTC+02:00"),
        ("-5", "UTC-05:00"),
        ("UTC+2", "UTC+02:00"),
        ("utc + 2", "UTC+02:00"),
        ("GMT-3", "UTC-03:00"),
        ("+05:30", "UTC+05:30"),
        ("+5:45", "UTC+05:45"),
        ("+0530", "UTC+05:30"),
        ("UTC+5.30", "UTC+05:30"),
        ("UTC−4", "UTC-04:00"),
        ("-03:30", "UTC-03:30"),
        ("+14", "UTC+14:00"),
        ("-12", "UTC-12:00"),
        ("UTC+0", "UTC"),
        ("-0", "UTC"),
        ("UTC", "UTC"),
        ("gmt", "UTC"),
        ("Z", "UTC"),
    ],
)
def test_offsets(text: str, name: str) -> None:
    assert parse_timezone(text) == TimezoneMatch(name, is_fixed_offset=True)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "nowhere",
        "Atlantis",
        "+15",
        "-13",
        "+5:20",
        "+5:60",
        "UTC+",
        "Etc/GMT-3",
        "europe/",
        "7:15",
    ],
)
def test_unknown(text: str) -> None:
    assert parse_timezone(text) is None


def test_tables_name_real_zones() -> None:
    known = available_timezones()
    for zone in [*CITY_ZONES.values(), *ABBREVIATION_ZONES.values()]:
        assert zone in known, zone
    assert len(CITY_ZONES) >= 120


def test_every_city_key_parses_to_its_zone() -> None:
    for city, zone in CITY_ZONES.items():
        assert parse_timezone(city) == TimezoneMatch(zone, is_fixed_offset=False), city


def test_resolve_iana_and_fixed_names() -> None:
    assert resolve_zone("Europe/Berlin") == ZoneInfo("Europe/Berlin")
    assert resolve_zone("UTC") is UTC
    plus = resolve_zone("UTC+05:30")
    assert plus.utcoffset(None) == timedelta(hours=5, minutes=30)
    assert plus.dst(None) is None
    minus = resolve_zone("UTC-03:00")
    assert minus == timezone(timedelta(hours=-3))
    assert minus.tzname(None) == "UTC-03:00"
    moment = datetime(2024, 7, 1, 12, 0, tzinfo=UTC)
    assert moment.astimezone(resolve_zone("UTC-03:00")).hour == 9


@pytest.mark.parametrize(
    "name",
    [
        "",
        "europe/berlin",
        "Nowhere/City",
        "UTC+5",
        "UTC+15:00",
        "UTC+05:60",
        "+05:30",
        "../etc/passwd",
        "UTC ",
    ],
)
def test_resolve_rejects(name: str) -> None:
    with pytest.raises(UnknownTimezone):
        resolve_zone(name)


def test_fixed_offset_name() -> None:
    assert fixed_offset_name(timedelta(0)) == "UTC"
    assert fixed_offset_name(timedelta(hours=5, minutes=45)) == "UTC+05:45"
    assert fixed_offset_name(-timedelta(hours=9, minutes=30)) == "UTC-09:30"


def test_every_iana_name_is_understood() -> None:
    """Each IANA name parses to a zone that keeps the same clock (abbreviations aside, see the docstring)."""
    probes = [datetime(2024, month, 15, 12, tzinfo=UTC) for month in (1, 4, 7, 10)]
    for zone in sorted(available_timezones()):
        match = parse_timezone(zone)
        if zone.startswith("Etc/GMT") and zone[7:8] in "+-" and zone != "Etc/GMT":
            if zone not in ("Etc/GMT+0", "Etc/GMT-0"):
                assert match is None, zone
            continue
        if not is_located_zone(zone):  # localtime, Factory, EST5EDT...: never stored as such
            assert match is None or match.name != zone or match.is_fixed_offset, zone
            continue
        assert match is not None, zone
        if zone.casefold() in ABBREVIATION_ZONES:
            continue
        ours, theirs = resolve_zone(match.name), ZoneInfo(zone)
        assert [p.astimezone(ours).utcoffset() for p in probes] == [p.astimezone(theirs).utcoffset() for p in probes], (
            zone
        )


@given(st.integers(-12 * 4, 14 * 4), st.sampled_from(["", "UTC", "GMT", "utc ", "gmt "]))
def test_offsets_round_trip(quarters: int, prefix: str) -> None:
    offset = timedelta(minutes=15 * quarters)
    sign = "-" if quarters < 0 else "+"
    minutes = abs(quarters) * 15
    text = f"{prefix}{sign}{minutes // 60}:{minutes % 60:02d}"
    match = parse_timezone(text)
    assert match is not None
    assert match.is_fixed_offset
    assert resolve_zone(match.name).utcoffset(None) == offset


@given(st.text(max_size=30))
def test_never_raises(text: str) -> None:
    match = parse_timezone(text)
    if match is not None:
        resolve_zone(match.name)


@pytest.mark.parametrize(
    "name", ["localtime", "Factory", "posixrules", "EST5EDT", "Etc/GMT+3", "Etc/UTC", "MST", "Universal"]
)
def test_zone_names_without_a_location_are_refused_typed_stored_or_configured(name: str) -> None:
    assert parse_timezone(name) is None or parse_timezone(name).name != name  # type: ignore[union-attr]
    with pytest.raises(UnknownTimezone):
        resolve_zone(name)
    with pytest.raises(SettingsError):
        load_settings(default_timezone=name)


@pytest.mark.parametrize("name", ["Europe/Berlin", "US/Eastern", "Japan", "America/Argentina/Buenos_Aires"])
def test_zones_of_places_are_accepted(name: str) -> None:
    assert is_located_zone(name)
    resolve_zone(name)
    assert load_settings(default_timezone=name).default_timezone == name
