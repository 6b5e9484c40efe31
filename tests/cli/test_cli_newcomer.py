"""The officer's command line (issue 15, items 3, 6, 7): status and assurance at verification,
output that survives any console, exit 4 for thaivc's own faults, and papercuts.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest
from test_cli_status import BASE, Env

from thaivc.cli import main
from thaivc.cli._common import EXIT_INTERNAL

CHALLENGE_ARGS = ["--allow-no-challenge"]


@pytest.fixture
def env(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Env:
    e = Env(tmp_path)
    assert main(["key", "generate", "--out", e.key]) == 0
    assert main(["status", "create", "--db", e.db, "--key", e.key, "--base-url", BASE]) == 0
    capsys.readouterr()
    return e


def _issued(env: Env, cid: str) -> Path:
    out = env.dir / "cred.jwt"
    assert main(["issue", str(env.credential(cid)), "--key", env.key, "--status", env.db, "--out", str(out)]) == 0
    return out


def test_verify_without_status_names_the_flag(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    cred = _issued(env, "urn:uuid:b1")
    capsys.readouterr()
    assert main(["verify", str(cred)]) == 3
    out = capsys.readouterr().out
    assert "status.not_checked" in out and "--status" in out


@pytest.mark.parametrize("source", ["db", "folder"])
def test_verify_status_from_the_database_or_a_published_folder(env: Env, capsys: pytest.CaptureFixture[str],
                                                               source: str) -> None:
    cred = _issued(env, "urn:uuid:b2")
    assert main(["status", "publish", "--db", env.db, "--key", env.key, "--out", str(env.out)]) == 0
    where = env.db if source == "db" else str(env.out)
    capsys.readouterr()
    assert main(["verify", str(cred), "--status", where]) == 0
    assert main(["status", "revoke", "--db", env.db, "urn:uuid:b2"]) == 0
    assert main(["status", "publish", "--db", env.db, "--key", env.key, "--out", str(env.out)]) == 0
    capsys.readouterr()
    assert main(["verify", str(cred), "--status", where]) == 1
    assert "status.revoked" in capsys.readouterr().out


def test_verify_status_folder_never_reads_outside_it(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    """A list URL that walks up (``…/..``) or names no list is unavailable, never a file elsewhere."""
    from thaivc.cli.status import _FolderLists
    from thaivc.core.errors import Indeterminate

    env.out.mkdir()
    (env.dir / "secret").write_text("x")
    lists = _FolderLists(env.out)
    for url in (f"{BASE}/..", f"{BASE}/", "https://evil.example/../secret", f"{BASE}/nothing"):
        with pytest.raises(Indeterminate):
            lists(url)


def test_verify_min_ial(env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "c.json"
    doc.write_text(json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"],
                               "type": ["VerifiableCredential"],
                               "credentialSubject": {"id": "did:example:a", "ial": "2.3"}}))
    out = tmp_path / "c.jwt"
    assert main(["issue", str(doc), "--key", env.key, "--out", str(out)]) == 0
    capsys.readouterr()
    assert main(["verify", str(out), "--min-ial", "2.3"]) == 1  # the claim has no evidence behind it
    assert "assurance.too_low" in capsys.readouterr().out
    assert main(["verify", str(out), "--min-ial", "9.9"]) == 2


def test_verify_proof_set_policy_file_is_checked(env: Env, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "p.json"
    bad.write_text(json.dumps({"required_methods": ["did:example:a"], "surprise": 1}))
    cred = _issued(env, "urn:uuid:b3")
    assert main(["verify", str(cred), "--proof-set-policy", str(bad)]) == 2
    bad.write_text(json.dumps({"min_proofs": 2}))
    assert main(["verify", str(cred), "--proof-set-policy", str(bad)]) == 2


@pytest.mark.parametrize("encoding", ["cp874", "ascii"])
def test_output_survives_a_thai_windows_or_ascii_console(env: Env, monkeypatch: pytest.MonkeyPatch,
                                                          encoding: str) -> None:
    cred = _issued(env, "urn:uuid:b4")
    raw = io.BytesIO()
    console = io.TextIOWrapper(raw, encoding=encoding, errors="strict")
    monkeypatch.setattr(sys, "stdout", console)
    code = main(["verify", str(cred)])
    console.flush()
    text = raw.getvalue().decode(encoding)
    assert code == 3 and "INDETERMINATE" in text
    assert "✔" not in text and "✘" not in text and ("OK" in text or "-" in text)


def test_an_internal_error_exits_4_never_1(env: Env, monkeypatch: pytest.MonkeyPatch,
                                           capsys: pytest.CaptureFixture[str]) -> None:
    import thaivc.cli.commands as commands

    def broken(text: str, **kw: object) -> None:
        raise RuntimeError("a bug")

    monkeypatch.setattr(commands, "read_input", broken)  # the CLI's own plumbing, not a library object
    assert main(["verify", "x"]) == EXIT_INTERNAL == 4
    assert "internal error" in capsys.readouterr().err


def test_a_mistyped_flag_shows_the_subcommands_usage_and_a_guess(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["verify", "x.jwt", "--chalenge", "abc"])
    err = capsys.readouterr().err
    assert exit_info.value.code == 2
    assert "usage: thaivc verify" in err and "did you mean --challenge?" in err


@pytest.mark.parametrize("spelling", ["ed25519", "p-256", "P256", "p-384"])
def test_key_types_are_case_insensitive(tmp_path: Path, capsys: pytest.CaptureFixture[str], spelling: str) -> None:
    assert main(["key", "generate", "--type", spelling, "--out", str(tmp_path / "k.json")]) == 0
    with pytest.raises(SystemExit):
        main(["key", "generate", "--type", "rsa", "--out", str(tmp_path / "r.json")])


# -- item 4: an ID is read the same way wherever it is typed -----------------------------------------

THAI_COMPANY = "๐๙๙๕๕๖๒๐๐๐๐๑๘"  # 0995562000018, the sample registry's company, in Thai digits


@pytest.mark.parametrize("typed", [THAI_COMPANY, "0-9955-62000-01-8", "0995 5620 0001 8"])
def test_dbd_lookup_folds_thai_digits_and_dashes_and_says_so(capsys: pytest.CaptureFixture[str], typed: str) -> None:
    assert main(["dbd", "lookup", typed]) == 0
    out, err = capsys.readouterr()
    assert "0995562000018" in out
    assert "read as 0995562000018" in err and "folded" in err
    assert "ข้อมูลทดสอบ" in err  # the built-in sample registry says it is not DBD


@pytest.mark.parametrize("argv", [
    ["dbd", "lookup", "0995562000019"],
    ["id", "check", "0995562000019"],
    ["dopa", "check", "--citizen-id", "1999900001011", "--first-name", "ก", "--last-name", "ข",
     "--birth-date-be", "25380812", "--laser", "ZX0-0010000-01"],
    ["delegate", "--grantor", "0995562000019", "--attorney", "did:key:z6Mk", "--attorney-id", "1999900001028",
     "--acts", "tax_filing"],
])
def test_an_invalid_id_exits_1_everywhere(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    assert main(argv) == 1
    out, err = capsys.readouterr()
    assert "INVALID" in out + err


def test_id_check_and_dbd_lookup_agree_on_a_bad_check_digit(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["id", "check", "0995562000019"]) == main(["dbd", "lookup", "0995562000019"]) == 1
    assert "INVALID" in capsys.readouterr().err


# -- item 5: status changes say what they did, per id, and refuse what they must ---------------------


def _issue_many(env: Env, *cids: str) -> None:
    for n, cid in enumerate(cids):
        out = env.dir / f"c{n}.jwt"
        assert main(["issue", str(env.credential(cid)), "--key", env.key, "--status", env.db,
                     "--status-purpose", "revocation,suspension", "--out", str(out)]) == 0


def test_revoke_dry_run_skip_unknown_and_counts(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    _issue_many(env, "urn:uuid:e1", "urn:uuid:e2", "urn:uuid:e3")
    assert main(["status", "revoke", "--db", env.db, "urn:uuid:e1"]) == 0
    csv_file = env.dir / "r.csv"
    csv_file.write_text("credential_id\nurn:uuid:e1\nurn:uuid:e2\nurn:uuid:ghost\n")
    capsys.readouterr()
    assert main(["status", "revoke", "--db", env.db, "--from-csv", str(csv_file)]) == 1
    assert "urn:uuid:ghost" in capsys.readouterr().err
    assert main(["status", "revoke", "--db", env.db, "--from-csv", str(csv_file), "--skip-unknown",
                 "--dry-run"]) == 0
    assert "1 credential(s) would be revoked, 1 already revoked, 1 unknown skipped" in capsys.readouterr().out
    assert main(["status", "show", "urn:uuid:e2", "--db", env.db, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["entries"][0]["state"] == "valid"  # the dry run changed nothing
    assert main(["status", "revoke", "--db", env.db, "--from-csv", str(csv_file), "--skip-unknown"]) == 0
    assert "1 credential(s) revoked, 1 already revoked, 1 unknown skipped" in capsys.readouterr().out


def test_reinstating_a_revoked_credential_is_refused(env: Env, capsys: pytest.CaptureFixture[str]) -> None:
    _issue_many(env, "urn:uuid:f1", "urn:uuid:f2")
    assert main(["status", "suspend", "--db", env.db, "urn:uuid:f1", "urn:uuid:f2"]) == 0
    assert main(["status", "revoke", "--db", env.db, "urn:uuid:f1"]) == 0
    capsys.readouterr()
    assert main(["status", "reinstate", "--db", env.db, "urn:uuid:f2", "urn:uuid:f1"]) == 1
    err = capsys.readouterr().err
    assert "revocation is final" in err and "credential(s) reinstated" not in err
    assert main(["status", "show", "urn:uuid:f2", "--db", env.db, "--json"]) == 0
    states = {e["purpose"]: e["state"] for e in json.loads(capsys.readouterr().out)["entries"]}
    assert states["suspension"] == "SUSPENDED"  # all or nothing: f2 was not reinstated either
    csv_file = env.dir / "s.csv"
    csv_file.write_text("urn:uuid:f2\n")
    assert main(["status", "reinstate", "--db", env.db, "--from-csv", str(csv_file)]) == 0
    assert "1 credential(s) reinstated" in capsys.readouterr().out


# -- item 7: papercuts -----------------------------------------------------------------------------


def test_version_loads_none_of_the_verifier() -> None:
    """``thaivc --version`` imports the command line only: no pydantic, no HTTP, no verifier."""
    import subprocess

    code = ("import sys, thaivc.cli; "
            "heavy = [m for m in ('pydantic', 'httpx', 'thaivc.engine.verifier', 'thaivc.model', 'rich') if m in sys.modules]; "
            "print(heavy)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(Path(__file__).parents[2] / "src")}).stdout
    assert out.strip() == "[]"


def test_lazy_top_level_names_still_work() -> None:
    import thaivc

    assert thaivc.Verifier.__name__ == "Verifier" and "Verifier" in dir(thaivc)
    assert thaivc.status.StatusRegistry.__name__ == "StatusRegistry"  # a sub-module by attribute
    with pytest.raises(AttributeError):
        thaivc.NoSuchThing


def test_issue_subject_never_silently_replaces_another(env: Env, tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "c.json"
    doc.write_text(json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
                               "credentialSubject": {"id": "did:example:somchai", "name": "สมชาย"}}))
    assert main(["issue", str(doc), "--key", env.key, "--subject", "did:example:other"]) == 2
    assert "did:example:somchai" in capsys.readouterr().err
    assert main(["issue", str(doc), "--key", env.key, "--subject", "did:example:somchai"]) == 0


def test_a_dotted_disclosable_path_suggests_the_pointer(env: Env, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    doc = tmp_path / "c.json"
    doc.write_text(json.dumps({"@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
                               "credentialSubject": {"id": "did:example:a", "name": "สมชาย"}}))
    assert main(["issue", str(doc), "--key", env.key, "--format", "dc+sd-jwt",
                 "--disclosable", "credentialSubject.name"]) == 2
    assert "did you mean --disclosable /credentialSubject/name?" in capsys.readouterr().err


def test_delegate_says_what_it_wrote(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "poa.json"
    assert main(["delegate", "--grantor", "0995562000018", "--attorney", "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLG"
                 "pbnnEGta2doK", "--attorney-id", "1999900001028", "--acts", "tax_filing", "--max-value", "5000000",
                 "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"wrote {out}" in err and "tax_filing" in err and "5,000,000 baht" in err and "sign-delegation" in err
    assert "DelegationCredential" in json.loads(out.read_text())["type"]
