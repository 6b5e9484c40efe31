"""did:jwk across implementations (issue 11 item 11): Digital Bazaar writes the JWK members as given,
thaivc sorts them. The strings differ; the key is one, and holder binding must see that."""

from __future__ import annotations

import pytest

import thaivc
from thaivc.core.clock import FixedClock
from thaivc.did import did_jwk, same_key_did
from thaivc.keys import PrivateKey, load_key

from .matrix import THEY_TO_US, US_TO_THEM
from .node import require, run

pytestmark = pytest.mark.interop
FORMAT = "did:jwk (holder = subject compared by key)"
CLOCK = FixedClock.at("2026-06-01T00:00:00Z")
RD = "https://rd.go.th"


@pytest.fixture(autouse=True)
def _driver() -> None:
    require("@digitalbazaar/did-method-jwk")


def js_wallet(crv: str) -> tuple[str, PrivateKey]:
    out = run("did.mjs", {"op": "generate", "crv": crv})
    key = load_key(out["privateJwk"])
    assert isinstance(key, PrivateKey)
    return out["did"], key


def present(holder: PrivateKey, holder_did: str, subject_did: str) -> thaivc.VerificationReport:
    agency = thaivc.generate_key("Ed25519")
    vc = thaivc.Issuer(agency, clock=CLOCK).issue({
        "@context": ["https://www.w3.org/ns/credentials/v2"], "type": ["VerifiableCredential"],
        "credentialSubject": {"id": subject_did},
    })
    wallet = PrivateKey(holder.crypto, did=holder_did, kid=holder_did + "#0")
    challenge = thaivc.new_challenge()
    vp = thaivc.Holder(wallet, clock=CLOCK).present([vc], challenge=challenge, domain=RD)
    return thaivc.Verifier(clock=CLOCK).check(vp, challenge=challenge, domain=RD)


@pytest.mark.matrix(FORMAT, "@digitalbazaar/did-method-jwk", THEY_TO_US)
@pytest.mark.parametrize("crv", ["Ed25519", "P-256"])
def test_their_did_binds_to_our_credential(crv: str) -> None:
    theirs, key = js_wallet(crv)
    ours = did_jwk(key.public_key)
    assert theirs != ours and same_key_did(theirs, ours)
    # the wallet presents under the DID its library made; the credential names thaivc's spelling
    assert present(key, theirs, ours).ok
    # and the other way round
    assert present(key, ours, theirs).ok
    # another key under their spelling is still someone else
    _, other = js_wallet(crv)
    report = present(other, run("did.mjs", {"op": "generate", "crv": crv})["did"], ours)
    assert report.status == "failed"


@pytest.mark.matrix(FORMAT, "@digitalbazaar/did-method-jwk", US_TO_THEM)
@pytest.mark.parametrize("crv", ["Ed25519", "P-256"])
def test_they_resolve_our_did_to_the_same_key(crv: str) -> None:
    key = thaivc.generate_key(crv)  # type: ignore[arg-type]
    jwk = run("did.mjs", {"op": "resolve", "did": did_jwk(key.public_key)})["jwk"]
    assert {k: jwk[k] for k in key.public_jwk} == key.public_jwk
