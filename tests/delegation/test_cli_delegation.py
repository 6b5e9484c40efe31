"""The command line: draft, sign (one director at a time), and decide."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from thaivc.authorization.scenario import DEMO_COMPANY, World
from thaivc.cli import main
from thaivc.core.clock import FixedClock

from ._helpers import RD, attachments


@pytest.fixture
def live() -> World:
    """A world on the real time: the command-line verifier uses the system clock."""
    return World(clock=FixedClock(time.time()))


def _draft(tmp_path: Path, world: World, capsys: pytest.CaptureFixture[str]) -> Path:
    acct = world.person("somying")
    out = tmp_path / "poa.json"
    code = main(["delegate", "--grantor", DEMO_COMPANY, "--attorney", acct.did, "--attorney-id", acct.citizen_id,
                 "--acts", "tax_filing", "--max-value", "5000000", "--valid-from", world.iso(-1),
                 "--valid-until", world.iso(365), "--seal", "--out", str(out)])
    assert code == 0
    return out


def _sign(tmp_path: Path, world: World, poa: Path, who: str) -> None:
    key_file = tmp_path / f"{who}.jwk.json"
    if not key_file.exists():
        world.person(who).key.save(str(key_file))
    assert main(["sign-delegation", str(poa), "--key", str(key_file), "--out", str(poa)]) == 0


def _authorize(tmp_path: Path, world: World, poa: Path, *extra: str) -> int:
    acct = world.person("somying")
    vp = world.present(acct, [acct.credential, *attachments(world), json.loads(poa.read_text("utf-8"))],
                       challenge="cli-challenge", domain=RD)
    vp_file = tmp_path / "vp.jwt"
    vp_file.write_text(vp, "utf-8")
    return main(["authorize", str(vp_file), "--act", "tax_filing", "--on-behalf-of", DEMO_COMPANY,
                 "--challenge", "cli-challenge", "--domain", RD, "--value", "1000",
                 "--trust-citizen-issuer", world.dopa_did, *extra])


def test_draft_sign_twice_and_allowed(tmp_path: Path, live: World, capsys: pytest.CaptureFixture[str]) -> None:
    poa = _draft(tmp_path, live, capsys)
    doc = json.loads(poa.read_text("utf-8"))
    assert doc["credentialSubject"]["grantor"]["legalNameTh"] == "บริษัท สยามบัญชี จำกัด" and "proof" not in doc
    _sign(tmp_path, live, poa, "somsak")
    _sign(tmp_path, live, poa, "piyanuch")
    assert len(json.loads(poa.read_text("utf-8"))["proof"]) == 2
    capsys.readouterr()
    assert _authorize(tmp_path, live, poa, "--trust-dbd-issuer", live.dbd_did, "--json") == 0
    decision = json.loads(capsys.readouterr().out)
    assert decision["allowed"] is True and decision["via"] == "delegation"


def test_one_signature_is_refused(tmp_path: Path, live: World, capsys: pytest.CaptureFixture[str]) -> None:
    poa = _draft(tmp_path, live, capsys)
    _sign(tmp_path, live, poa, "somsak")
    capsys.readouterr()
    assert _authorize(tmp_path, live, poa, "--trust-dbd-issuer", live.dbd_did) == 1
    out = capsys.readouterr().out
    assert "REFUSED" in out and "delegation.quorum_not_met" in out


def test_untrusted_company_data_without_registry(tmp_path: Path, live: World,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    poa = _draft(tmp_path, live, capsys)
    _sign(tmp_path, live, poa, "somsak")
    _sign(tmp_path, live, poa, "piyanuch")
    capsys.readouterr()
    assert _authorize(tmp_path, live, poa) == 1  # DBD issuer not trusted: wrong root
    assert "delegation.untrusted_root" in capsys.readouterr().out


def test_unknown_company_needs_a_name(tmp_path: Path, live: World, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["delegate", "--grantor", "0105536000135", "--attorney", "did:key:z6Mk", "--attorney-id",
                 "1999900001028", "--acts", "tax_filing"])
    assert code == 2 and "--grantor-name" in capsys.readouterr().err


def test_no_company_source_is_indeterminate(tmp_path: Path, live: World, capsys: pytest.CaptureFixture[str]) -> None:
    poa = _draft(tmp_path, live, capsys)
    _sign(tmp_path, live, poa, "somsak")
    _sign(tmp_path, live, poa, "piyanuch")
    acct = live.person("somying")
    ids = [live.person("somsak").credential, live.person("piyanuch").credential]
    vp = live.present(acct, [acct.credential, *ids, json.loads(poa.read_text("utf-8"))], challenge="c2", domain=RD)
    (tmp_path / "vp.jwt").write_text(vp, "utf-8")
    args = ["authorize", str(tmp_path / "vp.jwt"), "--act", "tax_filing", "--on-behalf-of", DEMO_COMPANY,
            "--challenge", "c2", "--domain", RD, "--value", "1", "--trust-citizen-issuer", live.dopa_did]
    capsys.readouterr()
    assert main(args) == 3
    assert "registry.unavailable" in capsys.readouterr().out
    assert main([*args, "--sample-dbd"]) == 0  # a fresh verifier: the challenge is new to it


def test_second_director_may_sign_with_thaivc_proof_add(tmp_path: Path, live: World,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    """The Data Integrity command adds an RDFC proof to the same set; the decision is the same."""
    poa = _draft(tmp_path, live, capsys)
    _sign(tmp_path, live, poa, "somsak")
    key_file = tmp_path / "piyanuch.jwk.json"
    live.person("piyanuch").key.save(str(key_file))
    assert main(["proof", "add", str(poa), "--key", str(key_file), "--out", str(poa)]) == 0
    suites = [p["cryptosuite"] for p in json.loads(poa.read_text("utf-8"))["proof"]]
    assert suites == ["eddsa-jcs-2022", "eddsa-rdfc-2022"]
    capsys.readouterr()
    assert _authorize(tmp_path, live, poa, "--trust-dbd-issuer", live.dbd_did) == 0
