"""/report through the real bot: the period question, an A4 one-page PDF whose text holds the planted numbers,
the same page as a picture, and honest verdicts at 1 day and at two months."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from pypdf import PdfReader

from bot.db.models import MorningStiffness, SafetyEvent, WeeklyCheckin
from bot.standin import BotApiStandIn, ChatUser
from bot.ui.callbacks_report import ReportPeriod
from tests.e2e.data_helpers import App, add_day, add_skip, ctx_of, onboard, reply_to, text_of

TODAY = date(2026, 3, 2)
T = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)
A4_POINTS = (595, 842)


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


async def two_months(app: App) -> None:
    await onboard(app)
    for offset in range(-59, 1):
        if offset in (-40, -30):
            await add_skip(app, day(offset), "travelling")
            continue
        before = 7 if offset <= -53 else 4
        await add_day(app, day(offset), before, before - 2, side="left" if offset % 3 else "right")
    async with ctx_of(app).db.unit_of_work() as uow:
        for offset in range(-59, 1):
            minutes = 90 if offset <= -53 else 30
            uow.session.add(
                MorningStiffness(
                    user_id=1001, local_date=day(offset), minutes=minutes, source="button", created_at=T, updated_at=T
                )
            )
        for week, score in enumerate((7, 5, 3)):
            uow.session.add(
                WeeklyCheckin(
                    user_id=1001,
                    local_date=day(-56 + 14 * week),
                    pain=score,
                    enjoyment=score,
                    activity=score,
                    status="done",
                    created_at=T,
                    completed_at=T,
                )
            )
        uow.session.add(SafetyEvent(user_id=1001, kind="warning", context="hold", local_date=day(-20), created_at=T))


async def report_of(user: ChatUser, standin: BotApiStandIn) -> tuple[str, bytes, bytes]:
    """(the caption, the PDF, the PNG) of the next report the bot sends (generous waits: drawing the page takes a
    second or two, more on a loaded machine, and the first drawing imports matplotlib)."""
    document = await user.next_message(timeout=90)
    while document.edited:  # the period question loses its buttons
        document = await user.next_message(timeout=90)
    assert document.document is not None, text_of(document)
    assert document.document["file_name"].endswith(".pdf")
    picture = await user.next_message(timeout=30)
    assert picture.photo is not None
    png = standin.file(max(picture.photo, key=lambda size: size["width"])["file_id"]).data
    return text_of(document), standin.file(document.document["file_id"]).data, png


def pdf_text(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == A4_POINTS
    return " ".join(reader.pages[0].extract_text().split())


async def test_report_for_everything_holds_the_planted_numbers(
    user: ChatUser, app: App, standin: BotApiStandIn
) -> None:
    await two_months(app)
    question = await reply_to(user, "/report")
    assert question.button_labels == ["Last 4 weeks", "Last 3 months", "Everything"]
    await user.tap("Everything")
    caption, pdf, png = await report_of(user, standin)
    assert "Your report, 2 Jan – 2 Mar" in caption
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    text = pdf_text(pdf)
    assert "Back stiffness report – Alex" in text
    assert "2 Jan 2026 – 2 Mar 2026 (60 days)" in text
    # Baseline 7, now 4: -3 points (-43%); minutes 90 -> 30 (-67%); PEG 7 -> 3 (-57%): all meaningful.
    assert "Before-stretch (0–10) 7 4 −3 (−43%) Meaningful improvement" in text
    assert "Morning stiffness 90 min 30 min −60 min (−67%) Meaningful improvement" in text
    assert "PEG score (0–10) 7 3 −4 (−57%) Meaningful improvement" in text
    assert "58 of 60 planned days done (97%)" in text
    assert "At or above the 80% often counted as adherent" in text
    assert "Skipped: travelling ×2" in text
    assert "see-a-clinician signs: 1" in text
    assert "Left 39 · right 19 · same 0 (sessions)" in text  # right on multiples of 3 (-57..0 less -30)
    assert "Lean forward and breathe: 3 × 30 s each side" in text
    assert "not a diagnosis or medical advice" in text


async def test_a_typed_period_and_a_first_day_make_no_claims(user: ChatUser, app: App, standin: BotApiStandIn) -> None:
    await onboard(app)
    await add_day(app, TODAY, 6, 4)
    await user.send("/report 30")
    _caption, pdf, _png = await report_of(user, standin)
    text = pdf_text(pdf)
    assert "Before-stretch (0–10) 6 – – Too early to tell" in text
    assert "PEG score (0–10) – – – No data" in text
    assert "too early to judge adherence" in text
    assert "Meaningful improvement" not in text and "Meaningful worsening" not in text


async def test_nothing_to_report_unknown_users_and_stale_buttons(user: ChatUser, app: App) -> None:
    assert "tap /start" in text_of(await reply_to(user, "/report"))
    await onboard(app)
    assert "Nothing to report yet" in text_of(await reply_to(user, "/report all"))
    question = await reply_to(user, "/report")
    query = await user.tap_data(question.message_id, ReportPeriod(7).pack())  # not a period the bot offers
    assert (await user.answer_to(query)).text
    await user.send("/report lots")  # unreadable: ask for the period
    assert (await user.next_message()).button_labels == ["Last 4 weeks", "Last 3 months", "Everything"]
