"""The `stretchbot` command as a real process (`python -m bot ...`), with settings in its environment only; or its
`main` in this process, for the tests that need no process of their own (faster on a busy machine)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_OWN_PREFIXES = ("TELEGRAM_", "DATABASE_URL", "ADMIN_", "BACKUP_", "LOG_")


def cli_env(**settings: str) -> dict[str, str]:
    """This process's environment without any stretchbot setting, plus `settings`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(_OWN_PREFIXES)}
    return env | {"PYTHONPATH": str(ROOT), "CONTENT_DIR": str(ROOT / "content")} | settings


def sqlite_url(path: Path) -> str:
    return f"sqlite+aiosqlite:///{path}"


def run_cli(*args: str | Path, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot", *map(str, args)],
        capture_output=True, text=True, env=env, cwd=cwd, timeout=120, check=False,
    )  # fmt: skip


async def run_cli_async(*args: str | Path, env: dict[str, str], cwd: Path) -> tuple[int, str, str]:
    """`run_cli` without blocking the event loop (for tests that drive other processes meanwhile)."""
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot", *map(str, args),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, env=env, cwd=cwd,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), 120)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


def run_main(
    *args: str | Path,
    settings: dict[str, str],
    cwd: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> tuple[int, str, str]:
    """`stretchbot ARGS` in this process (the CLI's `main`, without an interpreter's start-up): (exit code, stdout,
    stderr), with `settings` in the environment and `cwd` (no `.env` in it) as the working directory."""
    from bot.cli import main

    with monkeypatch.context() as patch:
        patch.chdir(cwd)
        for key, value in settings.items():
            patch.setenv(key, value)
        capsys.readouterr()
        code = main([str(arg) for arg in args])
        out, err = capsys.readouterr()
    return code, out, err
