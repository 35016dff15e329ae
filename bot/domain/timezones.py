"""Turning what a user types about where they are into a time zone name, and zone names into `tzinfo`.

`parse_timezone` tries, in order (matching ignores case, accents, extra spaces; ``_``, ``-`` and ``.`` in
names may be typed as spaces):

1. UTC offsets: ``+2``, ``-5``, ``UTC+2``, ``GMT-3``, ``+05:30``, ``+5:45``, ``+0530``, ``UTC+0``, and
   ``UTC``, ``GMT``, ``Z`` alone. They become fixed-offset names ``UTC+05:30`` / ``UTC-03:00``, or ``UTC``
   for zero (``is_fixed_offset`` True: such a zone never changes for daylight saving time). Offsets run
   from -12:00 to +14:00; the minutes must be 00, 15, 30 or 45. ``GMT-3`` means three hours *behind* UTC
   (the everyday reading, not the inverted POSIX ``Etc/GMT-3`` one).
2. Everyday abbreviations that people use for one region's clock, daylight saving time included:
   ``EST``/``ET`` -> America/New_York, ``PST`` -> America/Los_Angeles, ``CET`` -> Europe/Berlin,
   ``IST`` -> Asia/Kolkata, ... (`ABBREVIATION_ZONES`; checked before IANA names because the legacy IANA
   zones ``EST``, ``MST``, ``HST`` are fixed offsets, which is not what people mean).
3. Big cities (`CITY_ZONES`: about 180 names and nicknames, worldwide), including those whose IANA name is
   another city (``Munich`` -> Europe/Berlin, ``Bangalore`` -> Asia/Kolkata) and nicknames (``NYC``,
   ``LA``).
4. IANA names of places: ``Europe/Berlin``, ``europe/berlin``, ``america/new york``, ``US/Eastern``. Names
   without a location are not (`is_located_zone`): ``localtime`` (the server's own zone), ``Factory``, the POSIX
   ``Etc/GMT±N`` (their sign is inverted, which misleads more than it helps), ``EST5EDT`` and the like.
5. The city part of any IANA name, when it names exactly one zone: ``berlin``, ``kolkata``, ``lord howe``.

`resolve_zone` turns a stored name (an IANA name, or one of the ``UTC±HH:MM`` names above) into a `tzinfo`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import UTC, timedelta, timezone, tzinfo
from functools import cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones


@dataclass(frozen=True, slots=True)
class TimezoneMatch:
    """A zone name to store: an IANA name, or a fixed offset ``UTC±HH:MM`` / ``UTC``."""

    name: str
    is_fixed_offset: bool


class UnknownTimezone(ValueError):
    """The name is neither an IANA zone nor a ``UTC±HH:MM`` fixed-offset name."""


#: Abbreviations that, in everyday use, name one region's clock (including its daylight saving time).
ABBREVIATION_ZONES: dict[str, str] = {
    "est": "America/New_York",
    "edt": "America/New_York",
    "et": "America/New_York",
    "cst": "America/Chicago",
    "cdt": "America/Chicago",
    "ct": "America/Chicago",
    "mst": "America/Denver",
    "mdt": "America/Denver",
    "mt": "America/Denver",
    "pst": "America/Los_Angeles",
    "pdt": "America/Los_Angeles",
    "pt": "America/Los_Angeles",
    "akst": "America/Anchorage",
    "hst": "Pacific/Honolulu",
    "bst": "Europe/London",
    "wet": "Europe/Lisbon",
    "cet": "Europe/Berlin",
    "cest": "Europe/Berlin",
    "eet": "Europe/Athens",
    "eest": "Europe/Athens",
    "msk": "Europe/Moscow",
    "ist": "Asia/Kolkata",
    "pkt": "Asia/Karachi",
    "sgt": "Asia/Singapore",
    "hkt": "Asia/Hong_Kong",
    "jst": "Asia/Tokyo",
    "kst": "Asia/Seoul",
    "aest": "Australia/Sydney",
    "aedt": "Australia/Sydney",
    "acst": "Australia/Adelaide",
    "awst": "Australia/Perth",
    "nzst": "Pacific/Auckland",
    "nzdt": "Pacific/Auckland",
}

#: Big cities and nicknames -> IANA zone. Keys are written naturally; they are normalized on lookup.
CITY_ZONES: dict[str, str] = {
    # North America
    "New York": "America/New_York",
    "NYC": "America/New_York",
    "New York City": "America/New_York",
    "Manhattan": "America/New_York",
    "Brooklyn": "America/New_York",
    "Boston": "America/New_York",
    "Philadelphia": "America/New_York",
    "Washington": "America/New_York",
    "Washington DC": "America/New_York",
    "DC": "America/New_York",
    "Atlanta": "America/New_York",
    "Miami": "America/New_York",
    "Orlando": "America/New_York",
    "Detroit": "America/Detroit",
    "Toronto": "America/Toronto",
    "Montreal": "America/Toronto",
    "Ottawa": "America/Toronto",
    "Chicago": "America/Chicago",
    "Houston": "America/Chicago",
    "Dallas": "America/Chicago",
    "Austin": "America/Chicago",
    "San Antonio": "America/Chicago",
    "Minneapolis": "America/Chicago",
    "New Orleans": "America/Chicago",
    "Winnipeg": "America/Winnipeg",
    "Mexico City": "America/Mexico_City",
    "Guadalajara": "America/Mexico_City",
    "Monterrey": "America/Monterrey",
    "Denver": "America/Denver",
    "Salt Lake City": "America/Denver",
    "Calgary": "America/Edmonton",
    "Edmonton": "America/Edmonton",
    "Phoenix": "America/Phoenix",
    "Los Angeles": "America/Los_Angeles",
    "LA": "America/Los_Angeles",
    "San Francisco": "America/Los_Angeles",
    "SF": "America/Los_Angeles",
    "San Diego": "America/Los_Angeles",
    "San Jose": "America/Los_Angeles",
    "Seattle": "America/Los_Angeles",
    "Portland": "America/Los_Angeles",
    "Las Vegas": "America/Los_Angeles",
    "Vancouver": "America/Vancouver",
    "Anchorage": "America/Anchorage",
    "Honolulu": "Pacific/Honolulu",
    "Hawaii": "Pacific/Honolulu",
    "Halifax": "America/Halifax",
    "St Johns": "America/St_Johns",
    "Havana": "America/Havana",
    "Panama": "America/Panama",
    "San Juan": "America/Puerto_Rico",
    # South America
    "Sao Paulo": "America/Sao_Paulo",
    "Rio de Janeiro": "America/Sao_Paulo",
    "Rio": "America/Sao_Paulo",
    "Brasilia": "America/Sao_Paulo",
    "Buenos Aires": "America/Argentina/Buenos_Aires",
    "Santiago": "America/Santiago",
    "Lima": "America/Lima",
    "Bogota": "America/Bogota",
    "Caracas": "America/Caracas",
    "Quito": "America/Guayaquil",
    "Montevideo": "America/Montevideo",
    # Europe
    "London": "Europe/London",
    "Manchester": "Europe/London",
    "Edinburgh": "Europe/London",
    "Dublin": "Europe/Dublin",
    "Lisbon": "Europe/Lisbon",
    "Porto": "Europe/Lisbon",
    "Madrid": "Europe/Madrid",
    "Barcelona": "Europe/Madrid",
    "Paris": "Europe/Paris",
    "Brussels": "Europe/Brussels",
    "Amsterdam": "Europe/Amsterdam",
    "Berlin": "Europe/Berlin",
    "Munich": "Europe/Berlin",
    "Hamburg": "Europe/Berlin",
    "Frankfurt": "Europe/Berlin",
    "Cologne": "Europe/Berlin",
    "Koln": "Europe/Berlin",
    "Zurich": "Europe/Zurich",
    "Geneva": "Europe/Zurich",
    "Vienna": "Europe/Vienna",
    "Rome": "Europe/Rome",
    "Milan": "Europe/Rome",
    "Naples": "Europe/Rome",
    "Prague": "Europe/Prague",
    "Warsaw": "Europe/Warsaw",
    "Krakow": "Europe/Warsaw",
    "Budapest": "Europe/Budapest",
    "Copenhagen": "Europe/Copenhagen",
    "Stockholm": "Europe/Stockholm",
    "Oslo": "Europe/Oslo",
    "Helsinki": "Europe/Helsinki",
    "Athens": "Europe/Athens",
    "Bucharest": "Europe/Bucharest",
    "Sofia": "Europe/Sofia",
    "Belgrade": "Europe/Belgrade",
    "Kyiv": "Europe/Kyiv",
    "Kiev": "Europe/Kyiv",
    "Istanbul": "Europe/Istanbul",
    "Ankara": "Europe/Istanbul",
    "Moscow": "Europe/Moscow",
    "St Petersburg": "Europe/Moscow",
    "Saint Petersburg": "Europe/Moscow",
    "Minsk": "Europe/Minsk",
    "Reykjavik": "Atlantic/Reykjavik",
    # Africa and the Middle East
    "Cairo": "Africa/Cairo",
    "Lagos": "Africa/Lagos",
    "Accra": "Africa/Accra",
    "Casablanca": "Africa/Casablanca",
    "Algiers": "Africa/Algiers",
    "Tunis": "Africa/Tunis",
    "Nairobi": "Africa/Nairobi",
    "Addis Ababa": "Africa/Addis_Ababa",
    "Johannesburg": "Africa/Johannesburg",
    "Cape Town": "Africa/Johannesburg",
    "Kinshasa": "Africa/Kinshasa",
    "Tel Aviv": "Asia/Jerusalem",
    "Jerusalem": "Asia/Jerusalem",
    "Beirut": "Asia/Beirut",
    "Amman": "Asia/Amman",
    "Baghdad": "Asia/Baghdad",
    "Riyadh": "Asia/Riyadh",
    "Jeddah": "Asia/Riyadh",
    "Dubai": "Asia/Dubai",
    "Abu Dhabi": "Asia/Dubai",
    "Doha": "Asia/Qatar",
    "Tehran": "Asia/Tehran",
    # Asia
    "Karachi": "Asia/Karachi",
    "Lahore": "Asia/Karachi",
    "Kabul": "Asia/Kabul",
    "Tashkent": "Asia/Tashkent",
    "Almaty": "Asia/Almaty",
    "Mumbai": "Asia/Kolkata",
    "Bombay": "Asia/Kolkata",
    "Delhi": "Asia/Kolkata",
    "New Delhi": "Asia/Kolkata",
    "Bangalore": "Asia/Kolkata",
    "Bengaluru": "Asia/Kolkata",
    "Chennai": "Asia/Kolkata",
    "Hyderabad": "Asia/Kolkata",
    "Kolkata": "Asia/Kolkata",
    "Calcutta": "Asia/Kolkata",
    "Pune": "Asia/Kolkata",
    "Colombo": "Asia/Colombo",
    "Kathmandu": "Asia/Kathmandu",
    "Dhaka": "Asia/Dhaka",
    "Yangon": "Asia/Yangon",
    "Bangkok": "Asia/Bangkok",
    "Hanoi": "Asia/Bangkok",
    "Ho Chi Minh City": "Asia/Ho_Chi_Minh",
    "Saigon": "Asia/Ho_Chi_Minh",
    "Kuala Lumpur": "Asia/Kuala_Lumpur",
    "Singapore": "Asia/Singapore",
    "Jakarta": "Asia/Jakarta",
    "Manila": "Asia/Manila",
    "Hong Kong": "Asia/Hong_Kong",
    "Beijing": "Asia/Shanghai",
    "Shanghai": "Asia/Shanghai",
    "Shenzhen": "Asia/Shanghai",
    "Guangzhou": "Asia/Shanghai",
    "Taipei": "Asia/Taipei",
    "Seoul": "Asia/Seoul",
    "Tokyo": "Asia/Tokyo",
    "Osaka": "Asia/Tokyo",
    "Vladivostok": "Asia/Vladivostok",
    # Oceania
    "Sydney": "Australia/Sydney",
    "Canberra": "Australia/Sydney",
    "Melbourne": "Australia/Melbourne",
    "Brisbane": "Australia/Brisbane",
    "Adelaide": "Australia/Adelaide",
    "Darwin": "Australia/Darwin",
    "Perth": "Australia/Perth",
    "Hobart": "Australia/Hobart",
    "Lord Howe": "Australia/Lord_Howe",
    "Lord Howe Island": "Australia/Lord_Howe",
    "Auckland": "Pacific/Auckland",
    "Wellington": "Pacific/Auckland",
    "Fiji": "Pacific/Fiji",
    "Suva": "Pacific/Fiji",
}

_MIN_OFFSET = timedelta(hours=-12)
_MAX_OFFSET = timedelta(hours=14)
_OFFSET = re.compile(r"(?:utc|gmt)?\s*(?P<sign>[+-])\s*(?P<h>\d{1,2})(?:\s*[:.h]?\s*(?P<m>\d{2}))?")
_ZERO_OFFSET_WORDS = frozenset({"utc", "gmt", "z", "zulu", "utc0", "gmt0"})
_FIXED_NAME = re.compile(r"UTC(?P<sign>[+-])(?P<h>\d{2}):(?P<m>\d{2})")
_ETC_GMT = re.compile(r"Etc/GMT[+-]\d+")
# IANA's names for places that are not Area/City: backward-compatible links to a located zone (Japan -> Asia/Tokyo).
_PLACE_LINKS = frozenset(
    {
        "Cuba", "Egypt", "Eire", "GB", "GB-Eire", "Hongkong", "Iceland", "Iran", "Israel", "Jamaica", "Japan",
        "Kwajalein", "Libya", "NZ", "NZ-CHAT", "Navajo", "PRC", "Poland", "Portugal", "ROC", "ROK", "Singapore",
        "Turkey", "W-SU",
    }
)  # fmt: skip


def is_located_zone(name: str) -> bool:
    """Whether `name` is an IANA zone of a place (Europe/Berlin, US/Eastern, Japan), not one of the names without a
    location: ``localtime`` (the host's own zone: it would follow the server), ``Factory``, ``posixrules``, the
    ``Etc/`` zones, the POSIX-rule zones (``EST5EDT``, ``CET``, ``MST``...), ``posix/`` and ``right/`` copies."""
    if name in _PLACE_LINKS:
        return True
    area, slash, _city = name.partition("/")
    return bool(slash) and area not in {"Etc", "posix", "right", "SystemV"}


def _fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: ``"São_Paulo "`` -> ``"sao paulo"``."""
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    spaced = re.sub(r"[_\-.,'’]", " ", stripped.casefold())
    return " ".join(spaced.split())


def _fold_path(text: str) -> str:
    """Like `_fold`, keeping the slashes of an IANA path (with no spaces around them)."""
    return "/".join(_fold(part) for part in text.split("/"))


@cache
def _iana_index() -> tuple[dict[str, str], dict[str, str]]:
    """(folded full name -> name, folded last component -> name for components naming exactly one zone)."""
    names = sorted(name for name in available_timezones() if is_located_zone(name))
    full = {_fold_path(name): name for name in names}
    by_city: dict[str, set[str]] = {}
    for name in names:
        if "/" in name:
            by_city.setdefault(_fold(name.rsplit("/", 1)[1]), set()).add(name)
    unique = {city: next(iter(zones)) for city, zones in by_city.items() if len(zones) == 1}
    return full, unique


_CITY_INDEX: dict[str, str] = {_fold(city): zone for city, zone in CITY_ZONES.items()}


def fixed_offset_name(offset: timedelta) -> str:
    """``UTC+05:30`` / ``UTC-03:00`` / ``UTC`` for a whole-minute offset."""
    if offset == timedelta(0):
        return "UTC"
    sign = "+" if offset > timedelta(0) else "-"
    minutes = abs(offset) // timedelta(minutes=1)
    return f"UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _parse_offset(folded: str) -> TimezoneMatch | None:
    compact = folded.replace(" ", "")
    if compact in _ZERO_OFFSET_WORDS:
        return TimezoneMatch("UTC", is_fixed_offset=True)
    match = _OFFSET.fullmatch(folded.replace("−", "-"))
    if match is None:
        return None
    hours, minutes = int(match["h"]), int(match["m"] or 0)
    if minutes not in (0, 15, 30, 45):
        return None
    offset = timedelta(hours=hours, minutes=minutes)
    if match["sign"] == "-":
        offset = -offset
    if not _MIN_OFFSET <= offset <= _MAX_OFFSET:
        return None
    return TimezoneMatch(fixed_offset_name(offset), is_fixed_offset=True)


def parse_timezone(text: str) -> TimezoneMatch | None:
    """Read a time zone from user text (see the module docstring for the order of attempts), or None."""
    raw = text.strip()
    if not raw:
        return None
    # Offsets keep their "-" sign, so they are read before "-" is folded into a space.
    offset = _parse_offset(" ".join(raw.casefold().replace("−", "-").split()))
    if offset is not None:
        return offset
    folded = _fold(raw)
    for table in (ABBREVIATION_ZONES, _CITY_INDEX):
        if folded in table:
            return TimezoneMatch(table[folded], is_fixed_offset=False)
    full, by_city = _iana_index()
    folded_path = _fold_path(raw)
    if folded_path in full:
        return TimezoneMatch(full[folded_path], is_fixed_offset=False)
    if folded in by_city:
        return TimezoneMatch(by_city[folded], is_fixed_offset=False)
    return None


def resolve_zone(name: str) -> tzinfo:
    """The `tzinfo` for a stored zone name: ``UTC``, ``UTC±HH:MM`` (fixed offsets) or an IANA name.

    Raises `UnknownTimezone` for anything else (including IANA names in the wrong letter case).
    """
    if name == "UTC":
        return UTC
    fixed = _FIXED_NAME.fullmatch(name)
    if fixed is not None:
        hours, minutes = int(fixed["h"]), int(fixed["m"])
        offset = timedelta(hours=hours, minutes=minutes)
        if fixed["sign"] == "-":
            offset = -offset
        if minutes >= 60 or not _MIN_OFFSET <= offset <= _MAX_OFFSET:
            raise UnknownTimezone(name)
        return timezone(offset, fixed_offset_name(offset))
    if name not in available_timezones_cached() or not is_located_zone(name):
        raise UnknownTimezone(name)  # `localtime` and `Factory` too: they name no place
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise UnknownTimezone(name) from error


@cache
def available_timezones_cached() -> frozenset[str]:
    """All IANA names this installation knows (scanning them is slow, so it is done once)."""
    return frozenset(available_timezones())
