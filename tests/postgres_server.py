"""A throwaway PostgreSQL server for the tests that need one (status stores, group L attacks).

PostgreSQL comes from ``THAIVC_TEST_PG_DSN`` when set; otherwise a private server is started from
the PostgreSQL binaries found on the machine (one per pytest-xdist worker, on a free loopback port,
torn down at the end). When neither is possible the PostgreSQL tests fail with a message saying
so; ``THAIVC_SKIP_POSTGRES=1`` is the only way to skip them, and it is reported loudly.

Loaded for the whole suite by ``tests/conftest.py`` (``pytest_plugins``), so any test directory can
ask for ``pg_dsn``; mark such tests ``postgres``.
"""

from __future__ import annotations

import glob
import os
import shlex
import shutil
import socket
import subprocess
import sys
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

SKIP_ENV = "THAIVC_SKIP_POSTGRES"
DSN_ENV = "THAIVC_TEST_PG_DSN"


def pytest_report_header(config: pytest.Config) -> str:
    if os.environ.get(SKIP_ENV) == "1":
        return f"!!! {SKIP_ENV}=1: PostgreSQL status-store tests are SKIPPED !!!"
    if os.environ.get(DSN_ENV):
        return f"status tests: PostgreSQL from {DSN_ENV}"
    return "status tests: PostgreSQL started from local binaries"


def _pg_bindir() -> Path | None:
    candidates = sorted(
        glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name), reverse=True
    )
    for candidate in candidates:
        if (Path(candidate) / "initdb").exists() and (Path(candidate) / "pg_ctl").exists():
            return Path(candidate)
    for name in ("initdb", "pg_ctl"):
        if shutil.which(name) is None:
            return None
    return Path(shutil.which("pg_ctl") or "").parent


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _LocalPostgres:
    """A throwaway PostgreSQL cluster in a temporary directory."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_user: list[str] = []
        self.datadir = Path(tempfile.mkdtemp(prefix="thaivc-pg-"))
        if os.geteuid() == 0:
            # initdb refuses to run as root
            import pwd

            entry = pwd.getpwnam("postgres")
            os.chown(self.datadir, entry.pw_uid, entry.pw_gid)
            runuser = shutil.which("runuser")
            self.as_user = [runuser, "-u", "postgres", "--"] if runuser else ["su", "postgres", "-c"]
        self.port = 0

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        cmd = [str(a) for a in args]
        # su takes one shell command line; runuser takes argv
        cmd = [*self.as_user, shlex.join(cmd)] if self.as_user[:1] == ["su"] else [*self.as_user, *cmd]
        return subprocess.run(cmd, capture_output=True, text=True, timeout=120, check=False)

    def start(self) -> str:
        pgdata = self.datadir / "data"
        init = self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(pgdata),
            "-U",
            "postgres",
            "--auth=trust",
            "-E",
            "UTF8",
            "--no-sync",
        )
        if init.returncode != 0:
            raise RuntimeError(f"initdb failed: {init.stderr.strip()[-500:]}")
        last_error = ""
        for _ in range(5):
            self.port = _free_port()
            options = (
                f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.datadir} -c fsync=off "
                "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
            )
            started = self._run(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(pgdata),
                "-l",
                str(self.datadir / "log"),
                "-o",
                options,
                "-w",
                "-t",
                "60",
                "start",
            )
            if started.returncode == 0:
                return f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres"
            last_error = started.stderr.strip() + (self.datadir / "log").read_text(errors="replace")[-500:]
        raise RuntimeError(f"pg_ctl start failed: {last_error}")

    def stop(self) -> None:
        self._run(
            str(self.bindir / "pg_ctl"), "-D", str(self.datadir / "data"), "-m", "immediate", "-w", "stop"
        )
        shutil.rmtree(self.datadir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """DSN of the maintenance database of a PostgreSQL server for this test process."""
    if os.environ.get(SKIP_ENV) == "1":
        banner = f"\n{'!' * 70}\n{SKIP_ENV}=1: PostgreSQL status-store tests are SKIPPED\n{'!' * 70}\n"
        sys.stderr.write(banner)
        warnings.warn(f"{SKIP_ENV}=1: PostgreSQL tests skipped", stacklevel=1)
        pytest.skip(f"{SKIP_ENV}=1 (PostgreSQL tests explicitly disabled)")
    dsn = os.environ.get(DSN_ENV)
    if dsn:
        yield dsn
        return
    bindir = _pg_bindir()
    if bindir is None:
        pytest.fail(
            f"PostgreSQL tests need a server: set {DSN_ENV} to a DSN, install PostgreSQL (initdb/pg_ctl), "
            f"or opt out explicitly with {SKIP_ENV}=1",
            pytrace=False,
        )
    server = _LocalPostgres(bindir)
    try:
        dsn = server.start()
    except (RuntimeError, OSError, KeyError, subprocess.SubprocessError) as exc:
        server.stop()
        pytest.fail(f"could not start a throwaway PostgreSQL from {bindir}: {exc}", pytrace=False)
    try:
        yield dsn
    finally:
        server.stop()


@pytest.fixture
def pg_dsn(pg_server: str) -> Iterator[str]:
    """A fresh database for one test (works under pytest-xdist: names are unique)."""
    import psycopg

    name = f"thaivc_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{pg_server.rsplit('dbname=', 1)[0]}dbname={name}"
    with psycopg.connect(pg_server, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
