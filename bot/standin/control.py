"""The `/_control/` JSON API: drive and inspect a stand-in running in another process."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.standin import updates
from bot.standin.faults import FAULT_KINDS

if TYPE_CHECKING:
    from bot.standin.server import BotApiStandIn


def _bad(message: str) -> web.Response:
    return web.json_response({"ok": False, "description": message}, status=400)


@web.middleware
async def control_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Malformed control requests get a 400 JSON answer instead of a 500."""
    if not request.path.startswith("/_control/"):
        return await handler(request)
    try:
        return await handler(request)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        return _bad(f"bad control request: {exc!r}")


def add_control_routes(app: web.Application, standin: BotApiStandIn) -> None:
    """POST updates|reset|faults|blocked|chats, GET stats|messages|updates under `/_control/`."""
    app.middlewares.append(control_errors)

    async def inject_update(request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        state = standin.state
        if "text" in body and "user_id" in body:
            user = updates.make_user(
                int(body["user_id"]),
                str(body.get("first_name", "Alex")),
                username=body.get("username"),
                language_code=body.get("language_code", "en"),
            )
            message = updates.text_message(state, user, str(body["text"]))
            return web.json_response({"ok": True, "result": message})
        if "callback_data" in body and "user_id" in body and "message_id" in body:
            user = updates.make_user(int(body["user_id"]), str(body.get("first_name", "Alex")))
            chat = state.ensure_chat(user)
            stored = chat.messages.get(int(body["message_id"]))
            if stored is None:
                return _bad("no such message")
            query_id = updates.callback_query(state, user, stored.json, str(body["callback_data"]))
            return web.json_response({"ok": True, "result": query_id})
        for value in body.values():
            sender = value.get("from") if isinstance(value, dict) else None
            if isinstance(sender, dict) and "id" in sender:
                state.ensure_chat(sender)
        return web.json_response({"ok": True, "result": state.enqueue_raw_update(body)})

    async def stats(request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "result": standin.stats.as_json()})

    async def reset(request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json() if request.can_read_body else {}
        standin.reset_stats()
        standin.faults.clear()
        if body.get("all"):
            standin.state.clear()
        return web.json_response({"ok": True, "result": True})

    async def faults(request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        if body.get("kind") not in FAULT_KINDS:
            return _bad(f"kind must be one of {FAULT_KINDS}")
        fault = standin.faults.add(
            method=body.get("method"),
            kind=body["kind"],
            times=int(body.get("times", 1)),
            chat_id=body.get("chat_id"),
            retry_after=int(body.get("retry_after", 1)),
            delay=float(body.get("delay", 10.0)),
            apply=bool(body.get("apply", False)),
            after=int(body.get("after", 0)),
        )
        return web.json_response({"ok": True, "result": {"kind": fault.kind, "times": fault.times}})

    async def blocked(request: web.Request) -> web.Response:
        body: dict[str, Any] = await request.json()
        user = updates.make_user(int(body["user_id"]), str(body.get("first_name", "Alex")))
        updates.set_blocked(standin.state, user, bool(body.get("blocked", True)))
        return web.json_response({"ok": True, "result": True})

    async def chats(request: web.Request) -> web.Response:
        """Users who have talked to the bot before (so it may write to them), created silently, in bulk."""
        body: dict[str, Any] = await request.json()
        ids = [int(user_id) for user_id in body["user_ids"]]
        for user_id in ids:
            standin.state.ensure_chat(updates.make_user(user_id, str(body.get("first_name", "Alex"))))
        return web.json_response({"ok": True, "result": len(ids)})

    async def messages(request: web.Request) -> web.Response:
        chat_id = request.query.get("chat_id")
        if chat_id is None:
            return _bad("chat_id is required")
        return web.json_response({"ok": True, "result": standin.bot_messages(int(chat_id))})

    async def queries(request: web.Request) -> web.Response:
        """Every button tap: who, and how long its answerCallbackQuery took (null while unanswered)."""
        result = [
            {
                "id": q.query_id,
                "user_id": q.user_id,
                "latency": None if q.answered_at is None else q.answered_at - q.tapped_at,
                "text": (q.answer or {}).get("text"),
            }
            for q in standin.state.callback_queries.values()
        ]
        return web.json_response({"ok": True, "result": result})

    async def pending_updates(request: web.Request) -> web.Response:
        return web.json_response({"ok": True, "result": list(standin.state.updates)})

    app.router.add_post("/_control/updates", inject_update)
    app.router.add_get("/_control/updates", pending_updates)
    app.router.add_get("/_control/stats", stats)
    app.router.add_get("/_control/queries", queries)
    app.router.add_post("/_control/reset", reset)
    app.router.add_post("/_control/faults", faults)
    app.router.add_post("/_control/blocked", blocked)
    app.router.add_post("/_control/chats", chats)
    app.router.add_get("/_control/messages", messages)
