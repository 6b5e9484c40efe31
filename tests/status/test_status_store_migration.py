"""The status store's versioned schema: a store made before versions existed gains ``allocated_at`` and ``origin``.

Rows older than the migration are stamped with its time (never older than they are); rows written
afterwards carry their allocation time; a row written without one (an older thaivc during an upgrade)
stays NULL; every version runs once, however many stores open the database together.
"""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest

from thaivc.status import PostgresStatusStore, SqliteStatusStore
from thaivc.status.sql_store import SCHEMA

_ALLOC: dict[str, Any] = {"status_size": 1, "list_size": 131072, "capacity": 131072, "messages": None}


def _old_store(execute: Any) -> None:
    """The schema and one entry as thaivc wrote them before the store had versions."""
    for statement in SCHEMA:
        execute(statement)
    execute(
        "INSERT INTO thaivc_status_list (list_id, issuer_id, purpose, status_size, list_size, created_seq)"
        " VALUES ('l1', 'did:example:i', 'revocation', 1, 131072, 1)"
    )
    execute(
        "INSERT INTO thaivc_status_entry (list_id, idx, issuer_id, purpose, credential_id)"
        " VALUES ('l1', 7, 'did:example:i', 'revocation', 'urn:uuid:old')"
    )


def _check(store: Any, read: Any, tagger: Any) -> str:
    before = int(time.time())
    versions = [int(r[0]) for r in read("SELECT version FROM thaivc_status_schema_version ORDER BY version")]
    assert versions == [1, 2, 3]
    assert read("SELECT origin FROM thaivc_status_entry WHERE credential_id = 'urn:uuid:old'") == [(None,)]
    stamped = read("SELECT allocated_at FROM thaivc_status_entry WHERE credential_id = 'urn:uuid:old'")[0][0]
    assert before - 120 <= int(stamped) <= before + 1
    store.allocate(["urn:uuid:new"], issuer_id="did:example:i", purpose="revocation", **_ALLOC)
    fresh = read("SELECT allocated_at FROM thaivc_status_entry WHERE credential_id = 'urn:uuid:new'")[0][0]
    assert before <= int(fresh) <= int(time.time())
    # the allocator's name on new entries only; an existing entry keeps its own (here: none)
    tagger.allocate(["urn:uuid:old", "urn:uuid:tagged"], issuer_id="did:example:i", purpose="revocation", **_ALLOC)
    tagged = read(
        "SELECT credential_id, origin FROM thaivc_status_entry WHERE credential_id IN"
        " ('urn:uuid:old', 'urn:uuid:new', 'urn:uuid:tagged') ORDER BY credential_id"
    )
    assert tagged == [("urn:uuid:new", None), ("urn:uuid:old", None), ("urn:uuid:tagged", "thaivc-serve")]
    # an older thaivc's insert (no column named) is NULL: no default that would make it look old
    return str(read("SELECT list_id FROM thaivc_status_entry WHERE credential_id = 'urn:uuid:new'")[0][0])


def test_sqlite_store_made_before_versions_is_migrated_once(tmp_path: Path) -> None:
    path = tmp_path / "status.db"
    with sqlite3.connect(path) as conn:
        _old_store(conn.execute)
    # the second finds nothing to do; it names itself as the allocator of what it allocates
    stores = [SqliteStatusStore(path), SqliteStatusStore(path, origin="thaivc-serve")]

    def read(sql: str) -> list[Any]:
        with sqlite3.connect(path) as conn:
            return conn.execute(sql).fetchall()

    try:
        list_id = _check(stores[0], read, stores[1])
        with sqlite3.connect(path) as conn:
            conn.execute(
                "INSERT INTO thaivc_status_entry (list_id, idx, issuer_id, purpose, credential_id)"
                " VALUES (?, 9, 'did:example:i', 'revocation', 'urn:uuid:by-older-thaivc')",
                (list_id,),
            )
        assert read(
            "SELECT allocated_at FROM thaivc_status_entry WHERE credential_id = 'urn:uuid:by-older-thaivc'"
        ) == [(None,)]
    finally:
        for store in stores:
            store.close()


@pytest.mark.postgres
def test_postgres_store_made_before_versions_is_migrated_once(pg_dsn: str) -> None:
    import psycopg

    with psycopg.connect(pg_dsn, autocommit=True) as conn:
        _old_store(conn.execute)
    stores = [PostgresStatusStore(pg_dsn), PostgresStatusStore(pg_dsn, origin="thaivc-serve")]

    def read(sql: str) -> list[Any]:
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            return conn.execute(sql).fetchall()

    try:
        list_id = _check(stores[0], read, stores[1])
        with psycopg.connect(pg_dsn, autocommit=True) as conn:
            conn.execute(
                "INSERT INTO thaivc_status_entry (list_id, idx, issuer_id, purpose, credential_id)"
                " VALUES (%s, 9, 'did:example:i', 'revocation', 'urn:uuid:by-older-thaivc')",
                (list_id,),
            )
        assert read(
            "SELECT allocated_at FROM thaivc_status_entry WHERE credential_id = 'urn:uuid:by-older-thaivc'"
        ) == [(None,)]
    finally:
        for store in stores:
            store.close()
