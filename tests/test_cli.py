"""The command line, used as a newcomer would."""

from __future__ import annotations

import io
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from thaivc.cli import main

CREDENTIAL = {
    "@context": ["https://www.w3.org/ns/credentials/v2"],
    "type": ["VerifiableCredential", "ThaiCitizenCredential"],
    "credentialSubject": {"name": {"givenName": "สมหญิง", "familyName": "ใจดี"}},
}


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def keys(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, Path, str]:
    agency, citizen = tmp_path / "agency.jwk.json", tmp_path / "citizen.jwk.json"
    assert run(capsys, "key", "generate", "--out", str(agency))[0] == 0
    code, out, _ = run(capsys, "key", "generate", "--type", "P-256", "--out", str(citizen))
    assert code == 0
    return agency, citizen, out.strip()


def test_key_generate_and_show(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "k.jwk.json"
    code, out, err = run(capsys, "key", "generate", "--type", "P-384", "--out", str(path))
    assert code == 0 and out.startswith("did:key:z82")
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "keep it secret" in err
    code, out, err = run(capsys, "key", "generate", "--out", str(path))
    assert code == 2 and "already exists" in err and "Traceback" not in err
    code, out, _ = run(capsys, "key", "show", str(path), "--json")
    info = json.loads(out)
    assert info["type"] == "P-384" and info["private"] is True
    assert "d" not in info["publicKeyJwk"]
    secret = json.loads(path.read_text())["d"]
    code, out, _ = run(capsys, "key", "show", str(path))
    assert secret not in out and "did:key:z82" in out


def test_issue_present_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str], keys: tuple[Path, Path, str]) -> None:
    agency, citizen, citizen_did = keys
    cred = tmp_path / "credential.json"
    cred.write_text(
        json.dumps({**CREDENTIAL, "credentialSubject": {**CREDENTIAL["credentialSubject"], "id": citizen_did}})
    )
    token_file, vp_file = tmp_path / "cred.jwt", tmp_path / "vp.jwt"
    assert run(capsys, "issue", str(cred), "--key", str(agency), "--out", str(token_file))[0] == 0
    code, out, _ = run(capsys, "verify", str(token_file))
    assert code == 0 and "VERIFIED" in out and "signature" in out
    args = ["present", str(token_file), "--key", str(citizen), "--challenge", "c-1", "--domain", "https://rd.go.th"]
    assert run(capsys, *args, "--out", str(vp_file))[0] == 0
    code, out, _ = run(capsys, "verify", str(vp_file), "--challenge", "c-1", "--domain", "https://rd.go.th", "--json")
    assert code == 0
    report = json.loads(out)
    assert report["status"] == "verified" and report["credentials"][0]["status"] == "verified"
    # wrong challenge: failed, exit 1
    code, out, _ = run(capsys, "verify", str(vp_file), "--challenge", "other", "--domain", "https://rd.go.th")
    assert code == 1 and "vp.challenge_mismatch" in out
    # no challenge given: refused with a hint; inspection mode accepts
    code, out, _ = run(capsys, "verify", str(vp_file))
    assert code == 1 and "hint:" in out
    assert run(capsys, "verify", str(vp_file), "--allow-no-challenge")[0] == 0


def test_verify_exit_codes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], keys: tuple[Path, Path, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    agency, _, _ = keys
    cred = tmp_path / "c.json"
    status = {
        "id": "https://status.example/1#5",
        "type": "BitstringStatusListEntry",
        "statusPurpose": "revocation",
        "statusListIndex": "5",
        "statusListCredential": "https://status.example/1",
    }
    cred.write_text(json.dumps({**CREDENTIAL, "credentialStatus": status}))
    out_file = tmp_path / "c.jwt"
    assert run(capsys, "issue", str(cred), "--key", str(agency), "--out", str(out_file))[0] == 0
    assert run(capsys, "verify", str(out_file))[0] == 3  # indeterminate: status not checkable
    garbage = tmp_path / "garbage"
    garbage.write_text("not a token")
    assert run(capsys, "verify", str(garbage))[0] == 1
    code, _, err = run(capsys, "verify", str(tmp_path / "missing"))
    assert code == 2 and err.startswith("thaivc: error:") and err.count("\n") == 1
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(out_file.read_bytes())))
    assert run(capsys, "verify", "-")[0] == 3


def test_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str], keys: tuple[Path, Path, str]) -> None:
    agency, _, _ = keys
    bad = tmp_path / "bad.json"
    bad.write_text('{"a": 1, "a": 2}')
    code, _, err = run(capsys, "issue", str(bad), "--key", str(agency))
    assert code == 2 and "json.duplicate_key" in err and err.count("\n") == 1
    invalid = tmp_path / "invalid.json"
    invalid.write_text(json.dumps({"type": ["VerifiableCredential"]}))
    code, _, err = run(capsys, "issue", str(invalid), "--key", str(agency))
    assert code == 1 and "cannot issue: vc." in err
    code, _, err = run(capsys, "issue", str(invalid), "--key", str(tmp_path / "nokey.json"))
    assert code == 2 and "thaivc key generate" in err


def test_demo_and_module_entry_point(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "src")}
    done = subprocess.run(
        [sys.executable, "-m", "thaivc", "demo", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "forgery, replay and misdirection were refused" in done.stdout
    assert "presented with only her name and IAL on the wire" in done.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "offer.png",
        "offer.svg",
        "presentation.png",
        "presentation.svg",
    ]
    helped = subprocess.run(
        [sys.executable, "-m", "thaivc", "verify", "--help"], capture_output=True, text=True, env=env
    )
    assert helped.returncode == 0 and "exit status" in helped.stdout


def test_sd_jwt_through_the_cli(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], keys: tuple[Path, Path, str]
) -> None:
    agency, citizen, citizen_did = keys
    cred = tmp_path / "credential.json"
    subject = {**CREDENTIAL["credentialSubject"], "id": citizen_did, "birthDate": "1995-08-12"}
    cred.write_text(json.dumps({**CREDENTIAL, "credentialSubject": subject}))
    sd_file, vp_file = tmp_path / "cred.sd-jwt", tmp_path / "presented"
    argv = ["issue", str(cred), "--key", str(agency), "--format", "dc+sd-jwt", "--out", str(sd_file)]
    assert run(capsys, *argv, "--disclosable", "/credentialSubject/birthDate")[0] == 0
    argv = ["present", str(sd_file), "--key", str(citizen), "--challenge", "n-1", "--domain", "https://rd.go.th"]
    assert run(capsys, *argv, "--disclose", "/credentialSubject/birthDate", "--out", str(vp_file))[0] == 0
    code, out, _ = run(capsys, "verify", str(vp_file), "--challenge", "n-1", "--domain", "https://rd.go.th", "--json")
    assert code == 0
    assert json.loads(out)["details"]["disclosed"] == ["/credentialSubject/birthDate"]
    code, _, err = run(capsys, "issue", str(cred), "--key", str(agency), "--disclosable", "/x")
    assert code == 2 and "--format dc+sd-jwt" in err


def test_issue_subject_option(tmp_path: Path, capsys: pytest.CaptureFixture[str], keys: tuple[Path, Path, str]) -> None:
    agency, citizen, citizen_did = keys
    cred, token_file, vp_file = tmp_path / "c.json", tmp_path / "c.jwt", tmp_path / "vp.jwt"
    cred.write_text(json.dumps(CREDENTIAL))  # no subject id: --subject binds it to the wallet
    assert (
        run(capsys, "issue", str(cred), "--key", str(agency), "--subject", citizen_did, "--out", str(token_file))[0]
        == 0
    )
    assert (
        run(capsys, "present", str(token_file), "--key", str(citizen), "--challenge", "c", "--out", str(vp_file))[0]
        == 0
    )
    assert run(capsys, "verify", str(vp_file), "--challenge", "c")[0] == 0


def test_verify_with_a_trust_list(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], keys: tuple[Path, Path, str]
) -> None:
    agency, _, _ = keys
    agency_did = json.loads(run(capsys, "key", "show", str(agency), "--json")[1])["did"]
    cred, token = tmp_path / "c.json", tmp_path / "c.jwt"
    cred.write_text(json.dumps(CREDENTIAL))
    assert run(capsys, "issue", str(cred), "--key", str(agency), "--out", str(token))[0] == 0
    trusted, other = tmp_path / "trusted.json", tmp_path / "other.json"
    trusted.write_text(json.dumps({"issuers": [{"id": agency_did, "credential_types": ["ThaiCitizenCredential"]}]}))
    other.write_text(
        json.dumps({"issuers": [{"id": "did:web:dopa.go.th", "credential_types": ["ThaiCitizenCredential"]}]})
    )
    code, out, _ = run(capsys, "verify", str(token), "--trust", str(trusted))
    assert code == 0 and "trust" in out
    code, out, _ = run(capsys, "verify", str(token), "--trust", str(other))
    assert code == 1 and "trust.untrusted_issuer" in out
    code, _, err = run(capsys, "verify", str(token), "--trust", str(tmp_path / "missing.json"))
    assert code == 2 and "cannot use trust list" in err
