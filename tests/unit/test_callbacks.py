"""Callback data: typed, versioned, at most 64 bytes, and never trusted."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

import bot.handlers  # noqa: F401  (registers every callback type)
from bot.ui.callbacks import MAX_BYTES, CallbackData, CallbackDataError, registered_prefixes, unpack, unpack_as
from bot.ui.callbacks_reminders import ReminderRate
from bot.ui.callbacks_settings import ChangeSetting, PickTime


def test_round_trip() -> None:
    for data in (PickTime("0715"), ChangeSetting("zone"), ReminderRate(123456789, 7)):
        packed = data.pack()
        assert packed.startswith("1|")
        assert unpack(packed) == data


def test_typed_fields_are_checked() -> None:
    assert unpack("1|rr|12|7") == ReminderRate(12, 7)
    assert unpack("1|rr|twelve|7") is None
    assert unpack("1|rr|-12|7") is None  # ids and counts are never negative
    assert unpack(f"1|rr|{2**31}|7") is None  # beyond a 32-bit INTEGER id (PostgreSQL would refuse it)
    assert unpack(f"1|rr|{2**31 - 1}|7") == ReminderRate(2**31 - 1, 7)
    assert unpack("1|rr|１２|7") is None  # non-ASCII digits
    assert unpack("1|oc|everything") is None  # not one of the allowed literals
    assert unpack("1|rr|12") is None
    assert unpack("1|rr|12|7|8") is None
    assert unpack("9|rr|12|7") is None  # unknown version
    assert unpack("1|zz|1") is None  # unknown prefix
    assert unpack_as("1|rr|12|7", PickTime) is None


def test_over_64_bytes_is_refused_both_ways() -> None:
    with pytest.raises(CallbackDataError):
        PickTime("x" * 70).pack()
    assert unpack("1|ot|" + "x" * 70) is None


def test_prefixes_are_unique_and_data_fits() -> None:
    prefixes = registered_prefixes()
    assert len(prefixes) >= 10
    with pytest.raises(TypeError, match="used twice"):

        @dataclass(frozen=True)
        class Clash(CallbackData):
            prefix = "ot"
            value: int


@given(st.text(max_size=80))
def test_garbage_never_raises(data: str) -> None:
    result = unpack(data)
    assert result is None or len(result.pack().encode()) <= MAX_BYTES
