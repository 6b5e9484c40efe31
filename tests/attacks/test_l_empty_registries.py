"""An empty allow-list the caller built allows nothing: it is never read as "use the defaults".

``registry or default()`` treats an empty registry (``len() == 0``) like an absent one, so a verifier
narrowed to no JSON-LD context, or no cryptosuite, silently accepted everything the defaults allow.
Every path that takes a context or suite registry is tried with an empty one (the cryptosuite
verify path is covered in ``tests/test_fast_paths_hostile.py``).
"""

from __future__ import annotations

from typing import Any

import pytest

import thaivc
from thaivc.contexts import ContextRegistry
from thaivc.core.errors import ThaiVCError
from thaivc.di.sign import ProofOptions, SigningEnv, sign_proof
from thaivc.di.suites import CryptosuiteRegistry
from thaivc.di.verify import ProofEnv, ProofExpectation, check_proof_set
from thaivc.engine.issuer import require_issuable


def _credential(issuer: thaivc.PrivateKey) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2"],
        "type": ["VerifiableCredential"],
        "issuer": issuer.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {"id": "did:example:holder", "name": "สมหญิง"},
    }


@pytest.fixture(scope="module")
def issuer() -> thaivc.PrivateKey:
    return thaivc.generate_key("Ed25519")


@pytest.mark.parametrize("fmt", ["vc+jwt", "di"])
def test_a_verifier_with_no_allowed_context_refuses(issuer: thaivc.PrivateKey, fmt: str) -> None:
    signed = thaivc.Issuer(issuer).issue(_credential(issuer), format=fmt)
    assert thaivc.Verifier().check(signed).ok
    report = thaivc.Verifier(contexts=ContextRegistry()).check(signed)
    assert not report.ok
    assert "di.context_not_allowed" in {p.code for p in report.problems}, report.problems


def test_an_issuable_check_with_no_allowed_context_refuses(issuer: thaivc.PrivateKey) -> None:
    require_issuable(_credential(issuer))
    with pytest.raises(ThaiVCError) as err:
        require_issuable(_credential(issuer), contexts=ContextRegistry())
    assert err.value.code == "di.context_not_allowed"


def test_proofs_with_no_allowed_context_are_refused(issuer: thaivc.PrivateKey) -> None:
    doc = _credential(issuer)
    signed = sign_proof(doc, issuer, "eddsa-rdfc-2022", ProofOptions(), SigningEnv())
    expect = ProofExpectation(purpose="assertionMethod", controller=issuer.did)
    assert check_proof_set(signed, ProofEnv(), expect).proofs[0].status == "pass"
    refused = check_proof_set(signed, ProofEnv(contexts=ContextRegistry()), expect)
    assert refused.proofs[0].status != "pass"
    with pytest.raises(ThaiVCError):
        sign_proof(doc, issuer, "eddsa-rdfc-2022", ProofOptions(), SigningEnv(contexts=ContextRegistry()))


def test_signing_with_no_allowed_suite_is_refused(issuer: thaivc.PrivateKey) -> None:
    env = SigningEnv(suites=CryptosuiteRegistry([]))
    with pytest.raises(ThaiVCError):
        sign_proof(_credential(issuer), issuer, "eddsa-jcs-2022", ProofOptions(), env)


def test_no_allow_list_defaults_through_or() -> None:
    """The class, not the instance: no ``contexts or …`` / ``suites or …`` left anywhere in the source."""
    import re
    from pathlib import Path

    src = Path(thaivc.__file__).parent
    pattern = re.compile(r"\b(contexts|suites|registry|allow\w*|trusted\w*)\)?\s+or\s+[A-Za-z_.]+\(")
    found = [
        f"{p.relative_to(src)}:{n}"
        for p in sorted(src.rglob("*.py"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]
    assert found == []
