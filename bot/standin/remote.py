"""`RemoteStandIn`: an aiohttp client for the `/_control/` API of a stand-in in another process."""

from __future__ import annotations

from types import TracebackType
from typing import Any

import aiohttp

from bot.standin.faults import FaultKind


class RemoteStandInError(RuntimeError):
    pass


class RemoteStandIn:
    """Use as `async with RemoteStandIn(url) as remote: ...` (or call `close()`)."""

    def __init__(self, url: str) -> None:
        self.url = url.rstrip("/")
        self._session: aiohttp.ClientSession | None = None

    async def __aenter__(self) -> RemoteStandIn:
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.close()

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def _request(self, method: str, path: str, **kwargs: Any) -> Any:
        if self._session is None:
            self._session = aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30))
        async with self._session.request(method, f"{self.url}/_control/{path}", **kwargs) as response:
            body = await response.json()
        if not body.get("ok"):
            raise RemoteStandInError(str(body.get("description")))
        return body["result"]

    async def inject_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Enqueues a raw Update dict (update_id is assigned by the stand-in)."""
        result: dict[str, Any] = await self._request("POST", "updates", json=update)
        return result

    async def send_text(self, user_id: int, text: str, *, first_name: str = "Alex") -> dict[str, Any]:
        """A user message (with a bot_command entity for /commands); returns the Message dict."""
        body = {"user_id": user_id, "text": text, "first_name": first_name}
        result: dict[str, Any] = await self._request("POST", "updates", json=body)
        return result

    async def tap_data(self, user_id: int, message_id: int, data: str) -> str:
        """A callback_query on a message; returns the query id."""
        body = {"user_id": user_id, "message_id": message_id, "callback_data": data}
        result: str = await self._request("POST", "updates", json=body)
        return result

    async def set_blocked(self, user_id: int, blocked: bool = True) -> None:
        await self._request("POST", "blocked", json={"user_id": user_id, "blocked": blocked})

    async def stats(self) -> dict[str, Any]:
        result: dict[str, Any] = await self._request("GET", "stats")
        return result

    async def reset(self, *, everything: bool = False) -> None:
        """Clears stats and faults; with `everything`, also chats, messages and pending updates."""
        await self._request("POST", "reset", json={"all": everything})

    async def add_fault(
        self,
        method: str | None,
        kind: FaultKind,
        times: int = 1,
        chat_id: int | None = None,
        *,
        retry_after: int = 1,
        delay: float = 10.0,
        apply: bool = False,
        after: int = 0,
    ) -> None:
        body = {
            "method": method,
            "kind": kind,
            "times": times,
            "chat_id": chat_id,
            "retry_after": retry_after,
            "delay": delay,
            "apply": apply,
            "after": after,
        }
        await self._request("POST", "faults", json=body)

    async def add_chats(self, user_ids: list[int]) -> int:
        """Private chats with these users, as if each had sent /start long ago (no updates are queued)."""
        result: int = await self._request("POST", "chats", json={"user_ids": user_ids})
        return result

    async def messages(self, chat_id: int) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._request("GET", "messages", params={"chat_id": str(chat_id)})
        return result

    async def queries(self) -> list[dict[str, Any]]:
        """Every tap: `id`, `user_id`, `latency` of its answer in seconds (None while unanswered), the toast `text`."""
        result: list[dict[str, Any]] = await self._request("GET", "queries")
        return result

    async def pending_updates(self) -> list[dict[str, Any]]:
        result: list[dict[str, Any]] = await self._request("GET", "updates")
        return result
