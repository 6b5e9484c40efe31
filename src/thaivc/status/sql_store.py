"""The SQL logic shared by the SQLite and PostgreSQL status stores.

Both backends run the same statements (written with ``?`` placeholders; the PostgreSQL store
translates them) and differ only in how a transaction is opened, how writers are serialised and how a
batch of credential ids is loaded. Those differences are the abstract hooks below.

Index allocation is serialised per issuer and purpose (the write lock), reads the indices already
used in the open list, draws new ones with :mod:`secrets` and inserts them in one statement batch.
The primary key ``(list_id, idx)``, not the process, is what guarantees that an index is never
handed out twice: should two writers ever clash, the transaction aborts instead of sharing an index.
A list is closed once ``capacity`` indices are used and a fresh list is opened.
"""

from __future__ import annotations

import json
import secrets
import time
from abc import ABC, abstractmethod
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from typing import Any, Final, Literal

from thaivc.core.errors import ThaiVCError, UsageError
from thaivc.status.store import Allocation, ListFormat, ListInfo, ListSnapshot, Publication

__all__ = [
    "SCHEMA",
    "EntryRow",
    "SqlStatusStore",
    "migrate_schema",
    "require_origin",
    "schema_migrations",
    "store_closed",
]

SCHEMA: Final = (
    """CREATE TABLE IF NOT EXISTS thaivc_status_list (
        list_id TEXT PRIMARY KEY,
        issuer_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        status_size INTEGER NOT NULL,
        list_size INTEGER NOT NULL,
        messages TEXT NOT NULL DEFAULT '',
        allocated INTEGER NOT NULL DEFAULT 0,
        revision BIGINT NOT NULL DEFAULT 0,
        is_open INTEGER NOT NULL DEFAULT 1,
        created_seq BIGINT NOT NULL
    )""",
    """CREATE INDEX IF NOT EXISTS thaivc_status_list_open
        ON thaivc_status_list (issuer_id, purpose, is_open)""",
    """CREATE TABLE IF NOT EXISTS thaivc_status_entry (
        list_id TEXT NOT NULL REFERENCES thaivc_status_list (list_id),
        idx INTEGER NOT NULL,
        issuer_id TEXT NOT NULL,
        purpose TEXT NOT NULL,
        credential_id TEXT NOT NULL,
        value INTEGER NOT NULL DEFAULT 0,
        PRIMARY KEY (list_id, idx),
        UNIQUE (issuer_id, purpose, credential_id)
    )""",
    """CREATE TABLE IF NOT EXISTS thaivc_status_publication (
        list_id TEXT NOT NULL REFERENCES thaivc_status_list (list_id),
        format TEXT NOT NULL,
        version INTEGER NOT NULL,
        revision BIGINT NOT NULL,
        body TEXT NOT NULL,
        created_at BIGINT NOT NULL,
        PRIMARY KEY (list_id, format, version)
    )""",
    """CREATE TABLE IF NOT EXISTS thaivc_status_setting (
        name TEXT PRIMARY KEY,
        value TEXT NOT NULL
    )""",
)

_ORIGIN_3: Final = "ALTER TABLE thaivc_status_entry ADD COLUMN origin TEXT"
_VERSIONS_TABLE: Final = (
    "CREATE TABLE IF NOT EXISTS thaivc_status_schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL,"
    " applied_at BIGINT NOT NULL)"
)


Statement = tuple[str, tuple[Any, ...]]
#: A new entry: ``(list_id, idx, issuer_id, purpose, credential_id, allocated_at, origin)``.
EntryRow = tuple[str, int, str, str, str, int, str | None]


def schema_migrations(dialect: Literal["sqlite", "postgres"], now: int) -> dict[int, tuple[str, list[Statement]]]:
    """The store's numbered migrations: version -> (name, ``(sql, params)`` statements). Append only.

    Version 1 is the original schema (``CREATE … IF NOT EXISTS``: a store created before versions
    existed takes it as a no-op). Version 2 adds ``thaivc_status_entry.allocated_at`` (Unix seconds,
    written by :meth:`SqlStatusStore.allocate`), so reconciliation can leave an issuance in flight
    alone: an entry younger than a grace period may still be waiting for its register row. Rows that
    existed before the migration are stamped with the migration's own time — they are at least that
    old, so the stamp never makes one look older than it is. The column has no default: a row written
    later without a time (by an older thaivc still running during an upgrade) stays ``NULL``, and a
    ``NULL`` age is never old enough for reconciliation to touch. On PostgreSQL the stamp is a
    constant default dropped at once, which PostgreSQL applies without rewriting the table; SQLite
    cannot drop a default, so it is an ``UPDATE``. Version 3 adds ``origin``: who allocated the entry
    (:attr:`SqlStatusStore.origin`), ``NULL`` for every older row and for allocators that name none.
    """
    allocated_at: list[Statement]
    if dialect == "postgres":
        allocated_at = [
            # DDL takes no parameters; the value is an int this function formats itself
            (f"ALTER TABLE thaivc_status_entry ADD COLUMN allocated_at BIGINT DEFAULT {int(now):d}", ()),
            ("ALTER TABLE thaivc_status_entry ALTER COLUMN allocated_at DROP DEFAULT", ()),
        ]
    else:
        allocated_at = [
            ("ALTER TABLE thaivc_status_entry ADD COLUMN allocated_at BIGINT", ()),
            ("UPDATE thaivc_status_entry SET allocated_at = ? WHERE allocated_at IS NULL", (int(now),)),
        ]
    return {
        1: ("lists, entries, publications, settings", [(statement, ()) for statement in SCHEMA]),
        2: ("the allocation time of an entry, for reconciliation", allocated_at),
        # NULL for every row before it and for every allocator that names none (the command line,
        # batch issuance, the library): only an allocator that names itself may later treat its own
        # unregistered entries as abandoned; nobody may presume that of another's
        3: ("the allocator of an entry, for reconciliation", [(_ORIGIN_3, ())]),
    }


def migrate_schema(
    execute: Callable[[str, Sequence[Any]], Any], dialect: Literal["sqlite", "postgres"], now: int | None = None
) -> list[int]:
    """Apply the migrations not yet applied, through ``execute(sql, params)`` (a cursor's, inside the
    caller's write transaction, which serialises stores starting together); the versions applied now."""
    stamp = int(time.time()) if now is None else now
    execute(_VERSIONS_TABLE, ())
    done = {int(row[0]) for row in execute("SELECT version FROM thaivc_status_schema_version", ()).fetchall()}
    applied: list[int] = []
    for version, (name, statements) in sorted(schema_migrations(dialect, stamp).items()):
        if version in done:
            continue
        for statement, params in statements:
            execute(statement, params)
        execute(
            "INSERT INTO thaivc_status_schema_version (version, name, applied_at) VALUES (?, ?, ?)",
            (version, name, stamp),
        )
        applied.append(version)
    return applied


#: Batches up to this size are handled row by row; larger ones through a loaded id table.
_SMALL_BATCH: Final = 32
_SELECT_LISTS: Final = (
    "SELECT list_id, issuer_id, purpose, status_size, list_size, messages, allocated, revision"
    " FROM thaivc_status_list"
)


def require_origin(origin: str | None) -> str | None:
    """``origin`` as a store option: ``None``, or a name of 1 to 64 characters."""
    if origin is not None and not (isinstance(origin, str) and 0 < len(origin) <= 64):
        raise UsageError("usage.invalid_argument", "origin is a name of 1 to 64 characters")
    return origin


def store_closed() -> ThaiVCError:
    """What any use of a closed status store raises (the SQLite and PostgreSQL stores alike)."""
    return ThaiVCError("status.store", "the status store is closed")


def _messages_key(messages: tuple[str, ...] | None) -> str:
    return "" if messages is None else json.dumps(list(messages), ensure_ascii=False, separators=(",", ":"))


def _list_info(row: Sequence[Any]) -> ListInfo:
    messages = tuple(json.loads(row[5])) if row[5] else None
    return ListInfo(
        list_id=row[0],
        issuer_id=row[1],
        purpose=row[2],
        status_size=int(row[3]),
        list_size=int(row[4]),
        messages=messages,
        allocated=int(row[6]),
        revision=int(row[7]),
    )


class _Picker:
    """Draws distinct random indices of one list, given those already used.

    Allocation runs under the issuer/purpose write lock, so the set of used indices read at the
    start of a batch is exact; the primary key still guards against any mistake. Once a list is
    three-quarters full, drawing switches to an explicit free list so the last indices cost no more
    than the first.
    """

    __slots__ = ("_free", "list_size", "used")

    def __init__(self, list_size: int, used: set[int]) -> None:
        self.list_size = list_size
        self.used = used
        self._free: list[int] | None = None

    def draw(self, count: int) -> list[int]:
        """``count`` distinct random indices not in ``used`` (nor among themselves), drawn in bulk.

        The 32-bit words come from one :func:`secrets.token_bytes` call; a word beyond the largest
        multiple of ``list_size`` is dropped (rejection keeps the draw uniform). The caller adds the
        indices it keeps to ``used``.
        """
        limit = (1 << 32) - (1 << 32) % self.list_size
        out: list[int] = []
        seen = self.used
        fresh: set[int] = set()
        while len(out) < count:
            words = array("I", secrets.token_bytes(4 * (count - len(out)) + 64))
            for word in words:
                if word >= limit:
                    continue
                index = word % self.list_size
                if index in seen or index in fresh:
                    continue
                fresh.add(index)
                out.append(index)
                if len(out) == count:
                    break
        return out

    def pick(self) -> int:
        if self._free is None and len(self.used) * 4 < self.list_size * 3:
            while True:
                index = secrets.randbelow(self.list_size)
                if index not in self.used:
                    self.used.add(index)
                    return index
        if self._free is None:
            self._free = [i for i in range(self.list_size) if i not in self.used]
        if not self._free:
            raise ThaiVCError("status.store", "the status list is full")
        slot = secrets.randbelow(len(self._free))
        self._free[slot], self._free[-1] = self._free[-1], self._free[slot]
        index = self._free.pop()
        self.used.add(index)
        return index


class SqlStatusStore(ABC):
    """Backend-neutral implementation of :class:`~thaivc.status.store.StatusStore`.

    :attr:`origin` (a constructor option of both backends) is written on every entry this store
    object allocates (an existing entry keeps its own): an allocator that later reconciles its
    unregistered entries — ``thaivc serve`` — touches only those it made itself, never another
    program's on the same database. ``None`` (the default) leaves the column ``NULL``.
    """

    origin: str | None = None

    # -- backend hooks -------------------------------------------------------------------------
    @abstractmethod
    def _write(self, lock_key: str) -> AbstractContextManager[Any]:
        """A write transaction, serialised against other writers holding ``lock_key``; yields a cursor."""

    @abstractmethod
    def _read(self) -> AbstractContextManager[Any]:
        """A read transaction over one consistent snapshot; yields a cursor."""

    @abstractmethod
    def _execute(self, cur: Any, sql: str, params: Sequence[Any] = ()) -> Any: ...

    @abstractmethod
    def _execute_many(self, cur: Any, sql: str, rows: Sequence[Sequence[Any]]) -> None: ...

    def _insert_entries(self, cur: Any, rows: Sequence[EntryRow]) -> None:
        """Insert new entry rows (:data:`EntryRow`), value 0."""
        self._execute_many(
            cur,
            "INSERT INTO thaivc_status_entry (list_id, idx, issuer_id, purpose, credential_id, value, allocated_at,"
            " origin) VALUES (?, ?, ?, ?, ?, 0, ?, ?)",
            rows,
        )

    @abstractmethod
    def _used_among(self, cur: Any, list_id: str, candidates: Sequence[int]) -> set[int]:
        """Which of ``candidates`` are already indices of ``list_id`` (one query)."""

    @abstractmethod
    def _load_ids(self, cur: Any, credential_ids: Iterable[str]) -> int:
        """Fill the temporary table ``thaivc_ids(id)`` with the distinct ids; return their count."""

    @abstractmethod
    def _lock_list(self, cur: Any, list_id: str) -> None:
        """Serialise publishers of one list within the current write transaction."""

    @abstractmethod
    def close(self) -> None: ...

    # -- allocation ----------------------------------------------------------------------------
    def allocate(
        self,
        credential_ids: Sequence[str],
        *,
        issuer_id: str,
        purpose: str,
        status_size: int,
        list_size: int,
        capacity: int,
        messages: tuple[str, ...] | None,
    ) -> list[Allocation]:
        if not 0 < capacity <= list_size:
            raise UsageError("usage.invalid_argument", "capacity must be in 1..list_size")
        messages_key = _messages_key(messages)
        wanted = list(dict.fromkeys(credential_ids))
        found: dict[str, Allocation] = {}
        with self._write(f"{issuer_id}\x1f{purpose}") as cur:
            for cid, lid, idx in self._existing(cur, issuer_id, purpose, wanted):
                found[cid] = Allocation(cid, purpose, lid, int(idx))
            current = self._execute(
                cur,
                "SELECT list_id, allocated FROM thaivc_status_list WHERE issuer_id = ? AND purpose = ?"
                " AND status_size = ? AND list_size = ? AND messages = ? AND is_open = 1"
                " ORDER BY created_seq LIMIT 1",
                (issuer_id, purpose, status_size, list_size, messages_key),
            ).fetchone()
            list_id: str | None = current[0] if current else None
            allocated = int(current[1]) if current else 0
            rows: list[EntryRow] = []
            allocated_at = int(time.time())  # the age reconciliation reads (schema version 2)
            pending = [cid for cid in wanted if cid not in found]
            while pending:
                if list_id is None or allocated >= capacity:
                    if list_id is not None:
                        self._close_list(cur, list_id, allocated)
                    list_id = self._new_list(
                        cur,
                        issuer_id=issuer_id,
                        purpose=purpose,
                        status_size=status_size,
                        list_size=list_size,
                        messages_key=messages_key,
                    )
                    allocated = 0
                take, pending = pending[: capacity - allocated], pending[capacity - allocated :]
                indices = self._draw(cur, list_id, list_size, allocated, len(take))
                for credential_id, index in zip(take, indices, strict=True):
                    rows.append((list_id, index, issuer_id, purpose, credential_id, allocated_at, self.origin))
                    found[credential_id] = Allocation(credential_id, purpose, list_id, index)
                allocated += len(take)
            # The primary key (list_id, idx) is the guarantee: a clash aborts the whole transaction.
            if rows:
                self._insert_entries(cur, rows)
            if list_id is not None:
                self._execute(
                    cur,
                    "UPDATE thaivc_status_list SET allocated = ?, is_open = ? WHERE list_id = ?",
                    (allocated, 1 if allocated < capacity else 0, list_id),
                )
        return [found[cid] for cid in credential_ids]

    def _draw(self, cur: Any, list_id: str, list_size: int, allocated: int, count: int) -> list[int]:
        """``count`` random indices of ``list_id`` no entry holds yet (under the write lock).

        While the list is under three-quarters full, candidates are drawn in bulk and only they are
        looked up (one query per round of redraws), so a chunk of a large batch costs the same in a
        list of 60,000 entries as in an empty one; past that, the used indices are read once and
        the free ones drawn from (:class:`_Picker`), so the last indices cost no more than the first.
        """
        if (allocated + count) * 4 < list_size * 3:
            picker = _Picker(list_size, set())
            chosen: list[int] = []
            while len(chosen) < count:
                candidates = picker.draw(count - len(chosen))
                taken = self._used_among(cur, list_id, candidates) if allocated else set()
                picker.used.update(candidates)
                chosen.extend(i for i in candidates if i not in taken)
            return chosen
        used = self._execute(cur, "SELECT idx FROM thaivc_status_entry WHERE list_id = ?", (list_id,)).fetchall()
        full = _Picker(list_size, {int(r[0]) for r in used})
        return [full.pick() for _ in range(count)]

    def _existing(self, cur: Any, issuer_id: str, purpose: str, wanted: list[str]) -> list[Any]:
        """The entries some of ``wanted`` already hold: probed one by one for the small batches of
        everyday issuance, joined against a loaded id table for large ones."""
        if len(wanted) <= _SMALL_BATCH:
            rows = []
            for credential_id in wanted:
                row = self._execute(
                    cur,
                    "SELECT credential_id, list_id, idx FROM thaivc_status_entry"
                    " WHERE issuer_id = ? AND purpose = ? AND credential_id = ?",
                    (issuer_id, purpose, credential_id),
                ).fetchone()
                if row is not None:
                    rows.append(row)
            return rows
        self._load_ids(cur, wanted)
        return list(
            self._execute(
                cur,
                "SELECT credential_id, list_id, idx FROM thaivc_status_entry"
                " WHERE issuer_id = ? AND purpose = ? AND credential_id IN (SELECT id FROM thaivc_ids)",
                (issuer_id, purpose),
            ).fetchall()
        )

    def _close_list(self, cur: Any, list_id: str, allocated: int) -> None:
        self._execute(
            cur,
            "UPDATE thaivc_status_list SET allocated = ?, is_open = 0 WHERE list_id = ?",
            (allocated, list_id),
        )

    def _new_list(
        self, cur: Any, *, issuer_id: str, purpose: str, status_size: int, list_size: int, messages_key: str
    ) -> str:
        list_id = secrets.token_hex(8)
        row = self._execute(
            cur, "SELECT COALESCE(MAX(created_seq), 0) + 1 FROM thaivc_status_list"
        ).fetchone()
        self._execute(
            cur,
            "INSERT INTO thaivc_status_list (list_id, issuer_id, purpose, status_size, list_size, messages,"
            " allocated, revision, is_open, created_seq) VALUES (?, ?, ?, ?, ?, ?, 0, 0, 1, ?)",
            (list_id, issuer_id, purpose, status_size, list_size, messages_key, int(row[0])),
        )
        return list_id

    # -- values --------------------------------------------------------------------------------
    def lookup(self, issuer_id: str, purpose: str, credential_id: str) -> Allocation | None:
        with self._read() as cur:
            row = self._execute(
                cur,
                "SELECT list_id, idx FROM thaivc_status_entry"
                " WHERE issuer_id = ? AND purpose = ? AND credential_id = ?",
                (issuer_id, purpose, credential_id),
            ).fetchone()
        return None if row is None else Allocation(credential_id, purpose, row[0], int(row[1]))

    def set_values(self, issuer_id: str, purpose: str, credential_ids: Iterable[str], value: int) -> int:
        ids = list(dict.fromkeys(credential_ids))
        if len(ids) <= _SMALL_BATCH:
            return self._set_values_small(issuer_id, purpose, ids, value)
        with self._write(f"{issuer_id}\x1f{purpose}\x1fvalues") as cur:
            wanted = self._load_ids(cur, ids)
            found = self._execute(
                cur,
                "SELECT COUNT(*) FROM thaivc_status_entry WHERE issuer_id = ? AND purpose = ?"
                " AND credential_id IN (SELECT id FROM thaivc_ids)",
                (issuer_id, purpose),
            ).fetchone()
            if int(found[0]) != wanted:
                # raising inside the transaction rolls it back: a batch is all or nothing
                raise UsageError(
                    "usage.invalid_argument",
                    f"{wanted - int(found[0])} of {wanted} credentials have no {purpose} entry",
                )
            self._execute(
                cur,
                "UPDATE thaivc_status_list SET revision = revision + 1 WHERE list_id IN"
                " (SELECT DISTINCT list_id FROM thaivc_status_entry WHERE issuer_id = ? AND purpose = ?"
                " AND credential_id IN (SELECT id FROM thaivc_ids))",
                (issuer_id, purpose),
            )
            self._execute(
                cur,
                "UPDATE thaivc_status_entry SET value = ? WHERE issuer_id = ? AND purpose = ?"
                " AND credential_id IN (SELECT id FROM thaivc_ids)",
                (value, issuer_id, purpose),
            )
        return wanted

    def _set_values_small(self, issuer_id: str, purpose: str, ids: list[str], value: int) -> int:
        """The same contract as the batch path, without loading an id table (one row per id)."""
        with self._write(f"{issuer_id}\x1f{purpose}\x1fvalues") as cur:
            for credential_id in ids:
                row = self._execute(
                    cur,
                    "UPDATE thaivc_status_entry SET value = ? WHERE issuer_id = ? AND purpose = ?"
                    " AND credential_id = ? RETURNING list_id",
                    (value, issuer_id, purpose, credential_id),
                ).fetchone()
                if row is None:
                    # raising inside the transaction rolls it back: a batch is all or nothing
                    raise UsageError("usage.invalid_argument", f"a credential has no {purpose} entry")
                self._execute(
                    cur, "UPDATE thaivc_status_list SET revision = revision + 1 WHERE list_id = ?", (row[0],)
                )
        return len(ids)

    # -- lists and publications ----------------------------------------------------------------
    def revision(self, list_id: str) -> int | None:
        """The list's current revision (None: no such list), read in one statement.

        A verifier that keeps a decoded list asks this before each use: the revision is bumped in the
        same transaction as every value change, so an equal revision means an identical list. One
        autocommitted primary-key read, without the transaction of :meth:`list_info` (on PostgreSQL
        that saves three round trips).
        """
        row = self._read_one("SELECT revision FROM thaivc_status_list WHERE list_id = ?", (list_id,))
        return None if row is None else int(row[0])

    def _read_one(self, sql: str, params: Sequence[Any]) -> Any:
        """One row of one read-only statement; a backend may run it without an explicit transaction."""
        with self._read() as cur:
            return self._execute(cur, sql, params).fetchone()

    def list_info(self, list_id: str) -> ListInfo | None:
        with self._read() as cur:
            row = self._execute(cur, _SELECT_LISTS + " WHERE list_id = ?", (list_id,)).fetchone()
        return None if row is None else _list_info(row)

    def lists(self, issuer_id: str) -> list[ListInfo]:
        with self._read() as cur:
            rows = self._execute(
                cur,
                _SELECT_LISTS + " WHERE issuer_id = ? ORDER BY created_seq",
                (issuer_id,),
            ).fetchall()
        return [_list_info(r) for r in rows]

    def snapshot(self, list_id: str) -> ListSnapshot:
        with self._read() as cur:
            row = self._execute(cur, _SELECT_LISTS + " WHERE list_id = ?", (list_id,)).fetchone()
            if row is None:
                raise UsageError("usage.invalid_argument", f"no status list {list_id!r}")
            values = self._execute(
                cur,
                "SELECT idx, value FROM thaivc_status_entry WHERE list_id = ? AND value <> 0 ORDER BY idx",
                (list_id,),
            ).fetchall()
        return ListSnapshot(_list_info(row), tuple((int(i), int(v)) for i, v in values))

    def save_publication(
        self, list_id: str, fmt: ListFormat, revision: int, body: str, created_at: int
    ) -> Publication:
        with self._write(f"publish\x1f{list_id}") as cur:
            self._lock_list(cur, list_id)
            latest = self._execute(
                cur,
                "SELECT version, revision, body, created_at FROM thaivc_status_publication"
                " WHERE list_id = ? AND format = ? ORDER BY version DESC LIMIT 1",
                (list_id, fmt),
            ).fetchone()
            if latest is not None and int(latest[1]) > revision:
                # a publisher that read a newer revision already won: never go back in time
                return Publication(list_id, fmt, int(latest[0]), int(latest[1]), latest[2], int(latest[3]))
            version = 1 if latest is None else int(latest[0]) + 1
            self._insert_publication(
                cur,
                list_id=list_id,
                fmt=fmt,
                version=version,
                revision=revision,
                body=body,
                created_at=created_at,
            )
        return Publication(list_id, fmt, version, revision, body, created_at)

    def _insert_publication(
        self, cur: Any, *, list_id: str, fmt: str, version: int, revision: int, body: str, created_at: int
    ) -> None:
        self._execute(
            cur,
            "INSERT INTO thaivc_status_publication (list_id, format, version, revision, body, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (list_id, fmt, version, revision, body, created_at),
        )

    def current_publication(self, list_id: str, fmt: ListFormat) -> Publication | None:
        with self._read() as cur:
            row = self._execute(
                cur,
                "SELECT version, revision, body, created_at FROM thaivc_status_publication"
                " WHERE list_id = ? AND format = ? ORDER BY version DESC LIMIT 1",
                (list_id, fmt),
            ).fetchone()
        return (
            None if row is None else Publication(list_id, fmt, int(row[0]), int(row[1]), row[2], int(row[3]))
        )

    # -- settings ------------------------------------------------------------------------------
    def settings(self) -> dict[str, str]:
        """The registry settings kept with the store (issuer id, base URL…), for tools like the CLI."""
        with self._read() as cur:
            rows = self._execute(cur, "SELECT name, value FROM thaivc_status_setting").fetchall()
        return {str(name): str(value) for name, value in rows}

    def save_settings(self, values: dict[str, str]) -> None:
        """Insert or replace settings in one transaction."""
        with self._write("settings") as cur:
            for name, value in values.items():
                self._execute(
                    cur,
                    "INSERT INTO thaivc_status_setting (name, value) VALUES (?, ?)"
                    " ON CONFLICT (name) DO UPDATE SET value = excluded.value",
                    (name, value),
                )

    def entries(self, list_id: str) -> Iterator[tuple[int, str, int]]:
        """Every ``(index, credential_id, value)`` of a list, for audits and tests."""
        with self._read() as cur:
            rows = self._execute(
                cur,
                "SELECT idx, credential_id, value FROM thaivc_status_entry WHERE list_id = ? ORDER BY idx",
                (list_id,),
            ).fetchall()
        for idx, credential_id, value in rows:
            yield int(idx), str(credential_id), int(value)
