"""The guided routine. (Placeholder until the routine flow lands: shows the routine's first step.)"""

from __future__ import annotations

from bot.context import AppContext
from bot.ui.message import OutgoingMessage


async def begin_routine(
    ctx: AppContext,
    *,
    user_id: int,
    chat_id: int,
    delivery_id: int | None,
    before: float | None,
    update_id: int | None,
) -> None:
    """Start the routine for the user (from the reminder, its rating buttons, or /stretch)."""
    routine = ctx.content.routine(ctx.content.coach.default_routine)
    first = routine.steps[0]
    side = routine.sides[0] if first.per_side else ""
    other = routine.sides[-1] if first.per_side else ""
    text = f"<b>{first.title}</b>\n\n" + first.text.format(side=side, other_side=other)
    await ctx.sender.send(chat_id, OutgoingMessage(text))
