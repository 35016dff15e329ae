"""`python -m bot.standin [--port 8081] [--rate-limit] [--token T] [--chats 1-100,205]`: serve until SIGTERM/SIGINT.

`--chats` starts with those users known (as if each had written to the bot before), so a stand-in restarted on the
same port accepts messages to them at once: tests use it to take "Telegram" away and bring it back.
"""

from __future__ import annotations

import argparse
import asyncio
import signal

from bot.event_loop import use_fastest_event_loop
from bot.standin import updates
from bot.standin.ratelimit import RateLimit
from bot.standin.server import BotApiStandIn


def chat_ids(text: str) -> list[int]:
    """`1-3,7` -> [1, 2, 3, 7]."""
    ids: list[int] = []
    for part in filter(None, (p.strip() for p in text.split(","))):
        first, _, last = part.partition("-")
        ids.extend(range(int(first), int(last or first) + 1))
    return ids


def _parse(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bot.standin", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8081, help="0 picks a free port")
    parser.add_argument("--token", default=None, help="accept only this bot token")
    parser.add_argument("--rate-limit", action="store_true", help="Telegram-like flood control (30/s, 1/s/chat)")
    parser.add_argument("--chats", type=chat_ids, default=[], help="users known from the start, e.g. 1-100,205")
    return parser.parse_args(argv)


async def serve(args: argparse.Namespace) -> None:
    standin = BotApiStandIn(args.token, rate_limit=RateLimit() if args.rate_limit else None)
    for user_id in args.chats:
        standin.state.ensure_chat(updates.make_user(user_id))
    url = await standin.start(args.host, args.port)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"STANDIN_URL={url}", flush=True)
    try:
        await stop.wait()
    finally:
        await standin.stop()


def main(argv: list[str] | None = None) -> None:
    # Telegram's servers are not on the bot's machine; this stand-in is, so it spends as little of it as it can.
    use_fastest_event_loop()
    asyncio.run(serve(_parse(argv)))


if __name__ == "__main__":
    main()
