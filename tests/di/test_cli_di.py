"""The command line with Data Integrity: issue, present, verify, and a co-signer's ``proof add``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from thaivc.cli import main

CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
    "type": ["VerifiableCredential", "ThaiCitizenCredential"],
    "credentialSubject": {"name": {"givenName": "สมหญิง", "familyName": "ใจดี"}},
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def make_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, key_type: str = "Ed25519"
) -> tuple[Path, str]:
    path = tmp_path / f"{name}.jwk.json"
    code, out, _ = run(capsys, "key", "generate", "--type", key_type, "--out", str(path))
    assert code == 0
    return path, out.strip()


@pytest.fixture
def credential_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, str]:
    citizen, citizen_did = make_key(tmp_path, capsys, "citizen", "P-256")
    cred = tmp_path / "credential.json"
    cred.write_text(
        json.dumps({**CREDENTIAL, "credentialSubject": {**CREDENTIAL["credentialSubject"], "id": citizen_did}})
    )
    return cred, citizen, citizen_did


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_issue_di_and_verify(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], credential_file: tuple[Path, Path, str], suite: str
) -> None:
    cred, _, _ = credential_file
    agency, agency_did = make_key(tmp_path, capsys, "agency")
    out_file = tmp_path / "signed.json"
    code, _, err = run(
        capsys,
        "issue",
        str(cred),
        "--key",
        str(agency),
        "--format",
        "di",
        "--cryptosuite",
        suite,
        "--out",
        str(out_file),
    )
    assert code == 0, err
    signed = json.loads(out_file.read_text())
    assert signed["proof"]["cryptosuite"] == suite
    assert signed["issuer"] == agency_did
    code, out, _ = run(capsys, "verify", str(out_file), "--json")
    report = json.loads(out)
    assert code == 0 and report["status"] == "verified" and report["format"] == "di"
    assert [c["name"] for c in report["checks"]][:4] == ["parse", "model", "context", "proof[0]"]
    signed["credentialSubject"]["name"]["givenName"] = "สมชาย"
    out_file.write_text(json.dumps(signed, ensure_ascii=False))
    code, out, _ = run(capsys, "verify", str(out_file), "--json")
    assert code == 1 and json.loads(out)["problems"][0]["code"] == "di.proof_invalid"


def test_issue_with_unknown_cryptosuite_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], credential_file: tuple[Path, Path, str]
) -> None:
    cred, _, _ = credential_file
    agency, _ = make_key(tmp_path, capsys, "agency")
    code, _, err = run(
        capsys, "issue", str(cred), "--key", str(agency), "--format", "di", "--cryptosuite", "eddsa-2099"
    )
    assert code != 0 and "Traceback" not in err and "cryptosuite" in err


def test_present_di_and_verify_with_challenge(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], credential_file: tuple[Path, Path, str]
) -> None:
    cred, citizen, _ = credential_file
    agency, _ = make_key(tmp_path, capsys, "agency")
    signed, vp = tmp_path / "signed.json", tmp_path / "vp.json"
    assert run(capsys, "issue", str(cred), "--key", str(agency), "--format", "di", "--out", str(signed))[0] == 0
    code, _, err = run(
        capsys,
        "present",
        str(signed),
        "--key",
        str(citizen),
        "--format",
        "di",
        "--challenge",
        "n-0S6",
        "--domain",
        "https://rd.go.th",
        "--out",
        str(vp),
    )
    assert code == 0, err
    presentation = json.loads(vp.read_text())
    assert presentation["proof"]["proofPurpose"] == "authentication"
    assert presentation["proof"]["cryptosuite"] == "ecdsa-rdfc-2019"  # the citizen key is P-256
    code, out, _ = run(capsys, "verify", str(vp), "--challenge", "n-0S6", "--domain", "https://rd.go.th")
    assert code == 0, out
    code, out, _ = run(capsys, "verify", str(vp), "--challenge", "other", "--json")
    assert code == 1 and "di.challenge_mismatch" in [p["code"] for p in json.loads(out)["problems"]]


def test_proof_add_builds_a_proof_set(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], credential_file: tuple[Path, Path, str]
) -> None:
    cred, _, _ = credential_file
    agency, _ = make_key(tmp_path, capsys, "agency")
    signed, second = tmp_path / "signed.json", tmp_path / "second.json"
    assert run(capsys, "issue", str(cred), "--key", str(agency), "--format", "di", "--out", str(signed))[0] == 0
    code, _, err = run(
        capsys,
        "proof",
        "add",
        str(signed),
        "--key",
        str(agency),
        "--cryptosuite",
        "eddsa-jcs-2022",
        "--out",
        str(second),
    )
    assert code == 0, err
    doc = json.loads(second.read_text())
    assert [p["cryptosuite"] for p in doc["proof"]] == ["eddsa-rdfc-2022", "eddsa-jcs-2022"]
    assert doc["proof"][0] == json.loads(signed.read_text())["proof"]
    code, out, _ = run(capsys, "verify", str(second), "--json")
    assert code == 0
    assert [c["name"] for c in json.loads(out)["checks"] if c["name"].startswith("proof")] == ["proof[0]", "proof[1]"]


def test_proof_add_by_a_stranger_fails_verification(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], credential_file: tuple[Path, Path, str]
) -> None:
    cred, _, _ = credential_file
    agency, _ = make_key(tmp_path, capsys, "agency")
    stranger, _ = make_key(tmp_path, capsys, "stranger")
    signed, second = tmp_path / "signed.json", tmp_path / "second.json"
    assert run(capsys, "issue", str(cred), "--key", str(agency), "--format", "di", "--out", str(signed))[0] == 0
    assert run(capsys, "proof", "add", str(signed), "--key", str(stranger), "--out", str(second))[0] == 0
    code, out, _ = run(capsys, "verify", str(second), "--json")
    assert code == 1 and "di.vm_not_authorized" in [p["code"] for p in json.loads(out)["problems"]]


def test_proof_add_refuses_an_unsigned_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], credential_file: tuple[Path, Path, str]
) -> None:
    cred, _, _ = credential_file
    agency, _ = make_key(tmp_path, capsys, "agency")
    code, _, err = run(capsys, "proof", "add", str(cred), "--key", str(agency))
    assert code == 2 and "no proof yet" in err


def test_proof_add_chain_with_previous(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], credential_file: tuple[Path, Path, str]
) -> None:
    cred, _, _ = credential_file
    agency, _ = make_key(tmp_path, capsys, "agency")
    first, second, third, bad = (tmp_path / f"{n}.json" for n in ("a", "b", "c", "d"))
    assert run(capsys, "issue", str(cred), "--key", str(agency), "--format", "di", "--out", str(first))[0] == 0
    code, _, err = run(
        capsys, "proof", "add", str(first), "--key", str(agency), "--id", "urn:proof:1", "--out", str(second)
    )
    assert code == 0, err
    code, _, err = run(
        capsys, "proof", "add", str(second), "--key", str(agency), "--previous", "urn:proof:1", "--out", str(third)
    )
    assert code == 0, err
    chained = json.loads(third.read_text())
    assert chained["proof"][2]["previousProof"] == ["urn:proof:1"]
    code, out, _ = run(capsys, "verify", str(third), "--json")
    assert code == 0, out
    code, _, err = run(
        capsys, "proof", "add", str(second), "--key", str(agency), "--previous", "urn:proof:none", "--out", str(bad)
    )
    assert code != 0 and "previous" in err and not bad.exists()
