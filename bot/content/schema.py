"""The schema of the files in `content/` (pydantic), so a coach's typo is caught at start with a clear message."""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.domain.pain_text import phrase_problem

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]{0,31}$")]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepFile(_Strict):
    id: Identifier
    title: str = Field(min_length=1, max_length=80)
    text: str = Field(min_length=1, max_length=1500)
    per_side: bool = False
    reps: int = Field(default=1, ge=1, le=10)
    hold_seconds: int | None = Field(default=None, ge=5, le=600)
    rest_seconds: int = Field(default=0, ge=0, le=300)
    halfway_cue: bool = True
    get_ready_seconds: int | None = Field(default=None, ge=0, le=120)
    image: str | None = Field(default=None, min_length=1, max_length=500)  # a file under content/ or a URL


class GentleFile(_Strict):
    reps: int = Field(default=2, ge=1, le=10)
    hold_scale: float = Field(default=0.6, gt=0, le=1)


class RoutineFile(_Strict):
    id: Identifier
    title: str = Field(min_length=1, max_length=80)
    summary: str = Field(min_length=1, max_length=500)
    minutes: int = Field(ge=1, le=60)
    video_url: str | None = None
    sides: list[Annotated[str, Field(pattern=r"^(left|right)$")]] = Field(
        default_factory=lambda: ["left", "right"], min_length=1, max_length=2
    )
    gentle: GentleFile = Field(default_factory=GentleFile)
    get_ready_seconds: int = Field(default=10, ge=0, le=120)
    switch_seconds: int = Field(default=20, ge=0, le=120)
    switch_image: str | None = Field(default=None, min_length=1, max_length=500)
    steps: list[StepFile] = Field(min_length=1, max_length=30)

    @field_validator("video_url")
    @classmethod
    def _url(cls, value: str | None) -> str | None:
        if value is None or value.strip() == "":
            return None
        if not re.match(r"^https?://\S+$", value.strip()):
            raise ValueError("expected an http(s) link, or leave it empty")
        return value.strip()

    @model_validator(mode="after")
    def _unique_steps(self) -> RoutineFile:
        seen: set[str] = set()
        for step in self.steps:
            if step.id in seen:
                raise ValueError(f"step id {step.id!r} is used twice; each step needs its own id")
            seen.add(step.id)
        return self


class SafetyFile(_Strict):
    above_median: float = Field(default=3, ge=0, le=10)
    absolute: float = Field(default=8, ge=0, le=10)
    min_history: int = Field(default=3, ge=0, le=30)
    median_days: int = Field(default=14, ge=1, le=90)


class OutcomesFile(_Strict):
    """The outcome questions: when the morning-stiffness question comes, and its buttons (minutes)."""

    stiffness_delay_minutes: int = Field(default=90, ge=0, le=8 * 60)
    stiffness_buttons: list[Annotated[int, Field(ge=0, le=120)]] = Field(
        default_factory=lambda: [0, 15, 30, 60, 90, 120], min_length=2, max_length=8
    )


def _phrases(values: list[str]) -> list[str]:
    for value in values:
        problem = phrase_problem(value)
        if problem is not None:
            raise ValueError(f"{value!r}: {problem}")
    return values


class SafetyWordsFile(_Strict):
    """`content/locales/*/safety_words.yaml`: what reports pain or a warning sign (syntax: `bot.domain.pain_text`)."""

    red_flag: list[str] = Field(min_length=1)
    warning: list[str] = Field(min_length=1)
    pain: list[str] = Field(min_length=1)
    negations: list[str] = Field(min_length=1)
    negations_after: list[str] = Field(default_factory=list)
    defuse: list[str] = Field(default_factory=list)
    ignore: list[str] = Field(default_factory=list)

    @field_validator("red_flag", "warning", "pain")
    @classmethod
    def _valid_phrases(cls, values: list[str]) -> list[str]:
        return _phrases(values)


class RangeFile(_Strict):
    min: int = Field(ge=1, le=600)
    max: int = Field(ge=1, le=600)
    step: int = Field(default=1, ge=1, le=60)

    @model_validator(mode="after")
    def _ordered(self) -> RangeFile:
        if self.min > self.max:
            raise ValueError("min must not be above max")
        return self


_Time = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]


class CoachingFile(_Strict):
    """The coach's side: how long an invite link is valid, the bounds of a prescription, the digest's times."""

    invite_days: int = Field(default=7, ge=1, le=60)
    hold_seconds: RangeFile = Field(default_factory=lambda: RangeFile(min=15, max=90, step=5))
    reps: RangeFile = Field(default_factory=lambda: RangeFile(min=1, max=6))
    reminders_max: int = Field(default=2, ge=1, le=2)
    second_reminder: _Time = "18:00"
    digest_times: list[_Time] = Field(
        default_factory=lambda: ["07:00", "12:00", "18:00", "20:00"], min_length=1, max_length=6
    )


class CoachFile(_Strict):
    """`content/coach.yaml`: behaviour a coach may tune."""

    default_routine: Identifier = "pigeon"
    reminder_time_presets: list[Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]] = Field(
        min_length=1, max_length=8
    )
    timezone_buttons: list[str] = Field(min_length=1, max_length=12)
    snooze_minutes_options: list[Annotated[int, Field(ge=1, le=240)]] = Field(min_length=1, max_length=6)
    default_snooze_minutes: int = Field(default=15, ge=1, le=240)
    skip_reasons: list[Identifier] = Field(min_length=1, max_length=8)
    rating_correction_minutes: int = Field(default=30, ge=1, le=24 * 60)
    live_update_seconds: int = Field(default=10, ge=5, le=60)
    safety: SafetyFile = Field(default_factory=SafetyFile)
    outcomes: OutcomesFile = Field(default_factory=OutcomesFile)
    coaching: CoachingFile = Field(default_factory=CoachingFile)


Phrases = list[Annotated[str, Field(min_length=1, max_length=60)]]


class UnderstandingFile(_Strict):
    """`content/locales/<code>/understanding.yaml`: the words of a language the bot reads in typed input, each
    list under the English meaning the parsers know (see `bot.domain.understanding`)."""

    numbers: dict[Annotated[float, Field(ge=0, le=100, multiple_of=0.5)], Phrases] = Field(default_factory=dict)
    yes: Phrases = Field(default_factory=list)
    no: Phrases = Field(default_factory=list)
    commands: dict[
        Literal[
            "help", "stop", "pause", "resume", "start", "stretch", "settings", "progress", "history", "export",
            "delete", "skip", "later", "done", "language",
        ],
        Phrases,
    ] = Field(default_factory=dict)  # fmt: skip
    small_talk: dict[Literal["thanks", "greeting", "ok"], Phrases] = Field(default_factory=dict)
    sides: dict[Literal["left", "right", "same"], Phrases] = Field(default_factory=dict)
    gentle: dict[Literal["gentle", "normal"], Phrases] = Field(default_factory=dict)
    skip_reasons: dict[Literal["flare_up", "travelling", "ill", "no_time", "other", "none"], Phrases] = Field(
        default_factory=dict
    )
    units: dict[
        Literal["minutes", "hour", "hours", "day", "days", "week", "weeks", "month", "months", "half an hour",
                "quarter of an hour", "and a half", "or more", "until i resume", "tomorrow", "none", "all morning"],
        Phrases,
    ] = Field(default_factory=dict)  # fmt: skip
    time: dict[Literal["h", "am", "pm", "noon", "midnight"], Phrases] = Field(default_factory=dict)
    fillers: Phrases = Field(default_factory=list)
    cities: dict[str, Phrases] = Field(default_factory=dict)
    # Words read only where they are asked for (never in other answers, as "aus" is also just "from"): the coach's
    # digest choice ("/digest täglich 18:00").
    digest: dict[Literal["daily", "weekly", "off"], Phrases] = Field(default_factory=dict)

    @field_validator("cities")
    @classmethod
    def _zones(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        from bot.domain.timezones import UnknownTimezone, resolve_zone

        for zone in value:
            try:
                resolve_zone(zone)
            except UnknownTimezone:
                raise ValueError(f"{zone!r} is not a timezone name; write it like Europe/Berlin") from None
        return value


class LanguageFile(_Strict):
    """`content/locales/<code>/language.yaml` (optional): the language's own name and the locale for formats."""

    name: str | None = Field(default=None, min_length=1, max_length=40)  # default: Babel's name ("Deutsch")
    formats: str | None = Field(default=None, min_length=2, max_length=16)  # Babel locale, e.g. en_GB


class StepTranslation(_Strict):
    title: str | None = Field(default=None, min_length=1, max_length=80)
    text: str | None = Field(default=None, min_length=1, max_length=1500)


class RoutineTranslation(_Strict):
    """`content/locales/<code>/routines/<id>.yaml`: a routine's texts in one language (missing ones: English)."""

    title: str | None = Field(default=None, min_length=1, max_length=80)
    summary: str | None = Field(default=None, min_length=1, max_length=500)
    steps: dict[str, StepTranslation] = Field(default_factory=dict)
