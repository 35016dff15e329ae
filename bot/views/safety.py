"""Rendering the answer to a reported pain, warning sign or red flag: the advice first (from `content/`), then
what the user can do now (the gentler version or rest today; after a red flag only stopping)."""

from __future__ import annotations

from bot.content.loader import Content
from bot.domain.pain_text import SafetyKind
from bot.services.safety import SafetyReport
from bot.ui.callbacks_safety import SafetyChoice
from bot.ui.message import Button, OutgoingMessage, Reply


def advice(content: Content, report: SafetyReport) -> Reply:
    """The safety advice for `report`, with the choices that fit where the user was."""
    texts = content.texts
    parts = [texts.render(_advice_key(report))]
    if not report.recorded:
        return Reply.of(OutgoingMessage("\n\n".join([*parts, texts.render("safety.not_started")])))
    session_id = report.session_id or 0
    rest = Button(texts.render("buttons.safety_rest"), SafetyChoice(session_id, report.delivery_id or 0, "rest"))
    if report.kind == SafetyKind.RED_FLAG:
        if report.session_id is not None:
            parts.append(texts.render("safety.stop_only"))
            return Reply.of(OutgoingMessage("\n\n".join(parts), ((rest,),)))
        return Reply.of(OutgoingMessage("\n\n".join(parts)))
    if report.session_id is not None:
        if report.context == "hold" or report.pause_seq is not None:  # a hands-free "get ready" pauses too
            parts.append(texts.render("safety.paused"))
        parts.append(texts.render("safety.offer_routine"))
        gentler = Button(texts.render("buttons.safety_gentler"), SafetyChoice(session_id, 0, "gentle"))
        return Reply.of(OutgoingMessage("\n\n".join(parts), ((gentler, rest),)))
    parts.append(texts.render("safety.offer_rest"))
    return Reply.of(OutgoingMessage("\n\n".join(parts), ((rest,),)))


def _advice_key(report: SafetyReport) -> str:
    """The advice's text: "ease out of the stretch" only while one is under way; a red flag's is the same anywhere."""
    in_stretch = report.context in ("hold", "routine") or report.pause_seq is not None
    if report.kind == SafetyKind.RED_FLAG or in_stretch:
        return f"safety.{report.kind.value}"
    return f"safety.{report.kind.value}_idle"


def choice_taken() -> Reply:
    """A tap under the advice: its buttons come off (what the choice did follows as the routine's messages)."""
    return Reply(clear_buttons=True)
