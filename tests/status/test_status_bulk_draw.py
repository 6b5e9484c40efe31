"""Indices drawn in bulk (issue 16): only the drawn candidates are looked up, and a candidate an
entry already holds — in this transaction's view of the database — is never handed out again."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from thaivc.status import SqliteStatusStore, StatusRegistry
from thaivc.status.sql_store import _Picker


class _ClaimsTaken(SqliteStatusStore):
    """Reports the first candidate of every lookup of several as taken (as if a row held it from then
    on: a claimed index stays taken in every later lookup), and counts lookups."""

    def __init__(self, *args: Any, **kw: Any) -> None:
        super().__init__(*args, **kw)
        self.lookups = 0
        self.claimed: set[int] = set()

    def _used_among(self, cur: Any, list_id: str, candidates: Sequence[int]) -> set[int]:
        self.lookups += 1
        real = super()._used_among(cur, list_id, candidates)
        if len(candidates) > 1 and candidates[0] not in real:  # a real holder is no fake claim
            self.claimed.add(candidates[0])
        return real | (self.claimed & set(candidates))


def test_a_taken_candidate_is_redrawn_never_handed_out(tmp_path: Path) -> None:
    store = _ClaimsTaken(tmp_path / "s.db")
    registry = StatusRegistry(store, base_url="https://s.example/l", issuer_id="did:example:i")
    try:
        first = registry.allocate_many([f"a{i}" for i in range(500)])  # an empty list: no lookup needed
        assert store.lookups == 0
        later = [a for n in range(5) for a in registry.allocate_many([f"b{n}.{i}" for i in range(400)])]
        assert store.lookups >= 5
        indices = [a.index for a in first + later]
        assert len(set(indices)) == len(indices) == 2500
        assert not store.claimed & {a.index for a in later}
    finally:
        store.close()


def test_indices_already_in_the_database_are_never_drawn(tmp_path: Path) -> None:
    store = SqliteStatusStore(tmp_path / "s.db")
    registry = StatusRegistry(store, base_url="https://s.example/l", issuer_id="did:example:i", fill_ratio=0.7)
    try:
        registry.allocate_many([f"a{i}" for i in range(60_000)])
        for n in range(6):
            registry.allocate_many([f"b{n}.{i}" for i in range(5_000)])
    finally:
        store.close()
    with sqlite3.connect(tmp_path / "s.db") as conn:
        per_list = conn.execute("SELECT list_id, COUNT(*), COUNT(DISTINCT idx) FROM thaivc_status_entry GROUP BY list_id")
        rows = per_list.fetchall()
    assert sum(r[1] for r in rows) == 90_000
    assert all(r[1] == r[2] for r in rows)


@pytest.mark.parametrize("size", [131_072, 131_080])
def test_bulk_draw_is_distinct_avoids_used_and_covers_the_range(size: int) -> None:
    used = set(range(0, size, 3))
    picker = _Picker(size, used)
    drawn = picker.draw(20_000)
    assert len(set(drawn)) == 20_000 and not used & set(drawn)
    assert all(0 <= i < size for i in drawn)
    # every eighth of the range is hit (a draw confined to part of the list would fail this)
    assert {i * 8 // size for i in drawn} == set(range(8))
