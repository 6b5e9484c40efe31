"""The floor's SQLite helper: which errors it waits out, how it gives up, and that a failed write rolls back."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable

import pytest

from thaivc.core.errors import ThaiVCError
from thaivc.core.sqlite import create_schema, immediate, is_busy, retry_while_busy


def _flaky(failures: list[Exception]) -> tuple[list[int], Callable[[], str]]:
    calls: list[int] = []

    def step() -> str:
        calls.append(1)
        if failures:
            raise failures.pop(0)
        return "done"

    return calls, step


def _store_error(exc: sqlite3.Error) -> ThaiVCError:
    return ThaiVCError("openid.store", f"{type(exc).__name__}: {exc}")


def test_a_busy_file_is_waited_out() -> None:
    calls, step = _flaky([sqlite3.OperationalError("database is locked")] * 3)
    assert retry_while_busy(step, timeout=5) == "done"
    assert len(calls) == 4


def test_busy_past_the_deadline_fails_through_the_factory_without_the_sqlite_chain() -> None:
    calls, step = _flaky([sqlite3.OperationalError("database is locked")] * 1000)
    started = time.monotonic()
    with pytest.raises(ThaiVCError) as info:
        retry_while_busy(step, timeout=0.05, fail=_store_error)
    assert time.monotonic() - started < 2
    assert info.value.code == "openid.store" and "locked" in info.value.detail
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert 1 < len(calls) < 1000


def test_without_a_factory_the_sqlite_error_itself_is_raised() -> None:
    _calls, step = _flaky([sqlite3.OperationalError("database is locked")] * 1000)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        retry_while_busy(step, timeout=0.02)


@pytest.mark.parametrize("error", [sqlite3.OperationalError("no such table: x"), sqlite3.IntegrityError("UNIQUE")])
def test_an_error_that_is_not_busy_is_not_retried(error: sqlite3.Error) -> None:
    calls, step = _flaky([error])
    with pytest.raises(ThaiVCError) as info:
        retry_while_busy(step, timeout=5, fail=_store_error)
    assert len(calls) == 1 and info.value.code == "openid.store"
    calls, step = _flaky([error])
    with pytest.raises(type(error)):
        retry_while_busy(step, timeout=5)
    assert len(calls) == 1


def test_the_store_decides_what_is_worth_waiting_for() -> None:
    calls, step = _flaky([sqlite3.OperationalError("WAL not yet")] * 2)
    assert retry_while_busy(step, timeout=5, retry=lambda e: "WAL" in str(e)) == "done"
    calls, step = _flaky([sqlite3.OperationalError("database is locked")])
    with pytest.raises(sqlite3.OperationalError):
        retry_while_busy(step, timeout=5, retry=lambda e: False)
    assert len(calls) == 1


def test_other_errors_pass_through_untouched() -> None:
    _calls, step = _flaky([ValueError("not sqlite")])
    with pytest.raises(ValueError, match="not sqlite"):
        retry_while_busy(step, timeout=5, fail=_store_error)


def test_busy_is_read_from_the_result_code_first() -> None:
    conn = sqlite3.connect(":memory:")
    try:
        conn.execute("SELECT * FROM missing")
    except sqlite3.OperationalError as exc:
        assert not is_busy(exc)
    assert is_busy(sqlite3.OperationalError("database table is locked"))


def test_a_failed_write_rolls_back_and_a_good_one_commits() -> None:
    conn = sqlite3.connect(":memory:", isolation_level=None)
    create_schema(conn, ["CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY)"])
    create_schema(conn, ["CREATE TABLE IF NOT EXISTS t (k TEXT PRIMARY KEY)"])  # idempotent
    immediate(conn, lambda c: c.execute("INSERT INTO t VALUES ('a')"))

    def half_then_fail(c: sqlite3.Connection) -> None:
        c.execute("INSERT INTO t VALUES ('b')")
        c.execute("INSERT INTO t VALUES ('a')")  # duplicate key

    with pytest.raises(sqlite3.IntegrityError):
        immediate(conn, half_then_fail)
    assert [r[0] for r in conn.execute("SELECT k FROM t")] == ["a"] and not conn.in_transaction
