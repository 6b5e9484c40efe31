"""OpenID4VCI 1.0 against ``@openid4vc/openid4vci`` (npm), over loopback HTTP.

thaivc's issuer (:class:`~thaivc.oid4vci.CredentialIssuerService`) is served on ``127.0.0.1`` and the
npm package's wallet side (``Openid4vciClient``, driven by ``interop/oid4vci_wallet.mjs``) walks the
whole pre-authorized flow with its own ``fetch`` calls: resolve the offer (by value and by
reference), fetch the issuer and authorization-server metadata, redeem the code with the
``tx_code`` and a DPoP proof, get a ``c_nonce``, make ``openid4vci-proof+jwt`` key proofs, fetch the
credentials. thaivc then verifies what it issued to the peer's keys. The hostile cases check that
the peer gets the spec's error names back (a replayed code, a wrong ``tx_code``, a stale nonce).
"""

from __future__ import annotations

from typing import Any

import pytest

import thaivc
from thaivc.keys import PrivateKey
from thaivc.oid4vc import MemoryStateStore
from thaivc.oid4vci import (
    CredentialConfiguration,
    CredentialData,
    CredentialIssuerService,
    Display,
    IssuanceRequest,
    IssuerConfig,
)
from thaivc.testing.plugin import seeded_key

from .loopback import serve
from .matrix import OID4VCI_ISSUER, PEER_VCI, US_TO_THEM
from .node import require, run

VCT = "https://credentials.example.go.th/vct/citizen"


def what_to_issue(request: IssuanceRequest) -> CredentialData:
    return CredentialData(
        credential={
            "@context": ["https://www.w3.org/ns/credentials/v2"],
            "type": ["VerifiableCredential", "ThaiCitizenCard"],
            "credentialSubject": {"name": request.subject["name"], "ial": "2.3"},
        },
        disclosable=["/credentialSubject/name"],
    )


def issuer_service(base: str, issuer_key: PrivateKey, *, dpop: bool = True) -> CredentialIssuerService:
    config = IssuerConfig(
        f"{base}/vci",
        {"citizen": CredentialConfiguration(
            format="dc+sd-jwt", vct=VCT,
            display=[Display("บัตรประชาชนดิจิทัล", "th"), Display("Digital citizen card", "en")])},
        require_dpop=dpop,
        allow_insecure_http=True,
    )
    return CredentialIssuerService(config, issuer=thaivc.Issuer(issuer_key), callback=what_to_issue,
                                   store=MemoryStateStore())


def wallet_run(offer: str, tx_code: str | None, holders: list[PrivateKey], dpop: PrivateKey | None,
               **extra: Any) -> dict[str, Any]:
    return run("oid4vci_wallet.mjs", {
        "offer": offer, "txCode": tx_code, "holders": [h.private_jwk() for h in holders],
        "dpop": dpop.private_jwk() if dpop else None, **extra}, refusals=True)


@pytest.mark.interop
@pytest.mark.matrix(OID4VCI_ISSUER, PEER_VCI, US_TO_THEM)
@pytest.mark.parametrize("by_reference", [False, True], ids=["offer-by-value", "offer-by-reference"])
def test_their_wallet_receives_from_thaivc_issuer(by_reference: bool) -> None:
    require("@openid4vc/openid4vci")
    issuer_key = seeded_key("vci-issuer", "P-256")
    holders = [seeded_key("vci-holder-1", "P-256"), seeded_key("vci-holder-2", "P-256")]
    with serve() as (base, box, log):
        service = issuer_service(base, issuer_key)
        box.handler = service.handle
        offer = service.create_offer(["citizen"], {"name": "สมหญิง ใจดี"}, by_reference=by_reference)
        out = wallet_run(offer.deep_link, offer.tx_code, holders, seeded_key("vci-dpop", "P-256"))
    assert "error" not in out, out
    assert out["tokenType"] == "DPoP"
    assert [r.path for r in log if r.method == "POST"] == ["/vci/token", "/vci/nonce", "/vci/credential"]
    assert all("dpop" in r.headers for r in log if r.path in ("/vci/token", "/vci/credential"))
    # one credential per proven key, each bound to its own key, verifiable by thaivc
    assert len(out["credentials"]) == 2
    for holder, entry in zip(holders, out["credentials"], strict=True):
        sd_jwt = entry["credential"]
        # as issued (no presentation yet): no KB-JWT, so the check is of the issuer signature and shape
        report = thaivc.Verifier(thaivc.Policy(require_key_binding=False, require_status_check=False)).check(sd_jwt)
        assert report.ok, report.to_json()
        assert report.document is not None
        assert report.document["cnf"]["jwk"]["x"] == holder.public_jwk["x"]


@pytest.mark.interop
@pytest.mark.matrix(OID4VCI_ISSUER, PEER_VCI, US_TO_THEM)
def test_their_wallet_refused_by_thaivc_issuer() -> None:
    """The peer's wallet meets thaivc's refusals by the spec's names: wrong tx_code, replayed code,
    a proof with a nonce the issuer never gave."""
    require("@openid4vc/openid4vci")
    holder, dpop = seeded_key("vci-holder-1", "P-256"), seeded_key("vci-dpop", "P-256")
    with serve() as (base, box, _log):
        service = issuer_service(base, seeded_key("vci-issuer", "P-256"))
        box.handler = service.handle
        offer = service.create_offer(["citizen"], {"name": "สมหญิง ใจดี"})
        assert offer.tx_code is not None
        wrong = str((int(offer.tx_code) + 1) % 10**6).zfill(6)
        refused = wallet_run(offer.deep_link, wrong, [holder], dpop)
        assert refused["step"] == "retrievePreAuthorizedCodeAccessTokenFromOffer", refused
        assert "invalid_grant" in str(refused), refused
        assert "credentials" not in refused
        first = wallet_run(offer.deep_link, offer.tx_code, [holder], dpop, stopAfterToken=True)
        assert "error" not in first, first
        replay = wallet_run(offer.deep_link, offer.tx_code, [holder], dpop, stopAfterToken=True)
        assert replay["step"] == "retrievePreAuthorizedCodeAccessTokenFromOffer", replay
        assert "invalid_grant" in str(replay), replay
        fresh = service.create_offer(["citizen"], {"name": "สมหญิง ใจดี"})
        forged_nonce = wallet_run(fresh.deep_link, fresh.tx_code, [holder], dpop, proofNonce="not-a-nonce-we-gave")
        assert forged_nonce["step"] == "retrieveCredentials", forged_nonce
        assert "invalid_nonce" in str(forged_nonce), forged_nonce
