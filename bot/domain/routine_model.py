"""The shape of a routine, as the domain sees it (built from `content/routines/*.yaml` by the content loader).

A routine is a list of steps. Steps marked `per_side` are done once for each side in `sides`, in order, with a
"switch sides" cue between sides; the others are done once (before the sided part if they come first in the list,
after it if they come last). A step with `hold_seconds` is timed: each of its `reps` is a hold, paced by cues,
followed by `rest_seconds` before the next rep. In hands-free mode each step gets `get_ready_seconds` (its own, or
the routine's) before it starts by itself, and the switch of sides `switch_seconds`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace


@dataclass(frozen=True, slots=True)
class StepMedia:
    """A step's picture: `location` is an absolute file path or an http(s) URL; `key` names it for the file-id cache
    (the content path and a hash of its bytes, or the URL)."""

    location: str
    key: str
    filename: str
    video: bool = False  # a coach's video (sent by its Telegram file id)

    @property
    def is_url(self) -> bool:
        return self.location.startswith(("http://", "https://"))


@dataclass(frozen=True, slots=True)
class Step:
    id: str
    title: str
    text: str
    per_side: bool = False
    reps: int = 1
    hold_seconds: int | None = None
    rest_seconds: int = 0
    halfway_cue: bool = True
    get_ready_seconds: int | None = None  # hands-free: the time to get ready before it starts (None: the routine's)
    image: StepMedia | None = None

    @property
    def is_timed(self) -> bool:
        return self.hold_seconds is not None and self.hold_seconds > 0


@dataclass(frozen=True, slots=True)
class GentleVariant:
    """The shorter, gentler option offered when a before-rating is unusually high."""

    reps: int = 2
    hold_scale: float = 0.6


@dataclass(frozen=True, slots=True)
class Routine:
    id: str
    title: str
    summary: str
    minutes: int
    steps: tuple[Step, ...]
    sides: tuple[str, ...] = ("left", "right")
    video_url: str | None = None
    gentle: GentleVariant = field(default_factory=GentleVariant)
    get_ready_seconds: int = 10  # hands-free: time to read a step and get ready before its first hold starts
    switch_seconds: int = 20  # hands-free: time to come out of the pose and set up on the other side
    switch_image: StepMedia | None = None  # the picture shown with the switch of sides
    intro_media: StepMedia | None = None  # a coach's photo or video sent with the routine's intro

    def get_ready_of(self, step: Step) -> int:
        """The hands-free "get ready" time before `step` starts (or, untimed, before the next step)."""
        return self.get_ready_seconds if step.get_ready_seconds is None else step.get_ready_seconds

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)


def with_texts_of(routine: Routine, translated: Routine) -> Routine:
    """`routine` as it runs (a coach's holds, reps and media kept) with the texts of `translated`, the same routine in
    the reader's language: its title, summary and each step's title and text (by step id)."""
    texts = {step.id: step for step in translated.steps}
    steps = tuple(
        replace(step, title=texts[step.id].title, text=texts[step.id].text) if step.id in texts else step
        for step in routine.steps
    )
    return replace(routine, title=translated.title, summary=translated.summary, steps=steps)
