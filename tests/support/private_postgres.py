"""A throwaway PostgreSQL cluster of a test's own, to stop and restart at will: never the shared server.

`initdb` and `pg_ctl` of the installed server (`/usr/lib/postgresql/<version>/bin`, or `PG_BIN`) make a cluster in a
temporary directory, listening on 127.0.0.1 on a free port with trust authentication and its socket in that
directory. PostgreSQL refuses to run as root: as root, the cluster runs as `nobody`.

    cluster = PrivatePostgres.create()           # pytest.skip with the reason if it cannot be
    url = await cluster.create_database("bot")   # postgresql+asyncpg://postgres@127.0.0.1:<port>/bot
    cluster.restart(down_for=3.0)                # stop (fast), wait, start again
    cluster.destroy()
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import asyncpg
import pytest

UNPRIVILEGED_USER = "nobody"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _postgres_bin() -> Path | None:
    chosen = os.environ.get("PG_BIN")
    candidates = [Path(chosen)] if chosen else sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)
    for candidate in candidates:
        if (candidate / "initdb").exists() and (candidate / "pg_ctl").exists():
            return candidate
    found = shutil.which("pg_ctl")
    return Path(found).parent if found and (Path(found).parent / "initdb").exists() else None


class PrivatePostgres:
    def __init__(self, bin_dir: Path, root: Path, port: int, user: str | None) -> None:
        self.bin_dir = bin_dir
        self.root = root
        self.data = root / "data"
        self.port = port
        self.user = user  # run the server as this user (when the tests run as root)
        self.log = root / "postgres.log"

    @classmethod
    def create(cls) -> PrivatePostgres:
        """initdb and start a new cluster; skips the test (with the reason) where that is impossible."""
        bin_dir = _postgres_bin()
        if bin_dir is None:
            pytest.skip("no PostgreSQL server binaries (initdb, pg_ctl) under /usr/lib/postgresql/*/bin or PG_BIN")
        user = None
        root = Path(tempfile.mkdtemp(prefix="stretchbot-pg-"))
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam(UNPRIVILEGED_USER)
            except KeyError:
                shutil.rmtree(root, ignore_errors=True)
                pytest.skip(f"running as root and there is no user {UNPRIVILEGED_USER!r} to run PostgreSQL as")
            os.chown(root, account.pw_uid, account.pw_gid)
            user = UNPRIVILEGED_USER
        cluster = cls(bin_dir, root, _free_port(), user)
        try:
            cluster._run("initdb", "-D", str(cluster.data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
            cluster.start()
        except (subprocess.CalledProcessError, OSError) as exc:
            cluster.destroy()
            pytest.skip(f"could not start a private PostgreSQL cluster: {exc}")
        return cluster

    def _run(self, program: str, *args: str) -> None:
        subprocess.run(
            [str(self.bin_dir / program), *args],
            check=True,
            capture_output=True,
            user=self.user,
            cwd=self.root,
            timeout=120,
        )

    def start(self) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", "start")

    def stop(self, mode: str = "fast") -> None:
        """`fast` ends every session (clients see 57P01) and shuts down cleanly; `immediate` is a crash."""
        self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop")

    def restart(self, down_for: float = 0.0) -> float:
        """Stop, stay down `down_for` seconds, start again; how long it was away (seconds)."""
        began = time.monotonic()
        self.stop()
        time.sleep(down_for)
        self.start()
        return time.monotonic() - began

    def url(self, database: str) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.port}/{database}"

    def dsn(self, database: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    async def create_database(self, name: str) -> str:
        connection = await asyncpg.connect(self.dsn("postgres"), timeout=10)
        try:
            await connection.execute(f'CREATE DATABASE "{name}"')
        finally:
            await connection.close()
        return self.url(name)

    def destroy(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.CalledProcessError, OSError):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)
