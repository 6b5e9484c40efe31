"""The fast paths change the cost of a verification, never its answer.

A corpus of genuine, tampered, replayed and malformed inputs in every format is verified with every
fast path on (cold, then warm) and with all of them off (:func:`thaivc.core.fastpath.disabled`), and
the reports must be identical, check by check.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from typing import Any

import pytest

import thaivc
from thaivc.core import fastpath
from thaivc.core.clock import FixedClock

CHALLENGE, DOMAIN = "c-0123456789abcdef", "https://rd.go.th"
CLOCK = FixedClock.at("2026-01-15T00:00:00Z")


def _flip(token: str) -> str:
    return token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")


@pytest.fixture(scope="module")
def corpus() -> list[tuple[Any, dict[str, Any]]]:
    agency, wallet = thaivc.generate_key("Ed25519"), thaivc.generate_key("P-256")
    other = thaivc.generate_key("P-384")
    issuer, holder = thaivc.Issuer(agency, clock=CLOCK), thaivc.Holder(wallet, clock=CLOCK)
    plain = {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "credentialSubject": {"id": wallet.did, "name": "สมหญิง ใจดี", "birthDate": "1995-08-12"},
        "validUntil": "2030-01-01T00:00:00Z",
    }
    ld = {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "ExampleAlumniCredential"],
        "credentialSubject": {"id": wallet.did, "alumniOf": "จุฬาลงกรณ์มหาวิทยาลัย"},
    }
    jwt = issuer.issue(plain, format="vc+jwt")
    rdfc = issuer.issue(ld, format="di", cryptosuite="eddsa-rdfc-2022")
    jcs = issuer.issue(ld, format="di", cryptosuite="eddsa-jcs-2022")
    ecdsa = thaivc.Issuer(other, clock=CLOCK).issue(ld, format="di")
    sd = issuer.issue(
        plain, format="dc+sd-jwt", disclosable=["/credentialSubject/name", "/credentialSubject/birthDate"]
    )
    at = [{"challenge": f"{CHALLENGE}-{n}", "domain": DOMAIN} for n in range(3)]  # each consumed once
    vp_jwt = holder.present([jwt], **at[0])
    vp_di = holder.present([rdfc], format="di", **at[1])
    vp_sd = holder.present([sd], format="dc+sd-jwt", disclose=["/credentialSubject/name"], **at[2])
    forged_di = json.loads(json.dumps(rdfc))
    forged_di["credentialSubject"]["alumniOf"] = "มหาวิทยาลัยอื่น"
    return [
        (jwt, {}),
        (jwt, {}),  # the same token again: warm memos
        (_flip(jwt), {}),
        (rdfc, {}),
        (jcs, {}),
        (ecdsa, {}),
        (forged_di, {}),
        (sd, {}),
        (vp_jwt, at[0]),
        (vp_jwt, at[0]),  # a replay
        (vp_di, at[1]),
        (vp_sd, at[2]),
        (vp_sd, {"challenge": "another", "domain": DOMAIN}),
        ('{"a": 1, "a": 2}', {}),
        ('{"exp": 1e309}', {}),
        ("eyJhbGciOiJub25lIn0.e30.", {}),
        ("  " + jwt + "  ", {}),
        (b"\xff\xfe not utf-8", {}),
        ("[" * 5000, {}),
    ]


def _reports(corpus: list[tuple[Any, dict[str, Any]]]) -> list[dict[str, Any]]:
    verifier = thaivc.Verifier(clock=CLOCK)  # one challenge store per run: replays are replays in both
    return [verifier.check(item, **options).to_json() for item, options in corpus]


def test_reports_are_identical_with_and_without_fast_paths(corpus: list[tuple[Any, dict[str, Any]]]) -> None:
    fastpath.clear_all()
    cold = _reports(corpus)
    warm = _reports(corpus)
    with fastpath.disabled():
        assert not fastpath.enabled()
        slow = _reports(corpus)
    assert fastpath.enabled()
    assert cold == warm == slow
    statuses = [report["status"] for report in slow]
    assert statuses == [
        *["verified", "verified", "failed"],  # vc+jwt twice, tampered
        *["verified", "verified", "verified", "failed"],  # RDFC, JCS, ECDSA, altered after signing
        "failed",  # an SD-JWT VC without key binding, refused by default
        *["verified", "failed", "verified", "verified", "failed"],  # presentations, a replay, a wrong challenge
        *["failed", "failed", "failed", "verified", "failed", "failed"],  # malformed input; padded token
    ]


def test_every_fast_path_is_declared_with_what_it_buys() -> None:
    import thaivc.di.canon.nquads
    import thaivc.engine.verify.jose  # noqa: F401

    names = [path.name for path in fastpath.catalogue()]
    assert {"jose.compact header segment", "core.jsonutil C scanner", "core.report shared checks"} <= set(names)
    assert all(path.buys for path in fastpath.catalogue())


def test_the_environment_switch_turns_them_off() -> None:
    code = "from thaivc.core import fastpath; print(fastpath.enabled())"
    env = {**os.environ, "THAIVC_NO_FAST_PATHS": "1"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
