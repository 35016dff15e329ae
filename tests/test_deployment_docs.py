"""docs/deployment.md and the files it documents: the systemd units pass `systemd-analyze verify`, the settings it
shows are valid, the production install has no development tools, and the Containerfile and compose.yaml are what
the guide says. (`make container-check` builds and runs the image itself; it needs root and podman.)"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from bot.backup.backup import sqlite_database_path
from bot.config import Settings

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "deployment.md"
EXEC = "/opt/stretchbot/.venv/bin/stretchbot"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(), flags=re.DOTALL)


def unit_files() -> dict[str, str]:
    """Every systemd unit the guide shows, by its file name: "`/etc/systemd/system/NAME`:" then an ini block."""
    found = re.findall(r"`/etc/systemd/system/([\w.-]+)`:\n\n```ini\n(.*?)```", DOC.read_text(), flags=re.DOTALL)
    return dict(found)


def unit() -> str:
    return unit_files()["stretchbot.service"]


def settings_block() -> dict[str, str]:
    [env] = [b for b in blocks("sh") if "TELEGRAM_BOT_TOKEN=" in b]
    return dict(line.split("=", 1) for line in env.splitlines() if "=" in line and not line.startswith("#"))


def test_the_guide_has_its_sections() -> None:
    headings = re.findall(r"^## (.+)$", DOC.read_text(), flags=re.MULTILINE)
    for section in ("Prerequisites", "Install", "Backups and restore", "Upgrades", "Container"):
        assert section in headings


def test_the_unit_runs_the_bot_as_documented() -> None:
    text = unit()
    assert f"ExecStart={EXEC} run\n" in text
    assert "EnvironmentFile=/etc/stretchbot/stretchbot.env" in text
    assert "StateDirectory=stretchbot stretchbot-backups" in text


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
@pytest.mark.parametrize("name", ["stretchbot.service", "stretchbot-pg-backup.service", "stretchbot-pg-backup.timer"])
def test_the_units_pass_systemd_analyze_verify(tmp_path: Path, name: str) -> None:
    # verify checks that ExecStart exists and is executable: point it at a stand-in script with the same role.
    program = tmp_path / "stretchbot"
    program.write_text("#!/bin/sh\nexit 0\n")
    program.chmod(0o755)
    for file, text in unit_files().items():  # a timer needs its service beside it
        (tmp_path / file).write_text(text.replace(EXEC, str(program)))
    result = subprocess.run(
        ["systemd-analyze", "verify", str(tmp_path / name)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == "", result.stderr  # unknown keys and bad values are only warnings


def test_the_documented_settings_are_valid() -> None:
    values = settings_block()
    values.pop("TELEGRAM_BOT_TOKEN")
    settings = Settings(_env_file=None, **{k.lower(): v for k, v in values.items()})  # type: ignore[call-arg]
    assert settings.database_url == "sqlite+aiosqlite:////var/lib/stretchbot/stretchbot.sqlite3"
    assert settings.is_sqlite
    assert settings.backup_dir is not None
    assert settings.backup_dir != sqlite_database_path(settings.database_url).parent
    # systemd creates both directories, and they are the only ones the bot may write (ProtectSystem=strict).
    state = re.search(r"^StateDirectory=(.+)$", unit(), flags=re.MULTILINE)
    assert state is not None
    writable = {f"/var/lib/{name}" for name in state.group(1).split()}
    assert {str(settings.backup_dir), str(sqlite_database_path(settings.database_url).parent)} <= writable


def test_every_setting_is_documented() -> None:
    env_example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    for field in Settings.model_fields:
        assert field.upper() in env_example, f"{field.upper()} is missing from .env.example"
        assert f"| `{field.upper()}` |" in readme, f"{field.upper()} is missing from the README's settings table"


def test_the_guide_installs_with_make_install() -> None:
    text = DOC.read_text()
    assert "cd /opt/stretchbot && sudo make install" in text
    assert ".venv/.installed" not in text


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_install_installs_no_development_tools(tmp_path: Path) -> None:
    result = subprocess.run(
        ["make", "-n", "-B", "install", f"VENV={tmp_path / 'venv'}"],
        cwd=ROOT, capture_output=True, text=True, timeout=60, check=True,
    )  # fmt: skip
    installs = [line for line in result.stdout.splitlines() if "pip install" in line and "-e " in line]
    assert installs and all("-e '.'" in line for line in installs), result.stdout
    assert "[dev]" not in result.stdout


def containerfile() -> str:
    return (ROOT / "Containerfile").read_text()


def test_the_containerfile_is_multi_stage_non_root_with_a_health_check() -> None:
    text = containerfile()
    base = re.search(r"^ARG BASE_IMAGE=(\S+)$", text, flags=re.MULTILINE)
    assert base is not None and re.fullmatch(r"docker\.io/library/python:3\.1[1-9]-slim-\w+", base.group(1))
    stages = re.findall(r"^FROM (\S+)(?: AS (\w+))?$", text, flags=re.MULTILINE)
    assert len(stages) >= 2
    assert "COPY --from=build /opt/stretchbot/venv /opt/stretchbot/venv" in text
    [user] = re.findall(r"^USER (\S+)$", text, flags=re.MULTILINE)
    assert user.split(":")[0] not in {"0", "root"}
    final = text[text.rindex("\nFROM ") :]
    assert "pip install" not in final and "[dev]" not in text  # runtime dependencies only, built in a stage before
    assert "/healthz" in final and "HEALTH_PORT" in final and "HEALTHCHECK" in final
    assert "ENV PATH=/opt/stretchbot/venv/bin:$PATH" in text and "CONTENT_DIR=/opt/stretchbot/content" in text


def test_compose_runs_the_bot_on_postgresql() -> None:
    compose = yaml.safe_load((ROOT / "compose.yaml").read_text())
    bot, db = compose["services"]["bot"], compose["services"]["db"]
    assert (ROOT / bot["build"]["dockerfile"]).is_file()
    assert bot["depends_on"]["db"]["condition"] == "service_healthy"
    assert "pg_isready" in db["healthcheck"]["test"]
    url = re.sub(r"\$\{POSTGRES_PASSWORD:\?[^}]*\}", "secret", bot["environment"]["DATABASE_URL"])
    settings = Settings(_env_file=None, database_url=url)  # type: ignore[call-arg]
    assert settings.database_url.startswith("postgresql+asyncpg://stretchbot:secret@db:5432/stretchbot")
    assert db["environment"]["POSTGRES_USER"] == "stretchbot" and db["environment"]["POSTGRES_DB"] == "stretchbot"


def monitoring_yaml() -> tuple[dict[str, object], dict[str, object]]:
    """The guide's Prometheus scrape configuration and alert rules."""
    found = [yaml.safe_load(block) for block in blocks("yaml")]
    [scrape] = [b for b in found if isinstance(b, dict) and "scrape_configs" in b]
    [rules] = [b for b in found if isinstance(b, dict) and "groups" in b]
    return scrape, rules


def test_the_monitoring_section_lists_every_metric_and_only_those() -> None:
    from prometheus_client.parser import text_string_to_metric_families

    from bot.health.metrics import Metrics

    families = text_string_to_metric_families(Metrics().exposition().decode())
    exposed = {family.name for family in families if not family.name.endswith("_created")}  # client's timestamps
    section = DOC.read_text().split("## Monitoring", 1)[1].split("\n## ", 1)[0]
    table = set(re.findall(r"^\| `(stretchbot_\w+)", section, flags=re.MULTILINE))
    # The text format names a counter's family without _total; the table names the series.
    assert {name.removesuffix("_total") for name in table} == exposed
    _, rules = monitoring_yaml()
    used = set(re.findall(r"stretchbot_\w+", yaml.safe_dump(rules)))
    known = exposed | {f"{n}_total" for n in exposed} | {f"{n}_bucket" for n in exposed}
    assert used and used <= known, used - known


def test_the_scrape_config_targets_the_health_port_of_the_settings() -> None:
    scrape, _ = monitoring_yaml()
    [job] = scrape["scrape_configs"]  # type: ignore[index]
    port = settings_block()["HEALTH_PORT"]
    assert job["static_configs"][0]["targets"] == [f"127.0.0.1:{port}"]


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool (Debian: prometheus) is not installed")
def test_the_alert_rules_pass_promtool(tmp_path: Path) -> None:
    _, rules = monitoring_yaml()
    path = tmp_path / "stretchbot.yml"
    path.write_text(yaml.safe_dump(rules))
    checked = subprocess.run(["promtool", "check", "rules", str(path)], capture_output=True, text=True, check=False)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "SUCCESS: 3 rules found" in checked.stdout
