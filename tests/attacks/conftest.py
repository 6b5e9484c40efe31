"""Shared builders for the hostile-input suite (docs/security.md groups A, B, C, D and G).

Every attack goes through the public API: ``thaivc.Verifier(...).check(...)``. Valid baselines are
made with ``thaivc.Issuer`` / ``thaivc.Holder``; hostile tokens are assembled byte by byte here so
that a header or payload the library would refuse to *sign* can still be *presented* to it, with a
genuine signature where the attack needs one.

The issuer is ``did:web:registrar.example``, served by an in-memory resolver (no network): key-1 is
its ``assertionMethod``, key-2 is listed only under ``authentication`` (so it must never sign a
credential), which lets case 12 prove that only assertion keys are tried when ``kid`` is absent.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

import pytest

import thaivc
from thaivc.core.b64 import b64url_encode
from thaivc.core.clock import FixedClock
from thaivc.core.errors import PROBLEM_TYPES, ThaiVCError
from thaivc.core.report import VerificationReport
from thaivc.did import DidDocument, DidJwkResolver, DidKeyResolver, UniversalResolver, VerificationMethod
from thaivc.keys import PrivateKey

NOW_ISO = "2026-06-01T00:00:00Z"
NOW = int(FixedClock.at(NOW_ISO).now())
ISSUER = "did:web:registrar.example"
KEY_1 = ISSUER + "#key-1"
KEY_2 = ISSUER + "#key-2"
V2 = "https://www.w3.org/ns/credentials/v2"
VERIFIER_DOMAIN = "https://rd.go.th"


class StaticResolver:
    """A ``DidResolver`` over a fixed set of documents; anything else is ``did.not_found``."""

    def __init__(self, documents: Mapping[str, DidDocument]) -> None:
        self.documents = dict(documents)
        self.calls: list[str] = []

    def resolve(self, did: str) -> DidDocument:
        self.calls.append(did)
        doc = self.documents.get(did)
        if doc is None:
            raise ThaiVCError("did.not_found", "no such DID in the test registry")
        return doc


def issuer_document(assertion: PrivateKey, other: PrivateKey) -> DidDocument:
    """key-1 may assert credentials; key-2 may only authenticate."""
    return DidDocument(
        id=ISSUER,
        verification_methods=(
            VerificationMethod(KEY_1, "Multikey", ISSUER, assertion.public_key),
            VerificationMethod(KEY_2, "Multikey", ISSUER, other.public_key),
        ),
        assertion_method=(KEY_1,),
        authentication=(KEY_2,),
    )


def encode_json(value: Any) -> bytes:
    """Compact JSON bytes, non-ASCII kept as-is (as thaivc itself signs)."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def forge(
    header: Mapping[str, Any] | bytes,
    payload: Mapping[str, Any] | bytes,
    signer: PrivateKey | None = None,
    *,
    signature: bytes | None = None,
) -> str:
    """A compact JWS with exactly these header/payload bytes.

    With ``signer`` the signature is genuine (raw key signing over the exact signing input), so a
    refusal cannot be blamed on the signature; otherwise ``signature`` (default empty) is used.
    """
    h = header if isinstance(header, bytes) else encode_json(header)
    p = payload if isinstance(payload, bytes) else encode_json(payload)
    signing_input = b64url_encode(h) + "." + b64url_encode(p)
    if signer is not None:
        signature = signer.sign(signing_input.encode("ascii"))
    return signing_input + "." + b64url_encode(signature or b"")


def vc_payload(subject: str, *, issuer: Any = ISSUER, **extra: Any) -> dict[str, Any]:
    """A minimal valid VCDM 2.0 credential payload issued at NOW."""
    doc: dict[str, Any] = {
        "@context": [V2],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "issuer": issuer,
        "validFrom": NOW_ISO,
        "credentialSubject": {"id": subject, "name": "สมหญิง ใจดี"},
        "iat": NOW,
    }
    doc.update(extra)
    return doc


def vp_payload(holder: str, credentials: list[Any], **extra: Any) -> dict[str, Any]:
    """A minimal VCDM 2.0 presentation payload with a ten-minute lifetime."""
    doc: dict[str, Any] = {
        "@context": [V2],
        "type": ["VerifiablePresentation"],
        "holder": holder,
        "verifiableCredential": credentials,
        "iat": NOW,
        "exp": NOW + 600,
    }
    doc.update(extra)
    return doc


def vc_header(signer: PrivateKey, **extra: Any) -> dict[str, Any]:
    return {"alg": signer.alg, "typ": "vc+jwt", "kid": signer.kid, **extra}


def vp_header(signer: PrivateKey, **extra: Any) -> dict[str, Any]:
    return {"alg": signer.alg, "typ": "vp+jwt", "kid": signer.kid, **extra}


def enveloped(token: str, media_type: str = "vc+jwt") -> dict[str, Any]:
    return {"@context": V2, "id": f"data:application/{media_type},{token}", "type": "EnvelopedVerifiableCredential"}


def assert_refused(report: VerificationReport, code: str, w3c_type: str | None = None, *, case: object = None) -> None:
    """The report failed, names ``code`` among its problems, and (if given) carries the W3C type.

    A refusal must never expose the document: a failed report has no ``document``. ``case`` names
    the variant in the failure message when one test walks several.
    """
    assert report.status == "failed", (case, report.to_json())
    assert report.document is None
    assert code in report.codes, (case, report.to_json())
    if w3c_type is not None:
        assert w3c_type in PROBLEM_TYPES
        problem = next(p for p in report.problems if p.code == code)
        assert problem.type is not None and problem.type.endswith(w3c_type), (case, problem)


def assert_first(report: VerificationReport, code: str, w3c_type: str | None = None, *, case: object = None) -> None:
    """As :func:`assert_refused`, and ``code`` is the *first* problem: no earlier check fired."""
    assert_refused(report, code, w3c_type, case=case)
    assert report.codes[0] == code, (case, report.to_json())


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock.at(NOW_ISO)


@pytest.fixture(scope="session")
def issuer_key() -> PrivateKey:
    """The registrar's assertion key (key-1 of ``did:web:registrar.example``)."""
    return thaivc.generate_key("Ed25519").bind(ISSUER, KEY_1)


@pytest.fixture(scope="session")
def issuer_auth_key() -> PrivateKey:
    """The registrar's authentication-only key (key-2): must never sign a credential."""
    return thaivc.generate_key("Ed25519").bind(ISSUER, KEY_2)


@pytest.fixture(scope="session")
def attacker_key() -> PrivateKey:
    """An attacker's own did:key."""
    return thaivc.generate_key("Ed25519")


@pytest.fixture(scope="session")
def wallet_key() -> PrivateKey:
    """The holder's wallet (did:key, Ed25519)."""
    return thaivc.generate_key("Ed25519")


@pytest.fixture(scope="session")
def resolver(issuer_key: PrivateKey, issuer_auth_key: PrivateKey) -> UniversalResolver:
    web = StaticResolver({ISSUER: issuer_document(issuer_key, issuer_auth_key)})
    return UniversalResolver({"key": DidKeyResolver(), "jwk": DidJwkResolver(), "web": web})


MakeVerifier = Callable[..., thaivc.Verifier]


@pytest.fixture
def make_verifier(resolver: UniversalResolver, clock: FixedClock) -> MakeVerifier:
    """``make_verifier(**policy)``: a verifier at NOW that resolves the registrar's did:web."""

    def build(*, clock_: FixedClock | None = None, **policy: Any) -> thaivc.Verifier:
        return thaivc.Verifier(policy=thaivc.Policy(**policy), resolver=resolver, clock=clock_ or clock)

    return build


@pytest.fixture
def verifier(make_verifier: MakeVerifier) -> thaivc.Verifier:
    return make_verifier()


@pytest.fixture
def good_vc(issuer_key: PrivateKey, wallet_key: PrivateKey, clock: FixedClock) -> str:
    """A credential the registrar issued to the wallet through the public Issuer API."""
    credential = {
        "@context": [V2],
        "type": ["VerifiableCredential", "ThaiCitizenCredential"],
        "credentialSubject": {"id": wallet_key.did, "name": "สมหญิง ใจดี"},
    }
    token: str = thaivc.Issuer(issuer_key, clock=clock).issue(credential)
    return token
