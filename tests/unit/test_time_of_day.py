from datetime import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.time_of_day import TimeParseError, format_time_of_day, parse_time_of_day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("7:15", time(7, 15)),
        ("07:15", time(7, 15)),
        ("7.15", time(7, 15)),
        ("7h15", time(7, 15)),
        ("7:15am", time(7, 15)),
        ("7:15 am", time(7, 15)),
        ("7:15 a.m.", time(7, 15)),
        ("7:15 A.M.", time(7, 15)),
        ("7:15pm", time(19, 15)),
        ("7am", time(7, 0)),
        ("7 pm", time(19, 0)),
        ("7 PM", time(19, 0)),
        ("7p.m.", time(19, 0)),
        ("12am", time(0, 0)),
        ("12pm", time(12, 0)),
        ("12:30am", time(0, 30)),
        ("12:30 pm", time(12, 30)),
        ("19:30", time(19, 30)),
        ("1930", time(19, 30)),
        ("0715", time(7, 15)),
        ("715", time(7, 15)),
        ("715pm", time(19, 15)),
        ("  7:15  ", time(7, 15)),
        ("7", time(7, 0)),
        ("7h", time(7, 0)),
        ("0:00", time(0, 0)),
        ("23:59", time(23, 59)),
        ("00:00", time(0, 0)),
        ("Noon", time(12, 0)),
        ("midnight", time(0, 0)),
        ("7 : 15", time(7, 15)),
    ],
)
def test_accepted_forms(text: str, expected: time) -> None:
    assert parse_time_of_day(text) == expected


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("25:00", TimeParseError.HOUR_OUT_OF_RANGE),
        ("24:00", TimeParseError.HOUR_OUT_OF_RANGE),
        ("13pm", TimeParseError.HOUR_OUT_OF_RANGE),
        ("0am", TimeParseError.HOUR_OUT_OF_RANGE),
        ("19:30pm", TimeParseError.HOUR_OUT_OF_RANGE),
        ("2500", TimeParseError.HOUR_OUT_OF_RANGE),
        ("7:60", TimeParseError.MINUTE_OUT_OF_RANGE),
        ("0760", TimeParseError.MINUTE_OUT_OF_RANGE),
        ("7:99am", TimeParseError.MINUTE_OUT_OF_RANGE),
        ("tomorrow", TimeParseError.UNREADABLE),
        ("7:1", TimeParseError.UNREADABLE),
        ("7:150", TimeParseError.UNREADABLE),
        ("12345", TimeParseError.UNREADABLE),
        ("7:15 xm", TimeParseError.UNREADABLE),
        ("-7:15", TimeParseError.UNREADABLE),
        ("seven", TimeParseError.UNREADABLE),
        ("", TimeParseError.EMPTY),
        ("   ", TimeParseError.EMPTY),
    ],
)
def test_rejected_forms(text: str, reason: TimeParseError) -> None:
    assert parse_time_of_day(text) is reason


@pytest.mark.parametrize(
    ("value", "text"),
    [(time(7, 15), "07:15"), (time(0, 0), "00:00"), (time(23, 5), "23:05"), (time(12, 0, 59), "12:00")],
)
def test_format(value: time, text: str) -> None:
    assert format_time_of_day(value) == text


times = st.builds(time, st.integers(0, 23), st.integers(0, 59))


@given(times)
def test_format_round_trips(value: time) -> None:
    assert parse_time_of_day(format_time_of_day(value)) == value


TWELVE_HOUR_TEMPLATES = ["{h}:{m:02d}{sp}{mer}", "{h}.{m:02d}{sp}{mer}", "{h}{m:02d}{sp}{mer}"]


@given(times, st.sampled_from(TWELVE_HOUR_TEMPLATES), st.booleans())
def test_twelve_hour_forms_round_trip(value: time, template: str, spaced: bool) -> None:
    hour12 = value.hour % 12 or 12
    meridiem = "pm" if value.hour >= 12 else "am"
    text = template.format(h=hour12, m=value.minute, sp=" " if spaced else "", mer=meridiem)
    assert parse_time_of_day(text) == value


@given(st.text(max_size=20))
def test_never_raises(text: str) -> None:
    result = parse_time_of_day(text)
    assert isinstance(result, time | TimeParseError)
