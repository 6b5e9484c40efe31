"""``kill -9`` and Ctrl-C at random points: the batch resumes with nobody issued twice, nobody lost
and no status index without its credential.

The batch runs as the real command line (``python -m thaivc issue-batch``, two worker processes) in
its own process group; the whole group is killed with SIGKILL after a random delay, several times,
then the command is run again until it finishes. The seed is in the test id, so a failure replays.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from batch_helpers import BASE_URL, TEMPLATE, check_invariants, make_status_db, store_entries, url_dsn, write_jsonl

import thaivc

ROWS = 240
CHUNK = 6
SRC = str(Path(__file__).resolve().parents[2] / "src")


def _command(tmp_path: Path, db: str) -> list[str]:
    return [
        sys.executable, "-m", "thaivc", "issue-batch", str(tmp_path / "in.jsonl"),
        "--template", str(tmp_path / "t.json"), "--key", str(tmp_path / "agency.jwk.json"),
        "--out", str(tmp_path / "out"), "--status", db, "--workers", "2", "--chunk-size", str(CHUNK), "--quiet",
    ]


def _setup(tmp_path: Path, db: str) -> None:
    key = thaivc.generate_key("Ed25519")
    key.save(tmp_path / "agency.jwk.json")
    make_status_db(db, key)
    (tmp_path / "t.json").write_text(json.dumps(TEMPLATE))
    write_jsonl(tmp_path / "in.jsonl", ROWS, [thaivc.generate_key("P-256").did for _ in range(4)])


def _start(command: list[str]) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONPATH": SRC + os.pathsep + os.environ.get("PYTHONPATH", "")}
    return subprocess.Popen(command, env=env, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _parts(tmp_path: Path) -> list[Path]:
    parts = tmp_path / "out" / "parts"
    return sorted(parts.glob("part-*.jsonl")) if parts.is_dir() else []



def _written(tmp_path: Path) -> int:
    """Credentials on disk; a part renamed into place (or away) while it is being listed is skipped."""
    total = 0
    for part in _parts(tmp_path):
        with contextlib.suppress(FileNotFoundError):
            total += len(part.read_bytes().splitlines())
    return total


def _aimed_kills(tmp_path: Path, db: str, command: list[str], rounds: int = 5) -> list[int]:
    """Random blows can all miss the window on a fast machine: aim at it, up to ``rounds`` times.

    Each round watches the store and the part files and kills the process group the moment an index
    is allocated whose credential is not yet on disk, so the resume is tested from inside the window.
    """
    seen: list[int] = []
    for _ in range(rounds):
        proc = _start(command)
        deadline = time.monotonic() + 120
        while proc.poll() is None and time.monotonic() < deadline:
            if len(store_entries(db)) > _written(tmp_path):
                os.killpg(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.001)
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=120)
        if proc.returncode == 0:  # it finished first (and assembled its parts): nothing was hit
            break
        seen.append(len(store_entries(db)) - _written(tmp_path))
        if seen[-1] > 0:
            break
    return seen


def _interrupt_then_finish(tmp_path: Path, db: str, seed: int, sig: signal.Signals, kills: int) -> None:
    """Interrupt the run ``kills`` times, each when a random number of chunks more is on disk."""
    rng = random.Random(seed)
    command = _command(tmp_path, db)
    chunks = -(-ROWS // CHUNK)
    targets = sorted(rng.sample(range(1, chunks - 1), kills))
    orphans_seen = []  # allocated indices whose credential was not yet written, at each blow
    for target in targets:
        proc = _start(command)
        deadline = time.monotonic() + 300
        while len(_parts(tmp_path)) < target and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, 0.05))
        if proc.poll() is not None:
            break  # finished before the blow
        os.killpg(proc.pid, sig)
        _, err = proc.communicate(timeout=120)
        if sig == signal.SIGINT:
            assert proc.returncode in (0, 130), err.decode()
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)  # no orphan worker survives into the next run
        written = sum(len(p.read_bytes().splitlines()) for p in _parts(tmp_path))
        orphans_seen.append(len(store_entries(db)) - written)
    if sig == signal.SIGKILL and not any(n > 0 for n in orphans_seen):
        orphans_seen += _aimed_kills(tmp_path, db, command)
    print(f"seed {seed}: allocated-but-unwritten at each interruption: {orphans_seen}")
    if sig == signal.SIGKILL:
        assert any(n > 0 for n in orphans_seen), "no kill hit the window between allocation and write"
    final = _start(command)
    out, err = final.communicate(timeout=600)
    assert final.returncode == 0, err.decode()
    assert b"issued" in out
    check_invariants([tmp_path / "out"], db, ROWS)
    # the published lists are there and name exactly the allocated lists
    lists = {p.name for p in (tmp_path / "out" / "lists").iterdir() if p.is_file()}
    assert lists and lists == {p.name for p in (tmp_path / "out" / "lists" / "token").iterdir()}


@pytest.mark.slow
@pytest.mark.parametrize("seed", [11, 29])
def test_sigkill_at_random_points_then_resume_sqlite(tmp_path: Path, seed: int) -> None:
    db = str(tmp_path / "status.db")
    _setup(tmp_path, db)
    _interrupt_then_finish(tmp_path, db, seed, signal.SIGKILL, kills=3)


@pytest.mark.slow
@pytest.mark.postgres
def test_sigkill_at_random_points_then_resume_postgres(tmp_path: Path, pg_dsn: str) -> None:
    db = url_dsn(pg_dsn)
    _setup(tmp_path, db)
    _interrupt_then_finish(tmp_path, db, 7, signal.SIGKILL, kills=3)


@pytest.mark.slow
def test_ctrl_c_keeps_finished_chunks_and_resumes(tmp_path: Path) -> None:
    db = str(tmp_path / "status.db")
    _setup(tmp_path, db)
    _interrupt_then_finish(tmp_path, db, 3, signal.SIGINT, kills=1)


def test_base_url_is_what_the_lists_are_served_at() -> None:
    assert BASE_URL.startswith("https://") and not BASE_URL.endswith("/")
