"""The usual approach under the 8 a.m. peak's interactive load: a PTB bot (ApplicationBuilder defaults: HTTPXRequest,
`concurrent_updates(True)`) whose /progress and /report handlers draw with pyplot right inside the handler, in the
event loop's thread. The same chart and page as ours (the inputs our bot drew in the same run), the same tap load
(answer + edit, no database), the same stand-in process. No reminders or routines: those are measured against
their own usual approach in the fan-out rows.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import time
from pathlib import Path
from typing import Any

from telegram import InputFile, Update
from telegram.ext import ApplicationBuilder, CallbackQueryHandler, CommandHandler, ContextTypes

from bench.common import TOKEN, create_chats, standin_process
from bench.peak import (
    PeakResult,
    Plan,
    Replies,
    StallMonitor,
    collect,
    inject_at_rate,
    percentile,
    start_taps,
    tap_latencies,
    tap_targets,
)
from bench.taps import TAP_PREFIX, TapLog
from bot.charts.progress_chart import DPI, HEIGHT_PX, WIDTH_PX, draw_into
from bot.standin.harness import running


def pyplot_chart(data: Any) -> bytes:
    """What a bot usually does: pyplot, in the handler (the same drawing as ours)."""
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib import pyplot

    figure = pyplot.figure(figsize=(WIDTH_PX / DPI, HEIGHT_PX / DPI), dpi=DPI, facecolor="white")
    try:
        draw_into(figure, data, scale=1.0, header=True, top=0.8)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="png", dpi=DPI, facecolor="white")
        return buffer.getvalue()
    finally:
        pyplot.close(figure)


def pyplot_report(page: Any) -> bytes:
    from bot.charts.report_page import render_report

    pdf, _png = render_report(page)  # the same page, drawn in the handler
    return pdf


async def run_usual_peak(folder: Path, plan: Plan, samples: dict[str, Any]) -> PeakResult:
    result = PeakResult("usual")
    chart_data, report_page = samples.get("render_progress_png"), samples.get("render_report")
    if chart_data is None or report_page is None:
        result.problems.append("no chart/report input sampled from our run")
        return result
    ids = plan.ids()
    replies = Replies()
    log = TapLog()
    async with standin_process() as standin:
        remote = standin.remote
        await create_chats(remote, ids["taps"] + ids["progress"] + ids["report"])

        async def on_progress(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
            assert update.effective_chat is not None and update.message is not None
            png = pyplot_chart(chart_data)
            await update.message.reply_photo(InputFile(png, filename="progress.png"))
            replies.note(update.effective_chat.id, "photo")

        async def on_report(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
            assert update.effective_chat is not None and update.message is not None
            pdf = pyplot_report(report_page)
            await update.message.reply_document(InputFile(pdf, filename="report.pdf"))
            replies.note(update.effective_chat.id, "document")

        async def on_tap(update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
            query = update.callback_query
            assert query is not None and query.data is not None
            index = int(query.data.removeprefix(TAP_PREFIX))
            try:
                await query.answer(f"Noted: {index % 11}/10")
                log.answered[query.id] = time.monotonic()
                await query.edit_message_text(f"Tap {index}: {index % 11}/10")
            except Exception:
                log.failures += 1
            finally:
                if len(log.answered) + log.failures >= log.expected > 0:
                    log.done.set()

        application = (
            ApplicationBuilder()
            .token(TOKEN)
            .base_url(f"{standin.url}/bot")
            .base_file_url(f"{standin.url}/file/bot")
            .concurrent_updates(True)
            .build()
        )
        application.add_handler(CommandHandler("progress", on_progress))
        application.add_handler(CommandHandler("report", on_report))
        application.add_handler(CallbackQueryHandler(on_tap))
        async with running(application):
            bot = application.bot
            targets = await tap_targets(lambda u: _send_id(bot, u), ids["taps"])
            await remote.reset()
            monitor = StallMonitor()
            monitor.start()
            log.expected = round(plan.tap_rate * plan.seconds)
            tapper = await start_taps(standin.url, folder, targets, plan)
            _, charts_in, reports_in = await asyncio.gather(
                asyncio.sleep(0),
                inject_at_rate(remote, replies, ids["progress"], "/progress", plan.progress_rate),
                inject_at_rate(remote, replies, ids["report"], "/report all", plan.report_rate),
            )
            out, _ = await tapper.communicate()
            waiting = [replies.waiters[u].wait() for u in [*charts_in, *reports_in]]
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.gather(*waiting), timeout=120)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(log.done.wait(), timeout=60)
            await monitor.stop()
    result.tap_ms, result.taps_expected = tap_latencies(out, log)
    result.charts = collect(replies, charts_in, "photo")
    result.reports = collect(replies, reports_in, "document")
    result.longest_stall = max(monitor.lateness, default=0.0)
    result.stall_p99 = percentile(monitor.lateness, 0.99)
    return result


async def _send_id(bot: Any, user_id: int) -> int:
    message = await bot.send_message(user_id, "How stiff?")
    return int(message.message_id)
