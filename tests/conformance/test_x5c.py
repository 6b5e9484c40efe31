"""Item 5 (x5c half): issuer keys from ``x5c`` chains, validated to anchors the verifier configured.

Without anchors ``x5c`` stays refused (``jose.untrusted_key_source``, RFC 8725 §3.10). With them the
chain is validated by ``cryptography``'s path validation (anchor, validity at the verifier's clock,
CA profile, leaf Key Usage) and the leaf must name the https issuer (SAN URI or DNS name): a
self-signed chain, an expired leaf, another issuer's certificate, a leaf not for signing, a chain
from another root, and a signature by a key other than the leaf's are each refused.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from typing import Any

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

import thaivc
from thaivc.core.b64 import b64url_encode
from thaivc.keys import PrivateKey
from thaivc.sdjwt import issue_sd_jwt
from thaivc.trust import X509Trust

from .helpers import RD, clock, codes, credential, verifier

ISS = "https://issuer.dopa.go.th"
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


def _name(cn: str) -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


class Pki:
    """A root CA, an intermediate CA, and leaves on demand."""

    def __init__(self) -> None:
        self.root_key = ec.generate_private_key(ec.SECP256R1())
        self.root = self._cert("Thai Test Root", self.root_key.public_key(), self.root_key, "Thai Test Root", ca=True)
        self.inter_key = ec.generate_private_key(ec.SECP256R1())
        self.inter = self._cert("Thai Test Issuing CA", self.inter_key.public_key(), self.root_key, "Thai Test Root",
                                ca=True)

    def _cert(self, cn: str, public: Any, signer: Any, issuer_cn: str, *, ca: bool, san: list[x509.GeneralName]
              | None = None, days: int = 30, start: int = -1, signing: bool = True) -> x509.Certificate:
        b = (x509.CertificateBuilder().subject_name(_name(cn)).issuer_name(_name(issuer_cn)).public_key(public)
             .serial_number(x509.random_serial_number()).not_valid_before(NOW + dt.timedelta(days=start))
             .not_valid_after(NOW + dt.timedelta(days=start + days))
             .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
             .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(signer.public_key()), critical=False))
        if ca:
            b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False, False), critical=True)
            b = b.add_extension(x509.SubjectKeyIdentifier.from_public_key(public), critical=False)
        else:
            b = b.add_extension(x509.KeyUsage(signing, False, not signing, False, False, False, False, False, False),
                                critical=True)
            b = b.add_extension(x509.SubjectAlternativeName(san or []), critical=False)
        return b.sign(signer, hashes.SHA256())

    def leaf(self, key: PrivateKey, san: list[x509.GeneralName] | None = None, **kwargs: Any) -> x509.Certificate:
        public = key.crypto.public_key()
        names = san if san is not None else [x509.UniformResourceIdentifier(ISS)]
        return self._cert("DOPA issuer", public, self.inter_key, "Thai Test Issuing CA", ca=False, san=names, **kwargs)

    def x5c(self, *certs: x509.Certificate) -> list[str]:
        return [base64.b64encode(c.public_bytes(serialization.Encoding.DER)).decode() for c in certs]


@pytest.fixture(scope="module")
def pki() -> Pki:
    return Pki()


def _sign(key: PrivateKey, header: dict[str, Any], payload: dict[str, Any]) -> str:
    def seg(v: dict[str, Any]) -> str:
        return b64url_encode(json.dumps(v, ensure_ascii=False, separators=(",", ":")).encode())

    signing_input = seg(header) + "." + seg(payload)
    return signing_input + "." + b64url_encode(key.sign(signing_input.encode()))


def vc_jwt(key: PrivateKey, x5c: list[str], issuer: str = ISS) -> str:
    payload = {**credential(key.did), "issuer": issuer, "validFrom": "2026-01-01T00:00:00Z", "iat": 1780000000}
    return _sign(key, {"alg": key.alg, "typ": "vc+jwt", "x5c": x5c}, payload)


def trusting(pki: Pki) -> thaivc.Verifier:
    return thaivc.Verifier(clock=clock(), x509_trust=X509Trust([pki.root]))


@pytest.mark.parametrize("key_type", ["Ed25519", "P-256"])
def test_a_chain_to_the_anchor_verifies(pki: Pki, key_type: str) -> None:
    key = thaivc.generate_key(key_type)  # type: ignore[arg-type]
    token = vc_jwt(key, pki.x5c(pki.leaf(key), pki.inter))
    report = trusting(pki).check(token)
    assert report.ok, report.to_json()


def test_without_anchors_x5c_is_still_refused(pki: Pki) -> None:
    key = thaivc.generate_key("P-256")
    report = verifier().check(vc_jwt(key, pki.x5c(pki.leaf(key), pki.inter)))
    assert "jose.untrusted_key_source" in codes(report)


def test_a_dns_san_binds_the_issuer_host(pki: Pki) -> None:
    key = thaivc.generate_key("P-256")
    token = vc_jwt(key, pki.x5c(pki.leaf(key, [x509.DNSName("issuer.dopa.go.th")]), pki.inter))
    assert trusting(pki).check(token).ok


ATTACKS = ["self-signed", "other-root", "expired", "not-yet-valid", "other-issuer", "not-for-signing",
           "wrong-key", "missing-intermediate", "not-base64", "not-a-list", "did-issuer", "too-long"]


@pytest.mark.parametrize("attack", ATTACKS)
def test_forged_chains_are_refused(pki: Pki, attack: str) -> None:
    key = thaivc.generate_key("P-256")
    good = pki.leaf(key)
    x5c: Any = pki.x5c(good, pki.inter)
    issuer = ISS
    signer = key
    if attack == "self-signed":
        own = ec.generate_private_key(ec.SECP256R1())
        x5c = pki.x5c(Pki._cert(pki, "me", key.crypto.public_key(), own, "me", ca=False,
                                san=[x509.UniformResourceIdentifier(ISS)]))
    elif attack == "other-root":
        x5c = (other := Pki()).x5c(other.leaf(key), other.inter)
    elif attack == "expired":
        x5c = pki.x5c(pki.leaf(key, start=-40, days=10), pki.inter)
    elif attack == "not-yet-valid":
        x5c = pki.x5c(pki.leaf(key, start=5), pki.inter)
    elif attack == "other-issuer":
        x5c = pki.x5c(pki.leaf(key, [x509.UniformResourceIdentifier("https://evil.example")]), pki.inter)
    elif attack == "not-for-signing":
        x5c = pki.x5c(pki.leaf(key, signing=False), pki.inter)
    elif attack == "wrong-key":
        signer = thaivc.generate_key("P-256")  # signs with a key the certificate is not for
    elif attack == "missing-intermediate":
        x5c = pki.x5c(good)
    elif attack == "not-base64":
        x5c = ["not base64!"]
    elif attack == "not-a-list":
        x5c = pki.x5c(good)[0]
    elif attack == "did-issuer":
        issuer = key.did
    elif attack == "too-long":
        x5c = pki.x5c(good, pki.inter) * 3
    report = trusting(pki).check(vc_jwt(signer, x5c, issuer))
    assert report.status == "failed", (attack, report.to_json())
    assert report.document is None


class _X5cSigner:
    def __init__(self, key: PrivateKey, x5c: list[str]) -> None:
        self.key, self.x5c = key, x5c

    def sign(self, header: dict[str, Any], payload: dict[str, Any]) -> str:
        return _sign(self.key, {"alg": self.key.alg, **header, "x5c": self.x5c}, payload)


def test_an_sd_jwt_vc_with_an_x5c_chain(pki: Pki) -> None:
    issuer, wallet = thaivc.generate_key("P-256"), thaivc.generate_key("Ed25519")
    claims = {**credential(wallet.did), "issuer": ISS, "iss": ISS, "iat": 1780000000,
              "vct": "https://issuer.dopa.go.th/vct/ThaiCitizenCredential"}
    sd = issue_sd_jwt(claims, disclosable=["/credentialSubject/name"],
                      signer=_X5cSigner(issuer, pki.x5c(pki.leaf(issuer), pki.inter)), holder_jwk=wallet.public_jwk)
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(wallet, clock=clock()).present([sd], challenge=challenge, domain=RD, disclose=[])
    assert trusting(pki).check(vp, challenge=challenge, domain=RD).ok
    refused = verifier().check(vp, challenge=challenge, domain=RD)
    assert "jose.untrusted_key_source" in codes(refused)
    forged = issue_sd_jwt(claims, disclosable=[], signer=_X5cSigner(
        issuer, pki.x5c(pki.leaf(issuer, [x509.UniformResourceIdentifier("https://evil.example")]), pki.inter)),
        holder_jwk=wallet.public_jwk)
    vp2 = thaivc.Holder(wallet, clock=clock()).present([forged], challenge=challenge, domain=RD, disclose=[])
    report = thaivc.Verifier(clock=clock(), x509_trust=X509Trust([pki.root])).check(vp2, challenge=challenge, domain=RD)
    assert "trust.x5c_issuer_mismatch" in codes(report)
