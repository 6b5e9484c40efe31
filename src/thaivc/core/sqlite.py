"""What every SQLite store of thaivc does the same way: wait out a busy file, write in one transaction.

SQLite's own ``busy_timeout`` puts a waiting writer to sleep, but in a few cases it answers
``SQLITE_BUSY`` at once without waiting: switching a brand-new file to WAL while another process holds
any lock on it, or a stale WAL snapshot. :func:`retry_while_busy` runs a step again, after a short
random pause (jitter, so workers that collided once do not collide again in step), until a deadline.
Which errors are worth waiting for, and how a final failure is reported, belong to each store: the
OpenID state store turns every SQLite error into ``openid.store``, the status store lets the SQLite
error through to say in its own words where it happened — so both are parameters.

:func:`immediate` is the one write shape both stores use: ``BEGIN IMMEDIATE`` takes the write lock up
front (two processes never both read and then race to upgrade their lock), and a failure rolls back.
"""

from __future__ import annotations

import secrets
import sqlite3
import time
from collections.abc import Callable, Sequence
from typing import Final, TypeVar

__all__ = ["FIRST_PAUSE", "MAX_PAUSE", "create_schema", "immediate", "is_busy", "retry_while_busy"]

T = TypeVar("T")

#: Primary result codes that mean "another connection holds a lock": worth waiting for.
_BUSY_CODES: Final = frozenset({sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED})
#: The first pause between two tries, in seconds; it doubles up to :data:`MAX_PAUSE`.
FIRST_PAUSE: Final = 0.005
MAX_PAUSE: Final = 0.1


def is_busy(exc: sqlite3.Error) -> bool:
    """Whether ``exc`` says another connection holds a lock (its result code, else its message)."""
    code = getattr(exc, "sqlite_errorcode", None)
    if isinstance(code, int):
        return code & 0xFF in _BUSY_CODES
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def retry_while_busy(
    step: Callable[[], T],
    *,
    timeout: float,
    retry: Callable[[sqlite3.OperationalError], bool] = is_busy,
    fail: Callable[[sqlite3.Error], Exception] | None = None,
) -> T:
    """``step()``, run again while it raises an ``OperationalError`` that ``retry`` accepts, until
    ``timeout`` seconds have passed.

    Any other SQLite error, or a busy one past the deadline, is raised as ``fail(exc)`` when ``fail``
    is given (without the SQLite traceback chained), else as it is. Errors that are not SQLite's pass
    through untouched.
    """
    deadline = time.monotonic() + timeout
    pause = FIRST_PAUSE
    while True:
        try:
            return step()
        except sqlite3.OperationalError as exc:
            if not retry(exc) or time.monotonic() + pause > deadline:
                if fail is None:
                    raise
                raise fail(exc) from None
        except sqlite3.Error as exc:
            if fail is None:
                raise
            raise fail(exc) from None
        time.sleep(pause * (0.5 + secrets.randbelow(1000) / 1000))
        pause = min(pause * 2, MAX_PAUSE)


def immediate(conn: sqlite3.Connection, body: Callable[[sqlite3.Connection], T]) -> T:
    """``body(conn)`` inside ``BEGIN IMMEDIATE`` … ``COMMIT`` on an autocommit connection
    (``isolation_level=None``); rolled back when anything is raised."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = body(conn)
    except BaseException:
        conn.rollback()
        raise
    conn.commit()
    return result


def create_schema(conn: sqlite3.Connection, statements: Sequence[str]) -> None:
    """Run a store's ``CREATE … IF NOT EXISTS`` statements as one write transaction."""

    def run(c: sqlite3.Connection) -> None:
        for statement in statements:
            c.execute(statement)

    immediate(conn, run)
