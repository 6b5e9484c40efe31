"""Reconciliation of orphaned status indices (allocated, never registered), on SQLite and PostgreSQL.

Attacker's and operator's cases first: a registered credential is never touched, not even one
registered while reconciliation runs; an allocation inside the grace period (an issuance in flight)
is left alone; a second run finds nothing; two reconcilers at once (two processes) act once per
orphan; a dry run changes nothing; another issuer's entries are not touched; a reconciled id can
never be registered afterwards; huge numbers of orphans go in bounded batches.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("fastapi")

from server_helpers import write_config

from thaivc.core.errors import ThaiVCError
from thaivc.server import Database, load_config
from thaivc.server.db import IssuedRecord
from thaivc.server.keys import load_keyring
from thaivc.server.reconcile import (
    REPAIR_AFTER,
    Orphan,
    ReconcileOptions,
    ReconcileTimer,
    parse_duration,
    reconcile,
)
from thaivc.server.service import Service

ROOT = Path(__file__).resolve().parents[2]
LATER = 3600.0  # "now" of a run that sees every allocation as older than the default grace


def _pg_url(dsn: str) -> str:
    parts = dict(p.split("=", 1) for p in dsn.split())
    return f"postgresql://{parts.get('user', 'postgres')}@{parts['host']}:{parts['port']}/{parts['dbname']}"


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'service.db'}"
    return _pg_url(str(request.getfixturevalue("pg_dsn")))


class World:
    """A service over one database, and helpers to make orphans and read the store back."""

    def __init__(self, tmp: Path, db_url: str) -> None:
        self.config_path = write_config(tmp, db_url=db_url)
        self.config = load_config(self.config_path, environ={})
        self.db = Database(db_url)
        self.db.migrate()
        self.service = Service(self.config, load_keyring(self.config), self.db)
        self.did = self.service.keyring.did
        self.store = self.service.registry.store

    def orphan(self, credential_id: str, *purposes: str) -> None:
        """Allocate without registering: what a worker killed after allocation leaves."""
        for purpose in purposes or ("revocation",):
            self.service.registry.allocate(credential_id, purpose)  # type: ignore[arg-type]

    def issue(self, credential_id: str) -> None:
        body = {
            "credential": {
                "@context": ["https://www.w3.org/ns/credentials/v2"],
                "type": ["VerifiableCredential"],
                "id": credential_id,
                "credentialSubject": {"id": "did:example:holder"},
            },
            "options": {"format": "vc+jwt"},
        }
        self.service.issue(body, client="issuer-backend", request_id="t")

    def bit(self, credential_id: str, purpose: str = "revocation", issuer: str | None = None) -> int | None:
        entry = self.store.lookup(issuer or self.did, purpose, credential_id)
        if entry is None:
            return None
        return dict(self.store.snapshot(entry.list_id).values).get(entry.index, 0)

    def audits(self) -> list[Any]:
        return [a for a in self.db.audit_log(limit=100_000) if a.action == "reconcile"]

    def run(self, *, now: float | None = None, **options: Any) -> tuple[Any, list[Orphan]]:
        seen: list[Orphan] = []
        summary = reconcile(
            self.db,
            self.store,
            self.did,
            ReconcileOptions(**options),
            now=time.time() + LATER if now is None else now,
            on_orphan=seen.append,
        )
        return summary, seen

    def sql(self, statement: str, params: tuple[Any, ...] = ()) -> list[Any]:
        with self.db.transaction() as cur:
            result = cur.execute(statement, params)
            return list(result.fetchall()) if statement.startswith("SELECT") else []

    def close(self) -> None:
        self.db.close()


@pytest.fixture
def world(tmp_path: Path, db_url: str) -> Iterator[World]:
    w = World(tmp_path, db_url)
    yield w
    w.close()


# -- what it must never do -------------------------------------------------------------------------
def test_registered_credentials_are_never_touched_orphans_are_revoked_and_audited(world: World) -> None:
    world.issue("urn:uuid:live-1")
    world.issue("urn:uuid:live-2")
    world.orphan("urn:uuid:orphan-1")
    world.orphan("urn:uuid:orphan-2", "revocation", "suspension")
    summary, seen = world.run()
    assert summary.revoked == 2 and summary.found == 2
    assert sorted(o.credential_id for o in seen) == ["urn:uuid:orphan-1", "urn:uuid:orphan-2"]
    assert all(o.outcome == "revoked-orphan" for o in seen)
    assert world.bit("urn:uuid:orphan-1") == 1
    assert world.bit("urn:uuid:orphan-2") == 1 and world.bit("urn:uuid:orphan-2", "suspension") == 1
    assert world.bit("urn:uuid:live-1") == 0 and world.bit("urn:uuid:live-2") == 0
    audits = world.audits()
    assert sorted(a.target for a in audits) == ["urn:uuid:orphan-1", "urn:uuid:orphan-2"]
    assert {a.outcome for a in audits} == {"revoked-orphan"} and {a.request_id for a in audits} == {summary.run}
    both = next(a for a in audits if a.target == "urn:uuid:orphan-2")
    assert "revocation" in both.detail and "suspension" in both.detail
    # the register still says what it said
    listed = {r["id"]: r["status"] for r in world.service.issued(limit=10, after=None)}
    assert listed == {"urn:uuid:live-1": {"revocation": "valid"}, "urn:uuid:live-2": {"revocation": "valid"}}


def test_an_issuance_in_flight_inside_the_grace_period_is_left_alone(world: World) -> None:
    world.orphan("urn:uuid:in-flight", "revocation", "suspension")
    summary, _ = world.run(now=time.time(), grace=600)
    assert summary.found == 0 and world.bit("urn:uuid:in-flight") == 0
    summary, _ = world.run(now=time.time() + 590, grace=600)
    assert summary.found == 0 and world.bit("urn:uuid:in-flight") == 0
    summary, _ = world.run(now=time.time() + 602, grace=600)
    assert summary.revoked == 1 and world.bit("urn:uuid:in-flight") == 1


def test_one_young_entry_keeps_the_whole_credential_in_flight(world: World) -> None:
    """A credential whose suspension entry is young (allocated now, revocation long ago) is in flight."""
    world.orphan("urn:uuid:mixed", "revocation")
    world.sql(
        "UPDATE thaivc_status_entry SET allocated_at = allocated_at - 7200 WHERE credential_id = ?", ("urn:uuid:mixed",)
    )
    world.orphan("urn:uuid:mixed", "suspension")
    summary, _ = world.run(now=time.time(), grace=600)
    assert summary.found == 0 and world.bit("urn:uuid:mixed") == 0


def test_an_entry_without_allocation_time_is_never_touched(world: World) -> None:
    """Written by an older thaivc during an upgrade: its age is unknown, so it is not old enough."""
    world.orphan("urn:uuid:unknown-age")
    world.sql("UPDATE thaivc_status_entry SET allocated_at = NULL WHERE credential_id = ?", ("urn:uuid:unknown-age",))
    summary, _ = world.run()
    assert summary.found == 0 and world.bit("urn:uuid:unknown-age") == 0


def test_a_second_run_finds_nothing(world: World) -> None:
    for i in range(5):
        world.orphan(f"urn:uuid:o-{i}", "revocation", "suspension")
    first, _ = world.run()
    lists_after_first = {i.list_id: i.revision for i in world.store.lists(world.did)}
    second, seen = world.run()
    assert first.revoked == 5 and second.found == 0 and seen == []
    assert len(world.audits()) == 5
    # nothing was even rewritten: the lists' revisions did not move
    assert {i.list_id: i.revision for i in world.store.lists(world.did)} == lists_after_first


def test_a_dry_run_changes_nothing(world: World) -> None:
    world.orphan("urn:uuid:d-1", "revocation", "suspension")
    world.orphan("urn:uuid:d-2")
    revisions = {i.list_id: i.revision for i in world.store.lists(world.did)}
    summary, seen = world.run(dry_run=True)
    assert summary.would_revoke == 2 and summary.revoked == 0 and {o.outcome for o in seen} == {"would-revoke"}
    assert world.bit("urn:uuid:d-1") == 0 and world.bit("urn:uuid:d-1", "suspension") == 0
    assert world.audits() == []
    assert world.sql("SELECT credential_id FROM thaivc_reconciled") == []
    assert {i.list_id: i.revision for i in world.store.lists(world.did)} == revisions
    world.issue("urn:uuid:d-1")  # a dry run recorded nothing: the id can still be registered
    summary, _ = world.run()
    assert summary.revoked == 1 and world.bit("urn:uuid:d-1") == 0 and world.bit("urn:uuid:d-2") == 1


def test_another_issuers_entries_are_not_touched(world: World) -> None:
    """The same store holds another issuer's allocations (none registered here) and the same id under both."""
    other = "did:example:another-agency"
    for cid in ("urn:uuid:theirs", "urn:uuid:shared"):
        world.store.allocate(
            [cid],
            issuer_id=other,
            purpose="revocation",
            status_size=1,
            list_size=131072,
            capacity=131072,
            messages=None,
        )
    world.orphan("urn:uuid:shared")
    world.issue("urn:uuid:ours-live")
    summary, seen = world.run()
    assert summary.revoked == 1 and [o.credential_id for o in seen] == ["urn:uuid:shared"]
    assert world.bit("urn:uuid:shared") == 1
    assert world.bit("urn:uuid:theirs", issuer=other) == 0
    assert world.bit("urn:uuid:shared", issuer=other) == 0
    assert world.bit("urn:uuid:ours-live") == 0


def test_a_reconciled_id_is_never_registered_afterwards(world: World) -> None:
    """The slow issuance that comes back after reconciliation: refused, so never delivered revoked."""
    world.orphan("urn:uuid:late")
    world.run()
    record = IssuedRecord("urn:uuid:late", ["VerifiableCredential"], "vc+jwt", None, ["revocation"], 0, "c")
    with pytest.raises(ThaiVCError) as err:
        world.db.record_issued(record)
    assert err.value.code == "status.orphan_reconciled"
    fresh = IssuedRecord("urn:uuid:fresh", ["VerifiableCredential"], "vc+jwt", None, ["revocation"], 0, "c")
    with pytest.raises(ThaiVCError) as err:
        world.db.record_issued_many([fresh, record], [])
    assert err.value.code == "status.orphan_reconciled"
    assert world.db.issued_one("urn:uuid:fresh") is None  # all or nothing
    # through the service, a client re-issuing that id: refused (409), nothing registered
    with pytest.raises(ThaiVCError) as err:
        world.issue("urn:uuid:late")
    assert err.value.code == "status.orphan_reconciled"
    assert world.db.issued_one("urn:uuid:late") is None


def test_register_rows_written_while_reconcile_runs_are_never_revoked(world: World) -> None:
    """A register writer races reconciliation over the same ids: each id ends registered and valid,
    or reconciled and revoked (its register write refused) — never registered and revoked."""
    ids = [f"urn:uuid:race-{i:04d}" for i in range(300)]
    for cid in ids:
        world.orphan(cid)
    refused: list[str] = []
    registered: list[str] = []
    start = threading.Barrier(2)

    def register() -> None:
        db = Database(world.db.url)  # its own connections, as another worker's
        try:
            start.wait()
            for cid in reversed(ids):
                try:
                    db.record_issued(
                        IssuedRecord(cid, ["VerifiableCredential"], "vc+jwt", None, ["revocation"], 0, "racer")
                    )
                    registered.append(cid)
                except ThaiVCError as exc:
                    assert exc.code == "status.orphan_reconciled"
                    refused.append(cid)
        finally:
            db.close()

    racer = threading.Thread(target=register)
    racer.start()
    start.wait()
    summary, seen = world.run(batch_size=20)
    racer.join()
    reconciled = {o.credential_id for o in seen}
    assert reconciled.isdisjoint(registered)
    assert set(refused) <= reconciled
    for cid in ids:
        in_register = world.db.issued_one(cid) is not None
        assert in_register != (world.bit(cid) == 1), cid
    assert summary.revoked == len(reconciled) == len(ids) - len(registered)


def test_rows_registered_between_two_batches_are_left_alone_and_claimed_ids_refused(world: World) -> None:
    """Deterministic interleaving: after the first batch is claimed, another worker registers every id."""
    ids = [f"urn:uuid:between-{i:03d}" for i in range(60)]
    for cid in ids:
        world.orphan(cid)
    other = Database(world.db.url)
    outcome: dict[str, str] = {}

    def register_everything(orphan: Orphan) -> None:
        if outcome:
            return
        for cid in ids:
            try:
                other.record_issued(IssuedRecord(cid, ["VerifiableCredential"], "vc+jwt", None, ["revocation"], 0, "w"))
                outcome[cid] = "registered"
            except ThaiVCError as exc:
                outcome[cid] = exc.code

    try:
        summary = reconcile(
            world.db,
            world.store,
            world.did,
            ReconcileOptions(batch_size=10),
            now=time.time() + LATER,
            on_orphan=register_everything,
        )
    finally:
        other.close()
    assert summary.revoked == 10
    assert [outcome[cid] for cid in ids[:10]] == ["status.orphan_reconciled"] * 10
    assert {outcome[cid] for cid in ids[10:]} == {"registered"}
    assert all(world.bit(cid) == 1 for cid in ids[:10]) and all(world.bit(cid) == 0 for cid in ids[10:])


def test_two_reconcilers_in_two_processes_act_once_per_orphan(world: World, tmp_path: Path) -> None:
    ids = [f"urn:uuid:twice-{i:04d}" for i in range(400)]
    for cid in ids:
        world.orphan(cid, "revocation", "suspension")
    # grace 0 means "allocated before this second": a second ago, whatever the clock's tick
    world.sql("UPDATE thaivc_status_entry SET allocated_at = allocated_at - 1")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    cli = subprocess.Popen(
        [sys.executable, "-m", "thaivc", "serve", "reconcile", "--config", str(world.config_path), "--grace", "0"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    summary, seen = world.run(now=time.time(), grace=0, batch_size=25)
    out, err = cli.communicate(timeout=120)
    assert cli.returncode == 0, err
    by_cli = [line.split("\t")[1] for line in out.splitlines() if line.startswith("revoked-orphan\t")]
    mine = [o.credential_id for o in seen]
    assert sorted(by_cli + mine) == ids, "each orphan once, by one of the two"
    assert len(world.audits()) == len(ids)
    assert all(world.bit(cid) == 1 and world.bit(cid, "suspension") == 1 for cid in ids)
    assert summary.revoked == len(mine)


def test_orphans_are_processed_in_bounded_batches(world: World) -> None:
    """Thousands of orphans: read and recorded a batch at a time, each reported once."""
    ids = [f"urn:uuid:many-{i:05d}" for i in range(2000)]
    world.service.registry.allocate_many(ids[:1000], "revocation")
    world.service.registry.allocate_many(ids[:1000], "suspension")  # half with two entries
    world.service.registry.allocate_many(ids[1000:], "revocation")
    reported = 0
    most_ahead = 0

    def on_orphan(orphan: Orphan) -> None:
        nonlocal reported, most_ahead
        reported += 1
        recorded = int(world.sql("SELECT COUNT(*) FROM thaivc_reconciled")[0][0])
        most_ahead = max(most_ahead, recorded - reported)  # recorded but not yet handed to the caller

    summary = reconcile(
        world.db, world.store, world.did, ReconcileOptions(batch_size=150), now=time.time() + LATER, on_orphan=on_orphan
    )
    assert summary.revoked == reported == 2000
    assert summary.batches >= 2000 // 150
    assert most_ahead < 150, "more than one batch was claimed before its orphans were reported"
    assert len(world.audits()) == 2000


def test_a_batch_boundary_never_splits_a_credential(world: World) -> None:
    for i in range(7):
        world.orphan(f"urn:uuid:pair-{i}", "revocation", "suspension")
    summary, seen = world.run(batch_size=1)
    assert summary.revoked == 7 and sorted(o.credential_id for o in seen) == [f"urn:uuid:pair-{i}" for i in range(7)]
    assert all(len(o.entries) == 2 for o in seen)


def test_a_reconciler_killed_before_setting_bits_is_repaired_without_a_second_audit(world: World) -> None:
    world.orphan("urn:uuid:half-done", "revocation", "suspension")
    world.orphan("urn:uuid:just-claimed")
    now = time.time() + LATER
    # what a reconciler killed between its batch's commit and setting the bits leaves behind
    world.sql(
        "INSERT INTO thaivc_reconciled (credential_id, issuer_id, at, run) VALUES (?, ?, ?, 'dead')",
        ("urn:uuid:half-done", world.did, int(now) - REPAIR_AFTER - 1),
    )
    # and one claimed moments ago by a reconciler still at work: left to it
    world.sql(
        "INSERT INTO thaivc_reconciled (credential_id, issuer_id, at, run) VALUES (?, ?, ?, 'busy')",
        ("urn:uuid:just-claimed", world.did, int(now)),
    )
    summary, seen = world.run(now=now)
    assert [(o.credential_id, o.outcome) for o in seen] == [("urn:uuid:half-done", "repaired")]
    assert summary.repaired == 1 and summary.revoked == 0
    assert world.bit("urn:uuid:half-done") == 1 and world.bit("urn:uuid:half-done", "suspension") == 1
    assert world.bit("urn:uuid:just-claimed") == 0
    assert world.audits() == []


# -- the periodic run ------------------------------------------------------------------------------
def test_one_timer_wins_each_round(world: World) -> None:
    other_db = Database(world.db.url)
    try:
        runs: list[str] = []
        a = ReconcileTimer(world.db, lambda: runs.append("a"), 600)  # type: ignore[arg-type,return-value]
        b = ReconcileTimer(other_db, lambda: runs.append("b"), 600)  # type: ignore[arg-type,return-value]
        now = time.time()
        assert [a.claim_round(now), b.claim_round(now + 1)] == [True, False]
        assert not a.claim_round(now + 300)
        assert b.claim_round(now + 600) and not a.claim_round(now + 601)
    finally:
        other_db.close()


def test_interval_and_grace_are_checked_in_the_configuration(tmp_path: Path) -> None:
    from thaivc.server.config import ConfigError

    for section, needle in (
        ("reconcile_interval = 30", "reconcile_interval"),
        ("reconcile_grace = 5", "reconcile_grace"),
    ):
        path = write_config(tmp_path, f"[server]\n{section}\n")
        with pytest.raises(ConfigError) as err:
            load_config(path, environ={})
        assert needle in str(err.value)
    config = load_config(write_config(tmp_path, "[server]\nreconcile_interval = 3600\n"), environ={})
    assert config.server.reconcile_interval == 3600 and config.server.reconcile_grace == 600
    assert load_config(write_config(tmp_path), environ={}).server.reconcile_interval == 0  # off by default


def test_durations() -> None:
    assert [parse_duration(t) for t in ("600", "30s", "10m", "1h", "2d", " 5m ")] == [600, 30, 600, 3600, 172800, 300]
    for bad in ("", "-1", "10 minutes", "1e3", "m", "10mm", "9" * 12):
        with pytest.raises(ThaiVCError):
            parse_duration(bad)


# -- the command line ------------------------------------------------------------------------------
def test_cli_dry_run_then_run(world: World, capsys: pytest.CaptureFixture[str]) -> None:
    from thaivc.cli import main

    world.orphan("urn:uuid:cli-orphan", "revocation", "suspension")
    world.issue("urn:uuid:cli-live")
    world.sql("UPDATE thaivc_status_entry SET allocated_at = allocated_at - 3600")
    assert main(["serve", "reconcile", "--config", str(world.config_path), "--dry-run"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("would-revoke\turn:uuid:cli-orphan\trevocation ")
    assert "1 orphans: 1 would be revoked" in out[-1] and "dry run" in out[-1]
    assert world.bit("urn:uuid:cli-orphan") == 0
    assert main(["serve", "reconcile", "--config", str(world.config_path), "--grace", "30m"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("revoked-orphan\turn:uuid:cli-orphan\t") and "1 revoked, 0 repaired" in out[-1]
    assert main(["serve", "reconcile", "--config", str(world.config_path)]) == 0
    assert "0 orphans" in capsys.readouterr().out
    assert world.bit("urn:uuid:cli-orphan") == 1 and world.bit("urn:uuid:cli-live") == 0
    assert main(["serve", "reconcile", "--config", str(world.config_path), "--grace", "soon"]) != 0


# -- review R1: variants (scope, upgrade, clocks, odd ids, deferred issuance) -----------------------
@pytest.fixture
def cli_registry(world: World) -> Iterator[Any]:
    """What `thaivc issue --status DB` / `thaivc batch --status DB` allocate with: a store of their own
    on the service's database, under the service's DID, without the service (no register row, ever)."""
    from thaivc.status import PostgresStatusStore, SqliteStatusStore, StatusRegistry

    url = world.db.url
    store = SqliteStatusStore(url[len("sqlite:///") :]) if world.db.kind == "sqlite" else PostgresStatusStore(url)
    yield StatusRegistry(store, base_url="https://issuer.example.go.th/status", issuer_id=world.did)
    store.close()


def test_entries_the_command_line_allocated_on_the_same_database_are_never_revoked(
    world: World, cli_registry: Any
) -> None:
    """`thaivc issue/batch --status` pointed at the service's database, same DID: those credentials were
    delivered (written to files) and are live; no register row will ever hold them. Never orphans."""
    cli = cli_registry
    cli.allocate("urn:uuid:cli-issued", "revocation")
    cli.allocate_many([f"urn:uuid:batch-{i}" for i in range(30)], "revocation")
    cli.allocate("urn:uuid:cli-suspendable", "suspension")
    # the service then allocates the other purpose for a credential the command line issued: still not its own
    world.orphan("urn:uuid:cli-suspendable", "revocation")
    world.orphan("urn:uuid:service-orphan")
    summary, seen = world.run(grace=0)
    assert [o.credential_id for o in seen] == ["urn:uuid:service-orphan"] and summary.revoked == 1
    assert world.bit("urn:uuid:cli-issued") == 0 and world.bit("urn:uuid:cli-suspendable", "suspension") == 0
    assert all(world.bit(f"urn:uuid:batch-{i}") == 0 for i in range(30))


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)  # `thaivc status --db` takes a SQLite file
def test_the_command_line_issue_into_the_service_database_is_never_reconciled(
    world: World, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The real commands, end to end (SQLite: the database is one file both open; the registry-level
    test above covers PostgreSQL)."""
    from thaivc.cli import main

    db_file = world.db.url[len("sqlite:///") :]
    key = str(tmp_path / "issuer.jwk.json")
    assert (
        main(["status", "create", "--db", db_file, "--key", key, "--base-url", "https://issuer.example.go.th/status"])
        == 0
    )
    doc = tmp_path / "cred.json"
    doc.write_text(
        '{"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"], '
        '"id": "urn:uuid:from-the-cli", "credentialSubject": {"id": "did:example:holder"}}'
    )
    assert main(["issue", str(doc), "--key", key, "--status", db_file, "--out", str(tmp_path / "cred.jwt")]) == 0
    capsys.readouterr()
    assert world.bit("urn:uuid:from-the-cli") == 0
    summary, _ = world.run(grace=0)
    assert summary.found == 0 and world.bit("urn:uuid:from-the-cli") == 0


def test_a_database_of_the_previous_release_loses_no_live_credential_on_upgrade(tmp_path: Path, db_url: str) -> None:
    """Status store without a version table and without allocated_at, service schema before
    migration 3; live credentials registered and unregistered (the CLI's). Upgrade, reconcile: untouched."""
    from thaivc.server.db import MIGRATIONS
    from thaivc.status.sql_store import SCHEMA

    old = Database(db_url)
    with old.transaction() as cur:
        for statement in SCHEMA:
            cur.execute(statement)
        cur.execute(
            "CREATE TABLE thaivc_schema_version (version INTEGER PRIMARY KEY, name TEXT NOT NULL, "
            "applied_at BIGINT NOT NULL)"
        )
        for version in (1, 2):
            name, dialects = MIGRATIONS[version]
            for statement in dialects[old.kind]:
                cur.execute(statement)
            cur.execute("INSERT INTO thaivc_schema_version VALUES (?, ?, 0)", (version, name))
    old.close()
    # the previous release's rows: the issuer's DID is only known once the config exists
    config = load_config(write_config(tmp_path, db_url=db_url), environ={})
    did = load_keyring(config).did
    old = Database(db_url)
    with old.transaction() as cur:
        cur.execute(
            "INSERT INTO thaivc_status_list (list_id, issuer_id, purpose, status_size, list_size, messages, allocated, "
            "revision, is_open, created_seq) VALUES ('00aa', ?, 'revocation', 1, 131072, '', 3, 0, 1, 1)",
            (did,),
        )
        for idx, cid in enumerate(("urn:uuid:old-registered", "urn:uuid:old-cli", "urn:uuid:old-orphan")):
            cur.execute(
                "INSERT INTO thaivc_status_entry (list_id, idx, issuer_id, purpose, credential_id, value) "
                "VALUES ('00aa', ?, ?, 'revocation', ?, 0)",
                (idx + 7, did, cid),
            )
        cur.execute(
            "INSERT INTO thaivc_issued (credential_id, types, format, subject_hash, purposes, issued_at, client) "
            "VALUES ('urn:uuid:old-registered', '[]', 'vc+jwt', NULL, '[\"revocation\"]', 0, 'old')"
        )
    old.close()
    upgraded = World(tmp_path, db_url)  # migrates both schemas, as `thaivc serve migrate` + a worker would
    try:
        for later in (LATER, 10 * 86400.0):
            summary, _ = upgraded.run(now=time.time() + later, grace=0)
            assert summary.found == 0
        for cid in ("urn:uuid:old-registered", "urn:uuid:old-cli", "urn:uuid:old-orphan"):
            assert upgraded.bit(cid) == 0, cid
        upgraded.orphan("urn:uuid:new-orphan")  # the upgraded service's own orphans are still found
        summary, seen = upgraded.run()
        assert [o.credential_id for o in seen] == ["urn:uuid:new-orphan"]
    finally:
        upgraded.close()


def test_allocation_times_in_the_future_or_at_the_boundary(world: World) -> None:
    """Clock skew: an allocating host ahead of the reconciler writes a future time; that entry is
    younger than any grace, so it waits. An entry exactly `grace` old is not yet "more than" grace old."""
    world.orphan("urn:uuid:future")
    world.orphan("urn:uuid:boundary")
    now = int(time.time())
    world.sql(
        "UPDATE thaivc_status_entry SET allocated_at = ? WHERE credential_id = ?", (now + 86400, "urn:uuid:future")
    )
    world.sql(
        "UPDATE thaivc_status_entry SET allocated_at = ? WHERE credential_id = ?", (now - 600, "urn:uuid:boundary")
    )
    summary, _ = world.run(now=now, grace=600)
    assert summary.found == 0
    summary, seen = world.run(now=now + 1, grace=600)
    assert [o.credential_id for o in seen] == ["urn:uuid:boundary"]
    assert world.bit("urn:uuid:future") == 0


def test_credential_ids_with_odd_characters_are_each_found_once_across_batches(world: World) -> None:
    odd = [
        "urn:uuid:Z",
        "urn:uuid:a",
        "urn:uuid:é",
        "urn:uuid:ก",
        "https://x.example/c?id=1&b=%2F",
        "urn:uuid:'; DROP TABLE thaivc_issued; --",
        "urn:uuid:_%",
        "urn:uuid:" + "9" * 900,
        "urn:uuid:~",
    ]
    for cid in odd:
        world.orphan(cid, "revocation", "suspension")
    world.issue("urn:uuid:b-live")
    summary, seen = world.run(batch_size=1)
    assert sorted(o.credential_id for o in seen) == sorted(odd) and summary.revoked == len(odd)
    assert all(world.bit(cid) == 1 and world.bit(cid, "suspension") == 1 for cid in odd)
    assert world.bit("urn:uuid:b-live") == 0 and world.db.issued_one("urn:uuid:b-live") is not None


def test_a_deferred_issuance_holds_no_index_while_it_waits_and_is_delivered_valid(
    tmp_path: Path, make_client: Any
) -> None:
    """OpenID4VCI deferred: the agency's check takes days (far past any grace) and reconciliation runs
    meanwhile. Nothing is allocated before the callback says ready, so there is nothing to reclaim; the
    credential allocated, signed and registered at collection is delivered valid and stays so."""
    from oid4vc_helpers import DEFERRED, PROTOCOLS, offer_body
    from server_helpers import admin_headers

    from thaivc.wallet import IssuanceWallet
    from thaivc.wallet.issuance import DeferredIssuance

    protocols = PROTOCOLS.replace("thaivc.server.sample_callback:citizen", "oid4vc_helpers:deferred_callback")
    client = make_client(protocols)
    config = load_config(write_config(tmp_path, protocols), environ={})
    db = Database(config.database.url)
    did = load_keyring(config).did

    def reconcile_days_later() -> int:
        return reconcile(db, db.status_store(), did, ReconcileOptions(grace=0), now=time.time() + 3 * 86400).found

    DEFERRED["ready"] = False
    try:
        made = client.post("/admin/offers", json=offer_body(), headers=admin_headers()).json()
        wallet = IssuanceWallet(client)
        grant = wallet.redeem_pre_authorized(wallet.resolve_offer(made["deepLink"]), tx_code=made["txCode"])
        pending = wallet.request_credentials(grant)
        assert isinstance(pending, DeferredIssuance)
        with db.transaction(write=False) as cur:
            assert cur.execute("SELECT COUNT(*) FROM thaivc_status_entry").fetchone()[0] == 0
        assert reconcile_days_later() == 0
        assert isinstance(wallet.poll_deferred(pending), DeferredIssuance)  # still waiting
        assert reconcile_days_later() == 0
        DEFERRED["ready"] = True
        got = wallet.poll_deferred(pending)
        assert isinstance(got, list) and len(got) == 1
        with db.transaction(write=False) as cur:
            (cid,) = cur.execute("SELECT credential_id FROM thaivc_status_entry").fetchone()
        assert db.issued_one(cid) is not None
        assert reconcile_days_later() == 0
        entry = db.status_store().lookup(did, "revocation", cid)
        assert entry is not None and dict(db.status_store().snapshot(entry.list_id).values).get(entry.index, 0) == 0
    finally:
        DEFERRED["ready"] = False
        db.close()
