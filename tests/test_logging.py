"""thaivc logs through :mod:`logging` under ``thaivc.*`` (issue 15, item 14).

Decisions at INFO with their codes, so an agency's log pipeline sees them; never a claim value, a
token, a challenge, a key or an ID number.
"""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

import thaivc
from thaivc.authorization.scenario import DEMO_COMPANY, World
from thaivc.status import SqliteStatusStore, StatusRegistry

CLOCK = thaivc.FixedClock.at("2026-03-01T09:00:00Z")
SECRET_NAME = "สมชายลับ"
CITIZEN_ID = "1999900001010"


def _messages(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [f"{r.name} {r.levelname} {r.getMessage()}" for r in caplog.records]


def test_issue_present_verify_and_revoke_log_decisions_without_data(caplog: pytest.LogCaptureFixture,
                                                                     tmp_path: Path) -> None:
    caplog.set_level(logging.INFO, logger="thaivc")
    dopa, wallet = thaivc.generate_key("Ed25519"), thaivc.generate_key("P-256")
    issuer = thaivc.Issuer(dopa, clock=CLOCK)
    registry = StatusRegistry(SqliteStatusStore(tmp_path / "s.db"), base_url="https://s.example/l",
                              issuer_id=issuer.issuer_id, clock=CLOCK)
    issued = issuer.issue_with_id({
        "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
        "credentialSubject": {"id": wallet.did, "name": SECRET_NAME, "citizenId": CITIZEN_ID}}, status=registry)
    verifier = thaivc.Verifier(clock=CLOCK)
    challenge = verifier.new_challenge()
    vp = thaivc.Holder(wallet, clock=CLOCK).present([issued.credential], challenge=challenge, domain="https://rd.go.th")
    verifier.check(vp, challenge=challenge, domain="https://rd.go.th")
    verifier.check(vp, challenge=challenge, domain="https://rd.go.th")  # a replay
    registry.revoke(issued.id)
    lines = _messages(caplog)
    assert any(line.startswith("thaivc.issue INFO issue format=vc+jwt") for line in lines)
    assert any("thaivc.verify INFO verify status=failed" in line and "vp.challenge_replayed" in line for line in lines)
    assert any(line.startswith("thaivc.status INFO status revoke count=1") for line in lines)
    text = "\n".join(lines)
    for secret in (SECRET_NAME, CITIZEN_ID, challenge, vp[:40], issued.credential[:40], wallet.did, issued.id):
        assert secret not in text, secret


def test_authorize_logs_the_outcome_and_codes_only(caplog: pytest.LogCaptureFixture) -> None:
    world = World()
    caplog.set_level(logging.INFO, logger="thaivc")
    somsak = world.person("somsak")
    challenge = thaivc.new_challenge()
    vp = world.present(somsak, [somsak.credential, world.company_credential()], challenge=challenge,
                       domain="https://rd.go.th")
    decision = world.verifier().authorize(vp, act="tax_filing", on_behalf_of=DEMO_COMPANY, challenge=challenge,
                                          domain="https://rd.go.th", policy=world.policy(), value_thb=1)
    lines = [line for line in _messages(caplog) if line.startswith("thaivc.authorization.authorizer")]
    assert lines == [f"thaivc.authorization.authorizer INFO authorize outcome={decision.outcome} act=tax_filing via=direct "
                     f"codes={','.join(p.code for p in decision.problems) or '-'}"]
    text = "\n".join(_messages(caplog))
    assert somsak.citizen_id not in text and "สมศักดิ์" not in text and DEMO_COMPANY not in text


def test_the_library_installs_no_handler_of_its_own() -> None:
    handlers = logging.getLogger("thaivc").handlers
    assert all(isinstance(h, logging.NullHandler) for h in handlers)
