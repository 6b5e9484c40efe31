"""``Verifier.check`` on Data Integrity: the unsecured document is converted to RDF once per call.

The JSON-LD meaning check and the RDFC proof check read the same conversion; these tests pin that
down (by counting conversions of the credential) and show that what is reused is never stale: a
second call with an altered document converts the altered one and fails.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

import pytest

from thaivc import Verifier
from thaivc.core.clock import FixedClock
from thaivc.di import add_proof
from thaivc.di.canon import jsonld_fast
from thaivc.engine.policy import Policy
from thaivc.testing.plugin import seeded_key

CLOCK = FixedClock.at("2026-06-01T00:00:00Z")
CONTEXTS = ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"]


def _signed(suite: str) -> dict[str, Any]:
    key = seeded_key("di-reuse-issuer", "P-256" if suite.startswith("ecdsa") else "Ed25519")
    credential = {
        "@context": CONTEXTS,
        "type": ["VerifiableCredential", "ExampleCredential"],
        "issuer": key.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:somying", "name": "สมหญิง ใจดี", "alumniOf": "จุฬาลงกรณ์"},
    }
    return add_proof(credential, key, suite, clock=CLOCK)


def _count_credential_conversions(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count conversions of a document carrying ``credentialSubject`` (not the proof configuration)."""
    calls = [0]
    real = jsonld_fast.fast_convert

    def counting(doc: Mapping[str, Any], loader: Any) -> jsonld_fast.FastResult:
        if "credentialSubject" in doc:
            calls[0] += 1
        return real(doc, loader)

    monkeypatch.setattr(jsonld_fast, "fast_convert", counting)
    monkeypatch.setattr("thaivc.engine.verify.di.fast_convert", counting)
    return calls


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "ecdsa-rdfc-2019"])
def test_an_rdfc_credential_is_converted_once_per_check(suite: str, monkeypatch: pytest.MonkeyPatch) -> None:
    signed = _signed(suite)
    verifier = Verifier(Policy(), clock=CLOCK)
    assert verifier.check(signed).ok  # the first check of a shape may also run pyld's full expansion
    calls = _count_credential_conversions(monkeypatch)
    report = verifier.check(signed)
    assert report.ok, report.to_json()
    assert calls[0] == 1


def test_a_jcs_credential_is_never_converted_to_rdf(monkeypatch: pytest.MonkeyPatch) -> None:
    signed = _signed("eddsa-jcs-2022")
    verifier = Verifier(Policy(), clock=CLOCK)
    calls = _count_credential_conversions(monkeypatch)
    assert verifier.check(signed).ok
    assert calls[0] == 0


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_nothing_carries_over_to_the_next_call(suite: str) -> None:
    signed = _signed(suite)
    verifier = Verifier(Policy(), clock=CLOCK)
    assert verifier.check(signed).ok
    altered = copy.deepcopy(signed)
    altered["credentialSubject"]["name"] = "สมหญิง ใจร้าย"  # same shape, another value
    report = verifier.check(altered)
    assert not report.ok
    assert report.problems[0].code == "di.proof_invalid"
    assert verifier.check(signed).ok  # and the original still verifies afterwards
