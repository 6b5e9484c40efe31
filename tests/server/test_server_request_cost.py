"""What was cut from the server's CPU per verification must not change an answer.

* a challenge is spent by one autocommitted conditional ``UPDATE`` (one round trip instead of three):
  raced by many threads over two connections pools (two workers), exactly one wins; a replayed,
  expired or unknown challenge is refused and classified;
* verdicts and problems are written by orjson: the same JSON as the standard library's, and a value
  orjson would write differently (NaN, a huge integer, a non-string key) takes the old route.
"""

from __future__ import annotations

import json
import math
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from thaivc.server.db import Database
from thaivc.server.problems import dump_json


@pytest.fixture
def make_db(tmp_path: Path) -> Iterator[Callable[[str | None], Database]]:
    made: list[Database] = []

    def make(url: str | None = None) -> Database:
        db = Database(url or f"sqlite:///{tmp_path / 'service.db'}")
        db.migrate()
        made.append(db)
        return db

    yield make
    for db in made:
        db.close()


def _race(dbs: list[Database], challenge: str, threads: int = 12) -> list[str]:
    results: list[str] = []
    lock = threading.Lock()
    start = threading.Barrier(threads)

    def redeem(db: Database) -> None:
        start.wait()
        state = db.redeem_challenge(challenge)
        with lock:
            results.append(state)

    workers = [threading.Thread(target=redeem, args=(dbs[i % len(dbs)],)) for i in range(threads)]
    for t in workers:
        t.start()
    for t in workers:
        t.join()
    return results


def _check_spending(a: Database, b: Database) -> None:
    for _ in range(3):
        challenge = a.new_challenge(60)
        results = _race([a, b], challenge)
        assert results.count("fresh") == 1, results
        assert set(results) == {"fresh", "replayed"}
    assert a.redeem_challenge("never-issued-challenge") == "unknown"
    assert a.redeem_challenge("short") == "unknown"
    expired = a.new_challenge(-5)
    assert b.redeem_challenge(expired) == "expired"
    assert a.redeem_challenge(expired) == "expired"  # refusing did not spend it into "replayed"


def test_one_challenge_raced_by_two_workers_on_sqlite_is_spent_once(make_db: Callable[..., Database]) -> None:
    _check_spending(make_db(), make_db())


@pytest.mark.postgres
def test_one_challenge_raced_by_two_workers_on_postgresql_is_spent_once(
    make_db: Callable[..., Database], pg_dsn: str
) -> None:
    from psycopg.conninfo import conninfo_to_dict

    parts = conninfo_to_dict(pg_dsn)
    url = f"postgresql://{parts['user']}@{parts['host']}:{parts['port']}/{parts['dbname']}"
    _check_spending(make_db(url), make_db(url))


def test_a_spending_statement_on_a_broken_database_is_service_unavailable(
    make_db: Callable[..., Database], tmp_path: Path
) -> None:
    db = make_db()
    challenge = db.new_challenge(60)
    import sqlite3

    raw = sqlite3.connect(tmp_path / "service.db")
    raw.execute("ALTER TABLE thaivc_challenge RENAME TO thaivc_challenge_away")
    raw.commit()
    try:
        from thaivc.core.errors import ThaiVCError

        with pytest.raises(ThaiVCError) as caught:
            db.redeem_challenge(challenge)
        assert caught.value.code == "service.unavailable"
    finally:
        raw.execute("ALTER TABLE thaivc_challenge_away RENAME TO thaivc_challenge")
        raw.commit()
        raw.close()
    assert db.redeem_challenge(challenge) == "fresh"  # the refused attempt spent nothing


@pytest.mark.parametrize(
    "value",
    [
        {"verified": True, "checks": [{"name": "status", "status": "pass", "detail": 'สมชาย ใจดี \u2028 \x1f "q"'}]},
        {"nested": [[], {}, [1, -2, 2**63 - 1], None, False, "😀"]},
        [],
        "text",
    ],
)
def test_orjson_writes_what_the_standard_library_wrote(value: Any) -> None:
    assert dump_json(value) == json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode()


def test_values_orjson_would_change_take_the_standard_route() -> None:
    assert dump_json({"big": 2**70}) == b'{"big":1180591620717411303424}'
    assert dump_json({1: "a"}) == b'{"1":"a"}'
    assert dump_json({"x": 0.5}) == b'{"x":0.5}'
    with pytest.raises(ValueError):
        dump_json({"x": math.nan})  # refused, as JSONResponse refuses it; orjson would write null


class _Float(float):
    pass


class _Dict(dict):  # type: ignore[type-arg]
    pass


@pytest.mark.parametrize(
    "value",
    [
        {"a": [{"b": ({"c": [1, 2, {"d": 1.5}]},)}]},  # a float deep inside a tuple inside lists
        {"x": _Float(1e16)},  # a float subclass: json writes 1e+16, orjson 1e16
        [_Dict(y=[0.1])],  # a dict subclass holding a float
        {"z": float("inf")},
    ],
)
def test_a_float_anywhere_takes_the_standard_route(value: Any) -> None:
    try:
        expected: bytes | None = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode()
    except ValueError:
        expected = None
    if expected is None:
        with pytest.raises(ValueError):
            dump_json(value)
    else:
        assert dump_json(value) == expected
