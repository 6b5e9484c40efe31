"""Batch issuance end to end: what it writes verifies, with live status; on both stores; via the CLI."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from batch_helpers import (
    BASE_URL,
    NOW,
    TEMPLATE,
    check_invariants,
    make_status_db,
    read_jsonl,
    url_dsn,
    write_jsonl,
)

import thaivc
from thaivc.batch import issue_many
from thaivc.batch.status_entry import ietf_claim, w3c_entry
from thaivc.batch.worker import open_registry
from thaivc.cli import main as cli_main
from thaivc.status import RegistryFetcher, StatusChecker, publish_lists


def _verifier(db: str) -> tuple[thaivc.Verifier, object]:
    store, registry = open_registry(db, clock=thaivc.FixedClock(NOW))
    checker = StatusChecker(RegistryFetcher(registry))
    return thaivc.Verifier(clock=thaivc.FixedClock(NOW), status_checker=checker), (store, registry)


def _check(verifier: thaivc.Verifier, record: dict[str, object], wallets: list[thaivc.PrivateKey]) -> object:
    """Verify a batch credential; an SD-JWT VC as its holder presents it (key binding is required)."""
    credential = record["credential"]
    if isinstance(credential, str) and "~" in credential:
        holder = thaivc.Holder(wallets[int(record["row"]) % len(wallets)], clock=thaivc.FixedClock(NOW))  # type: ignore[call-overload]
        challenge = thaivc.new_challenge()
        vp = holder.present([credential], disclose=["/credentialSubject/givenName"], challenge=challenge,
                            domain="https://rd.go.th")
        return verifier.check(vp, challenge=challenge, domain="https://rd.go.th")
    return verifier.check(credential)


@pytest.mark.parametrize("fmt", ["dc+sd-jwt", "vc+jwt", "di"])
def test_every_credential_verifies_with_its_status_and_a_revocation_shows(tmp_path: Path, fmt: str) -> None:
    key = thaivc.generate_key("Ed25519")
    db = str(tmp_path / "status.db")
    make_status_db(db, key)
    wallet_keys = [thaivc.generate_key("P-256") for _ in range(2)]
    source = write_jsonl(tmp_path / "in.jsonl", 7, [w.did for w in wallet_keys])
    template = TEMPLATE
    if fmt == "di":
        template = {**TEMPLATE, "@context": [*TEMPLATE["@context"], "https://www.w3.org/ns/credentials/examples/v2"]}
    result = issue_many(
        source, tmp_path / "out", key=key, template=template, format=fmt, status_db=db, workers=1, chunk_size=3, now=NOW
    )
    assert result.issued == 7 and result.published
    issued = check_invariants([tmp_path / "out"], db, 7)
    for list_id in result.published:  # the published files are the store's current versions
        assert (tmp_path / "out" / "lists" / list_id).is_file()
        assert (tmp_path / "out" / "lists" / "token" / list_id).is_file()
    verifier, (store, registry) = _verifier(db)
    try:
        for record in issued:
            report = _check(verifier, record, wallet_keys)
            assert report.ok, report.to_json()
        victim = issued[2]
        registry.revoke(victim["id"])  # type: ignore[attr-defined]
        publish_lists(registry, thaivc.Issuer(key, clock=thaivc.FixedClock(NOW)))  # type: ignore[arg-type]
        verifier, _ = _verifier(db)
        assert _check(verifier, victim, wallet_keys).codes == ["status.revoked"]
        assert _check(verifier, issued[3], wallet_keys).ok
    finally:
        store.close()  # type: ignore[attr-defined]


def test_status_entries_equal_the_registry_s_own(tmp_path: Path) -> None:
    key = thaivc.generate_key("Ed25519")
    db = str(tmp_path / "status.db")
    make_status_db(db, key)
    store, registry = open_registry(db)
    try:
        allocation = registry.allocate("urn:uuid:x")
        assert w3c_entry(registry, allocation) == registry.entry_for("urn:uuid:x")
        assert ietf_claim(registry, allocation) == registry.entry_for("urn:uuid:x", format="ietf")
        suspension = registry.allocate("urn:uuid:x", "suspension")
        assert w3c_entry(registry, suspension) == registry.entry_for("urn:uuid:x", "suspension")
    finally:
        store.close()


@pytest.mark.postgres
def test_postgres_with_worker_processes_and_partitions_sharing_one_database(pg_dsn: str, tmp_path: Path) -> None:
    db = url_dsn(pg_dsn)
    key = thaivc.generate_key("Ed25519")
    make_status_db(db, key)
    wallets = [thaivc.generate_key("P-256").did for _ in range(3)]
    source = write_jsonl(tmp_path / "in.jsonl", 60, wallets)
    outs = [tmp_path / f"part{index}" for index in range(2)]

    def partition(index: int) -> object:  # two partitions at once, each with two worker processes
        return issue_many(
            source, outs[index], key=key, template=TEMPLATE, format="vc+jwt", status_db=db, workers=2,
            chunk_size=7, partition=(index, 2), batch_id="shared", now=NOW, publish=False,
        )

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(partition, range(2)))
    assert sum(r.issued for r in results) == 60  # type: ignore[attr-defined]
    # each worker process reports its peak memory; the batch keeps it flat (issue 16: < 200 MB)
    assert all(0 < r.peak_rss_mb < 200 for r in results)  # type: ignore[attr-defined]
    store, registry = open_registry(db, clock=thaivc.FixedClock(NOW))
    try:
        publish_lists(registry, thaivc.Issuer(key, clock=thaivc.FixedClock(NOW)))
    finally:
        store.close()
    issued = check_invariants(outs, db, 60)
    verifier, (store, _) = _verifier(db)
    try:
        assert all(verifier.check(r["credential"]).ok for r in issued[::7])
    finally:
        store.close()  # type: ignore[attr-defined]


def test_cli_issue_batch_from_csv(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    key = thaivc.generate_key("Ed25519")
    key.save(tmp_path / "agency.jwk.json")
    db = str(tmp_path / "status.db")
    assert cli_main(["status", "create", "--db", db, "--key", str(tmp_path / "agency.jwk.json"),
                     "--base-url", BASE_URL]) == 0
    (tmp_path / "t.json").write_text(json.dumps(TEMPLATE))
    wallet = thaivc.generate_key("P-256").did
    (tmp_path / "in.csv").write_text(
        f"id,givenName,citizenId\n{wallet},สมหญิง,1101700203451\n{wallet},สมชาย,1101700203452\n", encoding="utf-8"
    )
    argv = ["issue-batch", str(tmp_path / "in.csv"), "--template", str(tmp_path / "t.json"), "--key",
            str(tmp_path / "agency.jwk.json"), "--out", str(tmp_path / "out"), "--status", db, "--workers", "1",
            "--quiet"]
    assert cli_main(argv) == 0
    assert "issued 2 credential(s)" in capsys.readouterr().out
    check_invariants([tmp_path / "out"], db, 2)
    assert cli_main(argv) == 0  # a finished batch: nothing more
    assert len(read_jsonl(tmp_path / "out" / "credentials.jsonl")) == 2
    (tmp_path / "in.csv").write_text("id,givenName\n", encoding="utf-8")
    assert cli_main(argv) == 2  # another input into the same directory: refused
    assert "batch.journal_mismatch" in capsys.readouterr().err
    assert cli_main([*argv, "--partition", "3/2"]) == 2
