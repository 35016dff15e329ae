"""`with_texts_of`: a routine as it runs (a coach's prescription and media) keeps its shape in another language."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.routine_model import Routine, Step, StepMedia, with_texts_of


def test_the_prescription_and_media_stay_and_the_texts_change() -> None:
    english = Routine(
        "pigeon", "Pigeon", "A hip stretch", 5,
        (Step("position", "Get into pose", "Sit"), Step("lean", "Lean forward", "Breathe", hold_seconds=30, reps=3)),
    )  # fmt: skip
    video = StepMedia("tg:BAAC", "tg:BAAC", "video.mp4", video=True)
    running = replace(
        english,
        steps=(english.steps[0], replace(english.steps[1], hold_seconds=45, reps=2, image=video)),
        intro_media=video,
    )
    german = replace(
        english,
        title="Taube",
        summary="Eine Hüftdehnung",
        steps=(replace(english.steps[0], title="In die Position", text="Setz dich"), english.steps[1]),
    )
    shown = with_texts_of(running, german)
    assert (shown.title, shown.summary, shown.intro_media) == ("Taube", "Eine Hüftdehnung", video)
    assert [(s.title, s.text) for s in shown.steps] == [("In die Position", "Setz dich"), ("Lean forward", "Breathe")]
    assert [(s.hold_seconds, s.reps, s.image) for s in shown.steps][1] == (45, 2, video)
