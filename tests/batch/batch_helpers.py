"""Shared by the batch tests: inputs, a status database, and the invariants a batch must keep."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import thaivc
from thaivc.status import PostgresStatusStore, SqliteStatusStore

BASE_URL = "https://status.example/lists"
TEMPLATE: dict[str, Any] = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential", "ExampleCredential"],
}
NOW = 1_780_000_000.0  # 2026-05-28, inside the template's validity


def url_dsn(dsn: str) -> str:
    """The ``pg_dsn`` fixture's ``key=value`` DSN as the ``postgresql://`` URL the CLI takes."""
    parts = dict(item.split("=", 1) for item in dsn.split())
    return f"postgresql://{parts['user']}@{parts['host']}:{parts['port']}/{parts['dbname']}"


def make_status_db(db: str, key: thaivc.PrivateKey) -> None:
    store: Any = PostgresStatusStore(db) if db.startswith("postgresql://") else SqliteStatusStore(db)
    try:
        store.save_settings({"issuer_id": key.did, "base_url": BASE_URL, "list_size": "131072"})
    finally:
        store.close()


def write_jsonl(path: Path, count: int, wallets: list[str], *, extra: dict[int, bytes] | None = None) -> Path:
    """``count`` subject lines; ``extra`` replaces the line of a row number (1-based) with raw bytes."""
    with path.open("wb") as fh:
        for number in range(1, count + 1):
            if extra and number in extra:
                fh.write(extra[number] + b"\n")
                continue
            subject = {"id": wallets[number % len(wallets)], "citizenId": f"{number:013d}", "givenName": "สมหญิง"}
            fh.write(json.dumps(subject, ensure_ascii=False).encode() + b"\n")
    return path


def store_entries(db: str) -> dict[str, tuple[str, int]]:
    """Every allocated entry in the status database: credential id → (list, index)."""
    query = "SELECT credential_id, list_id, idx FROM thaivc_status_entry"
    if db.startswith("postgresql://"):
        import psycopg

        with psycopg.connect(db) as conn:
            rows = conn.execute(query).fetchall()
    else:
        with sqlite3.connect(db) as conn:
            rows = conn.execute(query).fetchall()
    return {cid: (lid, int(idx)) for cid, lid, idx in rows}


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def check_invariants(out_dirs: list[Path], db: str | None, rows: int, rejected_rows: set[int] = frozenset()) -> list[dict[str, Any]]:
    """No row issued twice, none lost, no status index without its credential, none shared."""
    issued: list[dict[str, Any]] = []
    rejected: list[dict[str, Any]] = []
    for out in out_dirs:
        issued += read_jsonl(out / "credentials.jsonl")
        rejected += read_jsonl(out / "rejected.jsonl")
    numbers = [r["row"] for r in issued]
    assert len(numbers) == len(set(numbers)), "a row was issued twice"
    assert sorted(numbers + [r["row"] for r in rejected]) == list(range(1, rows + 1)), "a row was lost"
    assert {r["row"] for r in rejected} == set(rejected_rows)
    ids = [r["id"] for r in issued]
    assert len(ids) == len(set(ids))
    if db is not None:
        entries = store_entries(db)
        assert set(entries) == set(ids), "an allocated status index has no credential (or the reverse)"
        for record in issued:
            assert entries[record["id"]] == (record["status"]["list"], record["status"]["index"])
        assert len(set(entries.values())) == len(entries), "two credentials share an index"
        assert not any("status" in r for r in rejected)
    return issued
