"""ecdsa-sd-2023 both ways with ``@digitalbazaar/ecdsa-sd-2023-cryptosuite`` (pinned in interop/package.json).

Every combination of who issues the base proof, who derives and who verifies: thaivc → JS derive →
thaivc verify, JS → thaivc derive → JS verify, and the mixed chains; plus the vector-style documents
of the W3C ecdsa test suite's mocks (``vc-di-ecdsa-test-suite``: a document and its mandatory and
selective pointers). The tests skip only where there is no node at all, as
:mod:`tests.interop.test_digitalbazaar` explains; ``interop/sd.mjs`` fetches nothing.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from thaivc.core.clock import FixedClock
from thaivc.di import add_proof, derive, verify_proofs
from thaivc.keys import PrivateKey
from thaivc.testing.plugin import seeded_key

from .matrix import THEY_TO_US, US_TO_THEM
from .node import run

#: The package whose absence (with node present) fails these tests (the ``contexts`` fixture, conftest.py).
NODE_PACKAGE = "@digitalbazaar/ecdsa-sd-2023-cryptosuite"
pytestmark = pytest.mark.interop

CREATED = "2026-05-01T00:00:00Z"
CLOCK = FixedClock.at("2026-06-01T00:00:00Z")
MANDATORY = ["/issuer", "/validFrom", "/credentialSubject/id"]
SELECTIVE = ["/credentialSubject/name/givenName", "/credentialSubject/address/province"]


@pytest.fixture(scope="module")
def key() -> PrivateKey:
    return seeded_key("interop-sd-P-256", "P-256")


def node(request: dict[str, Any]) -> dict[str, Any]:
    return run("sd.mjs", request)


def credential(key: PrivateKey) -> dict[str, Any]:
    return {
        "@context": ["https://www.w3.org/ns/credentials/v2", "https://www.w3.org/ns/credentials/examples/v2"],
        "type": ["VerifiableCredential", "ExampleIdentityCredential"],
        "issuer": key.did,
        "validFrom": "2026-01-01T00:00:00Z",
        "credentialSubject": {
            "id": "did:example:somying",
            "name": {"givenName": "สมหญิง", "familyName": "ใจดี"},
            "address": {"province": "กรุงเทพมหานคร", "postcode": "10240"},
        },
    }


def js_sign(contexts: dict[str, Any], key: PrivateKey, document: dict[str, Any], mandatory: list[str]) -> Any:
    out = node({
        "op": "sign", "document": document, "contexts": contexts, "created": CREATED,
        "key": {"jwk": key.private_jwk(), "id": key.kid, "controller": key.did}, "mandatoryPointers": mandatory,
    })
    assert "document" in out, out.get("error")
    return out["document"]


def js_derive(contexts: dict[str, Any], document: dict[str, Any], selective: list[str]) -> Any:
    out = node({"op": "derive", "document": document, "contexts": contexts, "selectivePointers": selective})
    assert "document" in out, out.get("error")
    return out["document"]


def js_verify(contexts: dict[str, Any], document: dict[str, Any]) -> dict[str, Any]:
    return node({"op": "verify", "document": document, "contexts": contexts})


def ours_verify(document: dict[str, Any], key: PrivateKey) -> bool:
    return verify_proofs(document, clock=CLOCK, expected_controller=key.did).verified


def test_thaivc_issues_they_derive_thaivc_verifies(contexts: dict[str, Any], key: PrivateKey) -> None:
    base = add_proof(credential(key), key, "ecdsa-sd-2023", created=CREATED, mandatory_pointers=MANDATORY)
    derived = js_derive(contexts, base, SELECTIVE)
    assert derived["credentialSubject"]["name"] == {"givenName": "สมหญิง"}
    assert ours_verify(derived, key)
    assert js_verify(contexts, derived)["verified"] is True
    tampered = copy.deepcopy(derived)
    tampered["credentialSubject"]["name"]["givenName"] = "สมชาย"
    assert not ours_verify(tampered, key)


def test_they_issue_thaivc_derives_they_verify(contexts: dict[str, Any], key: PrivateKey) -> None:
    base = js_sign(contexts, key, credential(key), MANDATORY)
    assert not ours_verify(base, key)  # a base proof is for the holder
    derived = derive(base, SELECTIVE)
    verdict = js_verify(contexts, derived)
    assert verdict["verified"] is True, verdict
    assert ours_verify(derived, key)
    tampered = copy.deepcopy(derived)
    tampered["credentialSubject"]["address"]["province"] = "เชียงใหม่"
    assert js_verify(contexts, tampered)["verified"] is False


@pytest.mark.matrix("ecdsa-sd-2023 (base proof, derived proof, verification)", "@digitalbazaar/ecdsa-sd-2023-cryptosuite", US_TO_THEM)
def test_thaivc_issues_and_derives_they_verify(contexts: dict[str, Any], key: PrivateKey) -> None:
    base = add_proof(credential(key), key, "ecdsa-sd-2023", created=CREATED, mandatory_pointers=MANDATORY)
    for selective in ([], SELECTIVE, ["/credentialSubject"]):
        verdict = js_verify(contexts, derive(base, selective))
        assert verdict["verified"] is True, (selective, verdict)


@pytest.mark.matrix("ecdsa-sd-2023 (base proof, derived proof, verification)", "@digitalbazaar/ecdsa-sd-2023-cryptosuite", THEY_TO_US)
def test_they_issue_and_derive_thaivc_verifies(contexts: dict[str, Any], key: PrivateKey) -> None:
    base = js_sign(contexts, key, credential(key), MANDATORY)
    for selective in ([], SELECTIVE, ["/credentialSubject"]):
        assert ours_verify(js_derive(contexts, base, selective), key), selective


def test_same_base_same_derivation(contexts: dict[str, Any], key: PrivateKey) -> None:
    """From one base proof both libraries derive the same document and the same proofValue."""
    base = js_sign(contexts, key, credential(key), MANDATORY)
    theirs = js_derive(contexts, base, SELECTIVE)
    ours = derive(base, SELECTIVE)
    assert ours == theirs


@pytest.mark.parametrize("mock", ["valid/vc2.0", "achievement/vc2.0"])
def test_w3c_suite_mocks_both_ways(contexts: dict[str, Any], key: PrivateKey, vectors: Path, mock: str) -> None:
    folder = vectors / "vc-di-ecdsa-test-suite" / mock
    document = json.loads((folder / "document.json").read_text(encoding="utf-8"))
    issuer = document.get("issuer")
    document["issuer"] = {**issuer, "id": key.did} if isinstance(issuer, dict) else key.did  # the suite fills it in
    mandatory = json.loads((folder / "mandatoryPointers.json").read_text(encoding="utf-8"))
    selective = json.loads((folder / "selectivePointers.json").read_text(encoding="utf-8"))
    ours = add_proof(document, key, "ecdsa-sd-2023", created=CREATED, mandatory_pointers=mandatory)
    assert js_verify(contexts, derive(ours, selective))["verified"] is True
    theirs = js_sign(contexts, key, document, mandatory)
    assert ours_verify(js_derive(contexts, theirs, selective), key)
    assert derive(theirs, selective) == js_derive(contexts, theirs, selective)
