"""Batch issuance under hostile or broken input: what must be refused, and what must not happen.

Written before the batch code: a row that cannot be issued never holds a status index; a resumed
run never mixes two batches in one directory; a leftover half-written part is not a finished chunk;
running a finished batch again issues nobody twice.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from batch_helpers import NOW, TEMPLATE, check_invariants, make_status_db, read_jsonl, store_entries, write_jsonl

import thaivc
from thaivc.batch import credential_id, issue_many
from thaivc.core.errors import ThaiVCError, UsageError


@pytest.fixture
def key() -> thaivc.PrivateKey:
    return thaivc.generate_key("Ed25519")


@pytest.fixture
def wallets() -> list[str]:
    return [thaivc.generate_key("P-256").did for _ in range(3)]


@pytest.fixture
def db(tmp_path: Path, key: thaivc.PrivateKey) -> str:
    path = str(tmp_path / "status.db")
    make_status_db(path, key)
    return path


def _run(source: Path, out: Path, key: thaivc.PrivateKey, db: str | None, **kw: object) -> object:
    options: dict[str, object] = {"template": TEMPLATE, "status_db": db, "workers": 1, "chunk_size": 4, "now": NOW}
    options.update(kw)
    return issue_many(source, out, key=key, **options)  # type: ignore[arg-type]


def test_bad_rows_are_refused_with_codes_and_hold_no_index(
    tmp_path: Path, key: thaivc.PrivateKey, wallets: list[str], db: str
) -> None:
    hostile = {
        2: b'{"citizenId": "1", "citizenId": "2"}',  # duplicate member
        3: b'{"givenName": "' + b"x" * 70_000 + b'"}',  # oversized row
        4: b"[1, 2]",  # not an object
        5: '{"id": "did:example:1", "givenName": "สม\u202eหญิง"}'.encode(),  # bidi control
        6: b'{"id": "did:example:1", "givenName": "\\ud800"}',  # lone surrogate
        7: b"{not json",
    }
    source = write_jsonl(tmp_path / "in.jsonl", 10, wallets, extra=hostile)
    result = _run(source, tmp_path / "out", key, db)
    rejected = {r["row"]: r["code"] for r in read_jsonl(tmp_path / "out" / "rejected.jsonl")}
    assert rejected == {
        2: "json.duplicate_key",
        3: "input.too_large",
        4: "json.not_object",
        5: rejected[5],
        6: rejected[6],
        7: "json.invalid",
    }
    assert rejected[5].startswith(("text.", "usage.")) and rejected[6].startswith(("json.", "text."))
    assert result.issued == 4 and result.rejected == 6  # type: ignore[attr-defined]
    check_invariants([tmp_path / "out"], db, 10, set(hostile))


def test_resume_with_another_input_is_refused(tmp_path: Path, key: thaivc.PrivateKey, wallets: list[str], db: str) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 8, wallets)
    _run(source, tmp_path / "out", key, db)
    write_jsonl(source, 9, wallets)  # the file changed under the batch
    with pytest.raises(ThaiVCError) as err:
        _run(source, tmp_path / "out", key, db)
    assert err.value.code == "batch.journal_mismatch" and "input_sha256" in err.value.detail


def test_resume_with_another_key_template_or_chunking_is_refused(
    tmp_path: Path, key: thaivc.PrivateKey, wallets: list[str], db: str
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 8, wallets)
    out = tmp_path / "out"
    (out / "parts").mkdir(parents=True)
    _run(source, out, key, None, format="vc+jwt")
    other = thaivc.generate_key("Ed25519")
    for changed in ({"key": other}, {"template": {**TEMPLATE, "type": ["VerifiableCredential"]}}, {"chunk_size": 5}):
        args = {"key": key, **changed}
        with pytest.raises(ThaiVCError) as err:
            _run(source, out, args.pop("key"), None, format="vc+jwt", **args)  # type: ignore[arg-type]
        assert err.value.code == "batch.journal_mismatch"


def test_a_foreign_directory_is_not_taken_for_a_journal(tmp_path: Path, key: thaivc.PrivateKey, wallets: list[str]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 3, wallets)
    out = tmp_path / "out"
    out.mkdir()
    (out / "manifest.json").write_text('{"something": "else"}')
    with pytest.raises(ThaiVCError) as err:
        _run(source, out, key, None)
    assert err.value.code == "batch.journal_mismatch"


def test_status_database_of_another_issuer_is_refused(tmp_path: Path, key: thaivc.PrivateKey, wallets: list[str]) -> None:
    db = str(tmp_path / "other.db")
    make_status_db(db, thaivc.generate_key("Ed25519"))
    source = write_jsonl(tmp_path / "in.jsonl", 3, wallets)
    with pytest.raises(ThaiVCError) as err:
        _run(source, tmp_path / "out", key, db)
    assert err.value.code == "usage.invalid_argument"
    assert store_entries(db) == {}


def test_a_leftover_temporary_part_is_not_a_finished_chunk(
    tmp_path: Path, key: thaivc.PrivateKey, wallets: list[str], db: str
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 8, wallets)
    out = tmp_path / "out"
    (out / "parts").mkdir(parents=True)
    (out / "parts" / ".part-000000.jsonl.tmp-999").write_bytes(b'{"row":1,"id":"forged"')
    _run(source, out, key, db)
    check_invariants([out], db, 8)


def test_running_a_finished_batch_again_issues_nobody(tmp_path: Path, key: thaivc.PrivateKey, wallets: list[str], db: str) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 9, wallets)
    first = _run(source, tmp_path / "out", key, db)
    before = (tmp_path / "out" / "credentials.jsonl").read_bytes()
    again = _run(source, tmp_path / "out", key, db)
    assert (tmp_path / "out" / "credentials.jsonl").read_bytes() == before
    assert again.issued == first.issued == 9 and again.seconds == 0.0  # type: ignore[attr-defined]
    assert len(store_entries(db)) == 9


def test_a_second_batch_into_the_same_status_database_gets_fresh_ids_and_indices(
    tmp_path: Path, key: thaivc.PrivateKey, wallets: list[str], db: str
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 6, wallets)
    a = _run(source, tmp_path / "a", key, db)
    b = _run(source, tmp_path / "b", key, db)
    assert a.batch_id != b.batch_id  # type: ignore[attr-defined]
    ids_a = {r["id"] for r in read_jsonl(tmp_path / "a" / "credentials.jsonl")}
    ids_b = {r["id"] for r in read_jsonl(tmp_path / "b" / "credentials.jsonl")}
    assert not ids_a & ids_b and len(store_entries(db)) == 12


def test_credential_ids_are_a_function_of_batch_and_row() -> None:
    assert credential_id("b1", 7) == credential_id("b1", 7)
    assert len({credential_id("b1", 7), credential_id("b1", 8), credential_id("b2", 7)}) == 3


@pytest.mark.parametrize(
    "kw",
    [{"workers": 0}, {"chunk_size": 0}, {"chunk_size": 10**6}, {"partition": (2, 2)}, {"format": "jwt"}],
)
def test_bad_options_are_usage_errors(tmp_path: Path, key: thaivc.PrivateKey, wallets: list[str], kw: dict[str, object]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 2, wallets)
    with pytest.raises(UsageError):
        _run(source, tmp_path / "out", key, None, **kw)
    assert not (tmp_path / "out").exists()


def test_a_public_key_cannot_issue(tmp_path: Path, key: thaivc.PrivateKey, wallets: list[str]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 2, wallets)
    with pytest.raises(UsageError):
        issue_many(source, tmp_path / "out", key=key.public, template=TEMPLATE)


def test_bad_csv_rows(tmp_path: Path, key: thaivc.PrivateKey, db: str) -> None:
    source = tmp_path / "in.csv"
    source.write_text(
        "id,name.givenName,name.familyName,citizenId\n"
        "did:example:a,สมหญิง,ใจดี,1101700203451\n"
        "did:example:b,only,three\n"  # too few cells
        "\n"
        "did:example:c,สมชาย,,1101700203452\n",  # empty cell left out
        encoding="utf-8",
    )
    _run(source, tmp_path / "out", key, db, format="vc+jwt")
    issued = check_invariants([tmp_path / "out"], db, 3, {2})
    assert [r["row"] for r in issued] == [1, 3]
    payload = json.loads(thaivc_payload(issued[0]["credential"]))
    assert payload["credentialSubject"]["name"] == {"givenName": "สมหญิง", "familyName": "ใจดี"}


def test_csv_header_must_name_every_column_once(tmp_path: Path, key: thaivc.PrivateKey) -> None:
    for header in ("id,,x", "id,id", "id,a..b"):
        source = tmp_path / "in.csv"
        source.write_text(f"{header}\n1,2,3\n", encoding="utf-8")
        with pytest.raises(UsageError):
            _run(source, tmp_path / f"out{hash(header)}", key, None)


def thaivc_payload(token: str) -> str:
    import base64

    segment = token.split(".")[1]
    return base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)).decode()


def test_output_holding_personal_data_is_owner_only(
    tmp_path: Path, key: thaivc.PrivateKey, wallets: list[str], db: str
) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 3, wallets, extra={2: b"[1]"})
    result = _run(source, tmp_path / "out", key, db)
    out = tmp_path / "out"
    for name in ("credentials.jsonl", "rejected.jsonl", "manifest.json"):
        assert (out / name).stat().st_mode & 0o077 == 0, name
    assert out.stat().st_mode & 0o077 == 0
    for list_id in result.published:  # type: ignore[attr-defined]
        assert (out / "lists" / list_id).stat().st_mode & 0o004  # status lists are public


def test_a_directory_others_can_write_is_refused(tmp_path: Path, key: thaivc.PrivateKey, wallets: list[str]) -> None:
    source = write_jsonl(tmp_path / "in.jsonl", 2, wallets)
    out = tmp_path / "shared"
    out.mkdir()
    out.chmod(0o777)
    with pytest.raises(ThaiVCError) as err:
        _run(source, out, key, None)
    assert err.value.code == "batch.journal_mismatch" and not (out / "credentials.jsonl").exists()
