"""Where the morning peak's CPU goes: our peak alone, with each process's share of the cores every 5 s.

    python -m bench.profile_peak                      # the bot, its render workers, the stand-in, the tapper
    py-spy record --rate 50 -f raw -o peak.raw -- python -m bench.profile_peak
    python -m bench.profile_peak --summarize peak.raw # the bot's samples grouped by layer

Not part of `python -m bench` (it only explains the peak's rows); `bench/README.md` holds what it showed.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import re
import sys
import tempfile
import time
from pathlib import Path

import psutil

from bench.peak import Plan, run_peak

SAMPLE_SECONDS = 5.0
LAYERS = (  # the first that a sample's innermost frame's file contains names its layer
    ("sqlalchemy", "database (SQLAlchemy)"),
    ("greenlet", "database (SQLAlchemy)"),
    ("sqlite", "database (sqlite3)"),
    ("telegram/", "python-telegram-bot's object model and request path"),
    ("aiohttp", "HTTP (aiohttp)"),
    ("multidict", "HTTP (aiohttp)"),
    ("yarl", "HTTP (aiohttp)"),
    ("json", "JSON"),
    ("asyncio", "event loop"),
    ("selectors", "event loop"),
    ("threading", "threads"),
    ("concurrent", "threads"),
    ("prometheus_client", "metrics (prometheus-client)"),
    ("bench/", "the bench harness"),
    ("bot/", "the bot's own code"),
)
FRAME_FILE = re.compile(r"\((.*?):\d+\)")


def process_kind(process: psutil.Process) -> str:
    command = " ".join(process.cmdline())
    if "standin" in command:
        return "stand-in"
    if "tapper" in command:
        return "tapper"
    return "render pool"


def cpu_seconds() -> dict[str, float]:
    """CPU seconds so far of this process (the bot) and of its children, by kind."""
    me = psutil.Process()
    times = me.cpu_times()
    seconds = {"bot": times.user + times.system}
    for child in me.children(recursive=True):
        try:
            kind, times = process_kind(child), child.cpu_times()
        except psutil.Error:  # a render worker that retired meanwhile
            continue
        seconds[kind] = seconds.get(kind, 0.0) + times.user + times.system
    return seconds


async def print_cores() -> None:
    before, then = cpu_seconds(), time.monotonic()
    while True:
        await asyncio.sleep(SAMPLE_SECONDS)
        now, when = cpu_seconds(), time.monotonic()
        shares = ", ".join(
            f"{kind} {max(0.0, (value - before.get(kind, 0.0)) / (when - then)):.2f}" for kind, value in now.items()
        )
        print(f"{time.strftime('%H:%M:%S')} cores: {shares}", flush=True)
        before, then = now, when


async def profile() -> None:
    sampler = asyncio.create_task(print_cores())
    with tempfile.TemporaryDirectory() as folder:
        result, _ = await run_peak(Path(folder), Plan())
    sampler.cancel()
    print(
        f"taps p50 {result.tap_p(0.5):.0f} ms, p99 {result.tap_p(0.99):.0f} ms; problems: {result.problems or 'none'}"
    )


def summarize(raw: Path) -> None:
    """Group py-spy's raw samples (root;...;leaf count) by the layer of the innermost frame; seeding left out."""
    layers: collections.Counter[str] = collections.Counter()
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if "prepare" in stack or "seed" in stack:
            continue
        match = FRAME_FILE.search(stack.split(";")[-1])
        path = match.group(1) if match else ""
        fallback = "other (standard library)" if path else "native code (no Python frame)"
        layers[next((layer for key, layer in LAYERS if key in path), fallback)] += int(count)
    total = sum(layers.values()) or 1
    for layer, count in layers.most_common():
        print(f"{count / total * 100:5.1f}%  {layer}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.profile_peak", description=__doc__)
    parser.add_argument("--summarize", type=Path, help="a py-spy raw file to group by layer")
    args = parser.parse_args()
    if args.summarize:
        summarize(args.summarize)
    else:
        asyncio.run(profile())


if __name__ == "__main__":
    sys.exit(main())
