"""`python -m bench.tapper URL --rate R --taps N --users FILE`: button taps injected into the stand-in at a steady
rate from their own process, as Telegram would deliver them. Prints one JSON object: query id -> the
`time.monotonic()` (system-wide on Linux, comparable across processes) just before the tap was injected."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import time

import aiohttp


async def tap_at_rate(url: str, rate: float, taps: int, targets: list[tuple[int, int]]) -> dict[str, float]:
    sent: dict[str, float] = {}
    errors = 0
    connector = aiohttp.TCPConnector(limit=64)
    async with aiohttp.ClientSession(connector=connector) as session:

        async def one(index: int) -> None:
            nonlocal errors
            user_id, message_id = targets[index % len(targets)]
            body = {"user_id": user_id, "message_id": message_id, "callback_data": f"bt|{index}"}
            at = time.monotonic()
            async with session.post(f"{url}/_control/updates", json=body) as response:
                answer = await response.json()
            if answer.get("ok"):
                sent[answer["result"]] = at
            else:
                errors += 1

        start = time.monotonic() + 0.05
        tasks = []
        for index in range(taps):
            delay = start + index / rate - time.monotonic()
            if delay > 0:
                await asyncio.sleep(delay)
            tasks.append(asyncio.create_task(one(index)))
        await asyncio.gather(*tasks)
    if errors:
        print(f"{errors} taps were refused", file=sys.stderr)
    return sent


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.tapper")
    parser.add_argument("url")
    parser.add_argument("--rate", type=float, required=True)
    parser.add_argument("--taps", type=int, required=True)
    parser.add_argument("--targets", required=True, help="JSON file: [[user_id, message_id], ...]")
    args = parser.parse_args()
    with open(args.targets, encoding="utf-8") as handle:
        targets = [tuple(pair) for pair in json.load(handle)]
    sent = asyncio.run(tap_at_rate(args.url, args.rate, args.taps, targets))  # type: ignore[arg-type]
    print(json.dumps(sent))


if __name__ == "__main__":
    main()
