import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.rating_text import RatingKind, RatingParse, parse_rating

OK, OUT, AMB, NOT = RatingKind.OK, RatingKind.OUT_OF_RANGE, RatingKind.AMBIGUOUS, RatingKind.NOT_A_RATING

CASES: list[tuple[str, RatingKind, float | None]] = [
    # plain and decorated ratings
    ("6", OK, 6),
    (" 6 ", OK, 6),
    ("0", OK, 0),
    ("10", OK, 10),
    ("6/10", OK, 6),
    ("6 / 10", OK, 6),
    ("6 out of 10", OK, 6),
    ("6 of 10", OK, 6),
    ("10/10", OK, 10),
    ("stiffness 6", OK, 6),
    ("stiffness: 6", OK, 6),
    ("Stiffness: 6.", OK, 6),
    ("my back is a 7 today", OK, 7),
    ("it's a 3!", OK, 3),
    ("6, yes 6", OK, 6),
    ("after 20 minutes of stretching it's a 4", OK, 4),
    ("2024-05-10 was a 5", OK, 5),
    # words
    ("seven", OK, 7),
    ("Ten", OK, 10),
    ("zero", OK, 0),
    ("a six out of ten", OK, 6),
    ("the left one is a 4", OK, 4),
    # halves and rounding
    ("7 and a half", OK, 7.5),
    ("seven and a half", OK, 7.5),
    ("7.5", OK, 7.5),
    ("7,5", OK, 7.5),
    ("7½", OK, 7.5),
    ("7 ½", OK, 7.5),
    ("½", OK, 0.5),
    (".5", OK, 0.5),
    ("6.5/10", OK, 6.5),
    ("7.3", OK, 7.5),
    ("6.2", OK, 6.0),
    ("7.25", OK, 7.5),
    ("7.74", OK, 7.5),
    ("9.9", OK, 10.0),
    ("0.1", OK, 0.0),
    ("7.15", OK, 7.0),
    # out of range (value as typed)
    ("11", OUT, 11),
    ("15/10", OUT, 15),
    ("-1", OUT, -1),
    ("minus 2", OUT, -2),
    ("12 today", OUT, 12),
    ("twelve", OUT, 12),
    ("10.2", OUT, 10.2),
    ("100", OUT, 100),
    # ambiguous
    ("6 or 7", AMB, None),
    ("six or seven", AMB, None),
    ("between 5 and 6", AMB, None),
    ("6-7", AMB, None),
    ("6 - 7", AMB, None),
    ("6–7", AMB, None),
    ("7.5-8", AMB, None),
    ("it was 5 two days ago now 6", AMB, None),
    ("before 7 after 5", AMB, None),
    ("3/5", AMB, None),
    ("6/10 today, 8/10 yesterday", AMB, None),
    # not a rating
    ("hello", NOT, None),
    ("thanks", NOT, None),
    ("", NOT, None),
    ("   ", NOT, None),
    ("the left one", NOT, None),
    ("7:15", NOT, None),
    ("7h15", NOT, None),
    ("7am", NOT, None),
    ("7 pm", NOT, None),
    ("7:15 a.m.", NOT, None),
    ("5/10/2024", NOT, None),
    ("2024-05-10", NOT, None),
    ("10.5.2024", NOT, None),
    ("3 May", NOT, None),
    ("may 3rd", NOT, None),
    ("5th", NOT, None),
    ("20 minutes", NOT, None),
    ("twenty minutes", NOT, None),
    ("2 days", NOT, None),
    ("50%", NOT, None),
    ("3x", NOT, None),
]


def test_table_is_big_enough() -> None:
    assert len(CASES) >= 40
    assert {kind for _, kind, _ in CASES} == set(RatingKind)


@pytest.mark.parametrize(("text", "kind", "value"), CASES)
def test_parse_rating_table(text: str, kind: RatingKind, value: float | None) -> None:
    result = parse_rating(text)
    assert result.kind is kind, result
    assert result.value == value


def test_ambiguous_lists_candidates() -> None:
    assert parse_rating("6 or 7") == RatingParse(RatingKind.AMBIGUOUS, None, (6.0, 7.0))
    assert parse_rating("between 5 and 6").candidates == (5.0, 6.0)
    assert parse_rating("6-7").candidates == (6.0, 7.0)


half_points = st.integers(0, 20).map(lambda n: n / 2)


def spell(value: float, comma: bool) -> str:
    text = str(int(value)) if value.is_integer() else str(value)
    return text.replace(".", ",") if comma else text


@given(
    half_points,
    st.booleans(),
    st.sampled_from(["{}", " {} ", "{}/10", "{} / 10", "{} out of 10", "stiffness: {}", "my back is a {} today"]),
)
def test_half_points_read_back(value: float, comma: bool, template: str) -> None:
    assert parse_rating(template.format(spell(value, comma))) == RatingParse(RatingKind.OK, value)


@given(st.floats(0, 10, allow_nan=False).map(lambda x: round(x, 2)))
def test_decimals_round_to_nearest_half(value: float) -> None:
    result = parse_rating(f"{value:.2f}")
    assert result.kind is RatingKind.OK
    assert result.value is not None
    assert abs(result.value - value) <= 0.25
    assert (result.value * 2).is_integer()


@given(st.integers(11, 10_000), st.sampled_from(["{}", "{}/10", "about {} today"]))
def test_big_numbers_are_out_of_range(value: int, template: str) -> None:
    assert parse_rating(template.format(value)) == RatingParse(RatingKind.OUT_OF_RANGE, float(value))


@given(st.integers(0, 10), st.integers(0, 10), st.sampled_from(["{} or {}", "{}-{}", "between {} and {}"]))
def test_two_different_numbers_are_ambiguous(first: int, second: int, template: str) -> None:
    result = parse_rating(template.format(first, second))
    if first == second and "-" not in template:
        assert result == RatingParse(RatingKind.OK, float(first))
    else:
        assert result.kind is RatingKind.AMBIGUOUS


# No digits, and no e, i, l, n, o, t or u: no number word can be spelled.
@given(st.text(alphabet="abcdfghjkmpqrsvwxyz !?.,'\n", max_size=40))
def test_text_without_numbers_is_not_a_rating(text: str) -> None:
    assert parse_rating(text) == RatingParse(RatingKind.NOT_A_RATING)


@given(st.text(max_size=40))
def test_never_raises_and_keeps_invariants(text: str) -> None:
    result = parse_rating(text)
    if result.kind is RatingKind.OK:
        assert result.value is not None
        assert 0 <= result.value <= 10
        assert (result.value * 2).is_integer()
    elif result.kind is RatingKind.OUT_OF_RANGE:
        assert result.value is not None
        assert not 0 <= result.value <= 10
    elif result.kind is RatingKind.AMBIGUOUS:
        assert result.value is None
        assert result.candidates
    else:
        assert result.value is None
