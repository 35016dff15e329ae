"""The coach's side, pure: invite payloads and token hashes, roster facts and attention marks, order and pages."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from bot.domain import coaching as c

TODAY = date(2026, 3, 30)


def days(
    done: list[int], *, befores: dict[int, float] | None = None, safety: list[int] | None = None, shared: int = 60,
    paused: list[int] | None = None, worse: bool = False,
) -> c.ClientDays:  # fmt: skip
    as_dates = frozenset(TODAY - timedelta(days=ago) for ago in done)
    return c.ClientDays(
        today=TODAY,
        shared_from=TODAY - timedelta(days=shared),
        done=as_dates,
        active=as_dates,
        paused=frozenset(TODAY - timedelta(days=ago) for ago in paused or []),
        excused=frozenset(),
        safety=frozenset(TODAY - timedelta(days=ago) for ago in safety or []),
        befores=tuple(sorted((TODAY - timedelta(days=ago), v) for ago, v in (befores or {}).items())),
        worse=worse,
    )


def test_payload_round_trip_and_limits() -> None:
    token = "A" * 32
    payload = c.payload_of(token)
    assert payload == "c" + token and len(payload) <= 64
    assert c.token_of(payload) == token
    for bad in ("", "c", "cshort", "x" + token, "c" + "A" * 64, "c" + "A" * 31 + "!", "c" + "Ä" * 20):
        assert c.token_of(bad) is None
    with pytest.raises(ValueError, match="invite token"):
        c.payload_of("has space in it!!!!")
    assert c.hash_token(token) != token and len(c.hash_token(token)) == 64


def test_a_steady_client_has_no_marks() -> None:
    facts = c.roster_facts(days(list(range(30))))
    assert facts.marks == ()
    assert facts.adherence_7.percent == 100 and facts.adherence_30.percent == 100
    assert facts.streak == 30 and facts.last_session == TODAY


def test_adherence_down_20_points() -> None:
    # 23 earlier days all done, then 5 of the last 7: 71% vs 100% -> down 29 points
    facts = c.roster_facts(days([0, 1, 2, 4, 5, *list(range(7, 30))]))
    assert c.Mark.ADHERENCE_DROP in facts.marks
    # 6 of 7 (86%) is down 14 points: no mark
    assert c.Mark.ADHERENCE_DROP not in c.marks_of(days([0, 1, 2, 3, 4, 5, *list(range(7, 30))]))


def test_inactive_for_three_days_but_not_when_paused_or_just_linked() -> None:
    assert c.Mark.INACTIVE in c.marks_of(days(list(range(3, 30))))
    assert c.Mark.INACTIVE not in c.marks_of(days(list(range(2, 30))))
    assert c.Mark.INACTIVE not in c.marks_of(days(list(range(3, 30)), paused=[0, 1, 2]))
    assert c.Mark.INACTIVE not in c.marks_of(days([], shared=1))


def test_stiffness_jump_and_safety() -> None:
    steady = dict.fromkeys(range(3, 17), 4.0)
    assert c.Mark.STIFFNESS_JUMP not in c.marks_of(days(list(range(30)), befores={**steady, 0: 5.5}))
    assert c.Mark.STIFFNESS_JUMP in c.marks_of(days(list(range(30)), befores={**steady, 1: 6.0}))
    assert c.Mark.STIFFNESS_JUMP in c.marks_of(days(list(range(30)), worse=True))
    assert c.Mark.SAFETY in c.marks_of(days(list(range(30)), safety=[6]))
    assert c.Mark.SAFETY not in c.marks_of(days(list(range(30)), safety=[7]))


def test_roster_order_and_pages() -> None:
    fine = c.roster_facts(days(list(range(30))))
    inactive = c.roster_facts(days(list(range(3, 30))))
    hurt = c.roster_facts(days(list(range(30)), safety=[0]))
    order = c.roster_order([("zed", fine), ("amy", fine), ("bob", inactive), ("cat", hurt)])
    assert order == [3, 2, 1, 0]
    assert c.page_bounds(20, 0) == (0, 8, 0)
    assert c.page_bounds(20, 2) == (16, 20, 2)
    assert c.page_bounds(20, 9) == (16, 20, 2)
    assert c.page_bounds(0, 0) == (0, 0, 0)


def test_a_prescription_changes_only_the_timed_steps() -> None:
    from bot.domain.routine_model import Routine, Step

    routine = Routine("r", "R", "s", 5, (Step("a", "A", "t"), Step("b", "B", "t", reps=3, hold_seconds=30)))
    changed = c.prescribed(routine, {"hold_seconds": 45, "reps": 2})
    assert changed.steps[0] == routine.steps[0]
    assert (changed.steps[1].hold_seconds, changed.steps[1].reps) == (45, 2)
    assert c.prescribed(routine, None) is routine
    assert c.prescribed(routine, {"reps": 1}).steps[1].hold_seconds == 30


def test_next_digest_daily_weekly_and_off() -> None:
    from datetime import UTC, datetime, time
    from zoneinfo import ZoneInfo

    berlin = ZoneInfo("Europe/Berlin")
    after = datetime(2026, 3, 4, 17, 0, tzinfo=UTC)  # a Wednesday, 18:00 in Berlin
    assert c.next_digest("daily", time(18, 0), berlin, after) == datetime(2026, 3, 5, 17, 0, tzinfo=UTC)
    assert c.next_digest("weekly", time(18, 0), berlin, after) == datetime(2026, 3, 9, 17, 0, tzinfo=UTC)
    # across the change to summer time (29 March 2026): 18:00 local is 16:00 UTC
    assert c.next_digest("weekly", time(18, 0), berlin, datetime(2026, 3, 27, tzinfo=UTC)) == datetime(
        2026, 3, 30, 16, 0, tzinfo=UTC
    )
    assert c.next_digest("off", time(18, 0), berlin, after) is None
