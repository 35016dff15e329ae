"""docs/deployment.md: the systemd unit passes `systemd-analyze verify`, and the settings it shows are valid."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from bot.config import Settings

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "deployment.md"
EXEC = "/opt/stretchbot/.venv/bin/stretchbot"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


def unit() -> str:
    [text] = [b for b in blocks("ini") if b.startswith("[Unit]")]
    return text


def test_the_unit_runs_the_bot_as_documented() -> None:
    text = unit()
    assert f"ExecStart={EXEC} run\n" in text
    assert "EnvironmentFile=/etc/stretchbot/stretchbot.env" in text
    assert "StateDirectory=stretchbot" in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_the_unit_passes_systemd_analyze_verify(tmp_path: Path) -> None:
    # verify checks that ExecStart exists and is executable: point it at a stand-in script with the same role.
    program = tmp_path / "stretchbot"
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    service = tmp_path / "stretchbot.service"
    service.write_text(unit().replace(EXEC, str(program)))
    result = subprocess.run(
        ["systemd-analyze", "verify", str(service)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # unknown keys and bad values are only warnings


def test_the_documented_settings_are_valid() -> None:
    [env] = [b for b in blocks("sh") if "TELEGRAM_BOT_TOKEN=" in b]
    values = dict(line.split("=", 1) for line in env.splitlines() if "=" in line and not line.startswith("#"))
    values.pop("TELEGRAM_BOT_TOKEN")
    settings = Settings(_env_file=None, **{k.lower(): v for k, v in values.items()})  # type: ignore[call-arg]
    assert settings.database_url == "sqlite+aiosqlite:////var/lib/stretchbot/stretchbot.sqlite3"
    assert settings.is_sqlite
